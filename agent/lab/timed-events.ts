/**
 * The scenario's timed events (architecture §5), applied on the simulated clock. Each one leaves a
 * timeline entry: `applied`, `skipped` (nothing to do, e.g. starting a running VM) or `refused` (not
 * possible at that moment, e.g. migrating to a host that is down). A tenant key that Windows refuses
 * is also recorded as a `KEY_REJECTED` problem for the VM. Nothing here throws into the run.
 */

import type { Lab } from './lab.js';
import { LabError } from './lab-error.js';
import type { WindowsGuest } from './lab-guest.js';
import type { TimelineOutcome } from './lab-records.js';
import {
  avmaKeyForTarget,
  checkKeyInstall,
  gvlkForTarget,
  type KeyChannel,
  type KeyTarget,
} from './product-keys.js';
import { parseIsoTime, type ScenarioEvent } from './scenario-schema.js';
import type { LabVm } from './vm-model.js';

interface Result {
  readonly outcome: TimelineOutcome;
  readonly detail: string;
}

const applied = (detail: string): Result => ({ outcome: 'applied', detail });
const skipped = (detail: string): Result => ({ outcome: 'skipped', detail });
const refused = (detail: string): Result => ({ outcome: 'refused', detail });

type VmEvent = Exclude<ScenarioEvent, { host: string } | { type: 'create-vm' }>;
type HostEvent = Extract<ScenarioEvent, { host: string }>;

/** The key a tenant types for a key word or literal on this guest, or why there is none. */
function keyToType(lab: Lab, spec: string, target: KeyTarget): { key: string } | { problem: string } {
  switch (spec) {
    case 'avma':
    case 'gvlk': {
      const key = spec === 'avma' ? avmaKeyForTarget(target) : gvlkForTarget(target);
      return key === null ? { problem: `Microsoft publishes no ${spec} key for this guest` } : { key };
    }
    case 'mak':
    case 'retail':
    case 'oem':
      return { key: lab.keys.generate(spec) };
    default:
      return { key: spec };
  }
}

function windowsGuest(vm: LabVm): WindowsGuest {
  if (vm.guest.kind !== 'windows')
    throw new LabError('INVALID_OPERATION', `${vm.name} is not a Windows guest`);
  return vm.guest;
}

function replaceKey(lab: Lab, vm: LabVm, spec: string): Result {
  const guest = windowsGuest(vm);
  if (vm.state !== 'Running') return refused(`${vm.name} is not running`);
  if (spec === 'none') {
    guest.spp.uninstall(lab.now());
    lab.scheduler.cancel(guest.activationTask);
    return applied('slmgr /upk: product key removed');
  }
  const typed = keyToType(lab, spec, guest.keyTarget);
  if ('problem' in typed) return rejectKey(lab, vm, typed.problem);
  const installed = lab.installKey(vm, typed.key);
  if (!installed.ok)
    return rejectKey(lab, vm, `slmgr /ipk failed with ${installed.hresult}: ${installed.message}`);
  const activation = lab.activate(vm);
  const result = activation.ok ? 'activated' : `activation failed with ${activation.hresult}`;
  return applied(`installed a ${installed.installed.channel} key ending ${typed.key.slice(-5)}; ${result}`);
}

function rejectKey(lab: Lab, vm: LabVm, message: string): Result {
  lab.recordProblem(vm, 'KEY_REJECTED', message);
  return refused(message);
}

function setEdition(lab: Lab, vm: LabVm, event: Extract<ScenarioEvent, { type: 'set-edition' }>): Result {
  const guest = windowsGuest(vm);
  if (vm.state !== 'Running') return refused(`${vm.name} is not running (DISM /Set-Edition runs online)`);
  const current: KeyChannel | undefined = guest.spp.key?.channel;
  const word = event.key ?? (current === undefined || current === 'eval' ? 'gvlk' : current);
  const target: KeyTarget = { ...guest.keyTarget, edition: event.edition, evaluation: false };
  const typed = keyToType(lab, word, target);
  if ('problem' in typed) return rejectKey(lab, vm, typed.problem);
  const check = checkKeyInstall(typed.key, target, lab.keys);
  if (!check.ok)
    return rejectKey(lab, vm, `DISM /Set-Edition refused the key with ${check.hresult}: ${check.message}`);
  const from = `${guest.edition}${guest.evaluation ? ' evaluation' : ''}`;
  guest.setEdition(event.edition);
  vm.touch();
  const installed = lab.installKey(vm, typed.key);
  if (!installed.ok) return rejectKey(lab, vm, `DISM /Set-Edition refused the key with ${installed.hresult}`);
  // DISM /Set-Edition needs a restart; the guest boots into the new edition.
  lab.stop(vm, 'Off');
  lab.boot(vm);
  const channel = installed.installed.channel;
  if (channel === 'mak' || channel === 'retail' || channel === 'oem') lab.activate(vm);
  return applied(`DISM /Set-Edition: ${from} -> ${event.edition} with a ${channel} key, restarted`);
}

function migrate(lab: Lab, vm: LabVm, to: string): Result {
  const source = lab.host(vm.hostName);
  const target = lab.host(to);
  if (!source.up) return refused(`source host ${source.name} is down`);
  if (!target.up) return refused(`target host ${target.name} is down`);
  vm.hostName = target.name;
  // Live migration: no reboot; KVP pools travel with the VM and the host parameters now name the target.
  if (vm.exchanging) vm.syncFromHost(target);
  const kind = vm.state === 'Running' ? 'live migration' : 'move';
  return applied(`${kind} from ${source.name} to ${target.name}`);
}

/**
 * Hyper-V changes a VM's processor count only while it is off (Set-VMProcessor), so a running VM is
 * shut down, resized and started again, as an operator would; memory alone is resized live (runtime
 * memory resize of static memory, Windows Server 2016 and later; a 2012 R2 host restarts it too).
 * A Saved or Paused VM holds its configuration in use: refused.
 */
function resize(lab: Lab, vm: LabVm, event: Extract<ScenarioEvent, { type: 'resize-vm' }>): Result {
  const vcpus = event.vcpus ?? vm.vcpus;
  const memoryMb = event.memoryMb ?? vm.memoryMb;
  const what = `${vm.vcpus} -> ${vcpus} vCPUs, ${vm.memoryMb} -> ${memoryMb} MB`;
  if (vcpus === vm.vcpus && memoryMb === vm.memoryMb)
    return skipped(`already ${vcpus} vCPUs, ${memoryMb} MB`);
  if (vm.state !== 'Running' && vm.state !== 'Off') {
    return refused(`${vm.name} is ${vm.state}; start or stop it first`);
  }
  const restart =
    vm.state === 'Running' && (vcpus !== vm.vcpus || lab.host(vm.hostName).version === '2012R2');
  if (!restart) {
    vm.resize(vcpus, memoryMb);
    const how = vm.state === 'Running' ? 'live' : `while ${vm.state}`;
    return applied(`resized ${how}: ${what}`);
  }
  lab.stop(vm, 'Off');
  vm.resize(vcpus, memoryMb);
  lab.boot(vm);
  return applied(`shut down, resized and started: ${what}`);
}

function setDataExchange(lab: Lab, vm: LabVm, enabled: boolean): Result {
  if (vm.dataExchange === enabled) return skipped(`Data Exchange is already ${enabled ? 'on' : 'off'}`);
  lab.setDataExchange(vm, enabled);
  return applied(`Data Exchange ${enabled ? 'enabled' : 'disabled'}`);
}

function agentEvent(lab: Lab, vm: LabVm, run: boolean): Result {
  if (!vm.guestAgentInstalled) return skipped('no guest agent is installed in this VM');
  if (vm.agentRunning === run) return skipped(`the guest agent is already ${run ? 'running' : 'stopped'}`);
  if (run) lab.startAgent(vm);
  else lab.stopAgent(vm);
  return applied(`guest agent ${run ? 'started' : 'stopped'}`);
}

function vmEvent(lab: Lab, vm: LabVm, event: VmEvent): Result {
  switch (event.type) {
    case 'start': {
      if (vm.state === 'Running') return skipped('already Running');
      if (!lab.host(vm.hostName).up) return refused(`host ${vm.hostName} is down`);
      const from = vm.state;
      lab.boot(vm);
      return applied(from === 'Off' ? 'started' : `resumed from ${from}`);
    }
    case 'stop':
      if (vm.state === 'Off') return skipped('already Off');
      lab.stop(vm, 'Off');
      return applied('shut down');
    case 'delete-vm':
      lab.deleteVm(vm);
      return applied(`deleted (id ${vm.id})`);
    case 'guest-agent-stop':
    case 'guest-agent-start':
      return agentEvent(lab, vm, event.type === 'guest-agent-start');
    case 'enable-data-exchange':
    case 'disable-data-exchange':
      return setDataExchange(lab, vm, event.type === 'enable-data-exchange');
    case 'migrate':
      return migrate(lab, vm, event.to);
    case 'replace-key':
      return replaceKey(lab, vm, event.key);
    case 'set-edition':
      return setEdition(lab, vm, event);
    case 'rename-vm': {
      const old = vm.name;
      vm.name = event.name;
      if (vm.exchanging) vm.syncFromHost(lab.host(vm.hostName));
      return applied(`renamed ${old} to ${event.name}`);
    }
    case 'resize-vm':
      return resize(lab, vm, event);
    case 'corrupt-kvp':
      if (vm.state !== 'Running') return refused(`${vm.name} is not running`);
      vm.writeGuestItem(event.item, event.value);
      return applied(`tenant wrote ${event.value.length} characters into Guest item ${event.item}`);
  }
}

function hostEvent(lab: Lab, event: HostEvent): Result {
  const host = lab.host(event.host);
  const wanted = event.type === 'activate-host' || event.type === 'host-up';
  if (event.type === 'activate-host' || event.type === 'deactivate-host') {
    if (host.activated === wanted) return skipped(`already ${wanted ? 'activated' : 'not activated'}`);
    host.activated = wanted;
    return applied(wanted ? 'host activated' : 'host lost its activation');
  }
  if (host.up === wanted) return skipped(`already ${wanted ? 'up' : 'down'}`);
  host.up = wanted;
  return applied(wanted ? 'host reachable again' : 'host down: no driver call or AVMA request is answered');
}

function applyEvent(lab: Lab, event: ScenarioEvent): { target: string; result: Result } {
  if (event.type === 'create-vm') {
    const vm = lab.createVm(event.vm);
    return { target: event.vm.name, result: applied(`created on ${vm.hostName} with id ${vm.id}`) };
  }
  if ('host' in event) return { target: event.host, result: hostEvent(lab, event) };
  const vm = lab.vmByName(event.vm);
  return { target: vm.name, result: vmEvent(lab, vm, event) };
}

/** Schedules every scenario event at its time; ties run in file order. Never throws into the run. */
export function scheduleScenarioEvents(lab: Lab, events: readonly ScenarioEvent[]): void {
  events.forEach((event, index) => {
    const at = parseIsoTime(event.at) as number;
    const apply = (): void => {
      let target = 'host' in event ? event.host : event.type === 'create-vm' ? event.vm.name : event.vm;
      let result: Result;
      try {
        ({ target, result } = applyEvent(lab, event));
      } catch (error) {
        if (!(error instanceof LabError)) throw error;
        result = refused(error.message);
      }
      lab.timeline.push(
        Object.freeze({ time: lab.clock.nowIso(), index, type: event.type, target, ...result }),
      );
    };
    // A tenant writing the Guest key comes after the guest agent's last pass (which may be deferred).
    const run = event.type === 'corrupt-kvp' ? () => settleThenApply(lab, event.vm, apply) : apply;
    lab.scheduler.schedule(at, `event ${index} ${event.type}`, run);
  });
}

async function settleThenApply(lab: Lab, vmName: string, apply: () => void): Promise<void> {
  const name = vmName.toLowerCase();
  for (const vm of lab.vms()) if (vm.name.toLowerCase() === name) await lab.settleGuest(vm);
  apply();
}
