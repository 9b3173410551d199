/**
 * Cross-reference checks of a scenario that the schema cannot express: hosts named by VMs exist, VM
 * names are unique on their host, guest fields fit together, and every timed event names a VM or host
 * that exists at that moment (events are replayed in time order, so `rename-vm`, `create-vm`,
 * `delete-vm` and `migrate` change what later events may name). Names compare case-insensitively,
 * as Windows does. The first problem found is thrown as one `LabError` INVALID_SCENARIO naming its path.
 */

import { SEMI_ANNUAL_VERSIONS } from './guest-os.js';
import { LabError } from './lab-error.js';
import { type KeyTarget, keySpecProblem } from './product-keys.js';
import {
  parseIsoTime,
  type Scenario,
  type ScenarioEvent,
  type ScenarioGuest,
  type ScenarioVm,
} from './scenario-schema.js';

function fail(path: string, message: string): never {
  throw new LabError('INVALID_SCENARIO', `${path}: ${message}`);
}

const fold = (name: string): string => name.toLowerCase();

/** Key target of a Windows guest; `null` for Linux. */
export function keyTarget(guest: ScenarioGuest): KeyTarget | null {
  if (guest.os === 'linux') return null;
  return {
    os: guest.os,
    version: guest.version,
    edition: guest.edition,
    evaluation: guest.os === 'windows-server' ? guest.evaluation : false,
  };
}

function checkGuest(guest: ScenarioGuest, path: string): void {
  if (guest.os === 'linux') return;
  if (guest.os === 'windows-server' && guest.evaluation) {
    if (guest.edition !== 'datacenter' && guest.edition !== 'standard') {
      fail(`${path}.evaluation`, 'Evaluation editions exist for datacenter and standard only');
    }
    if (SEMI_ANNUAL_VERSIONS.includes(guest.version)) {
      fail(`${path}.evaluation`, `version ${guest.version} was not offered as an Evaluation`);
    }
  }
  const target = keyTarget(guest) as KeyTarget;
  const problem = keySpecProblem(guest.key, target);
  if (problem !== null) fail(`${path}.key`, problem);
  if (guest.key === 'none' && !target.evaluation && guest.licenseStatus === 'licensed') {
    fail(
      `${path}.licenseStatus`,
      'a guest without a product key cannot be licensed; give key or another status',
    );
  }
}

interface LiveVm {
  name: string;
  host: string;
  guest: ScenarioGuest;
  /** When it was added: matches are named in this order. */
  readonly order: number;
}

/**
 * The VMs alive at each point of the scenario, indexed by folded name: a scan of every VM for each one
 * added made a generated fleet's check quadratic (8,000 VMs: 32 million name comparisons).
 */
class Fleet {
  readonly #hosts = new Map<string, string>();
  /** Folded name -> the VMs of that name, on any host. */
  readonly #byName = new Map<string, LiveVm[]>();
  #added = 0;

  constructor(scenario: Scenario) {
    scenario.hosts.forEach((host, index) => {
      if (this.#hosts.has(fold(host.name))) fail(`hosts[${index}].name`, `duplicate host "${host.name}"`);
      const cores = host.coresPerSocket;
      if (Array.isArray(cores) && cores.length !== host.sockets) {
        fail(
          `hosts[${index}].coresPerSocket`,
          `${cores.length} entries, expected one per socket (${host.sockets})`,
        );
      }
      this.#hosts.set(fold(host.name), host.name);
    });
  }

  host(name: string, path: string): string {
    const host = this.#hosts.get(fold(name));
    if (host === undefined) {
      fail(path, `unknown host "${name}", expected one of ${[...this.#hosts.values()].join(', ')}`);
    }
    return host;
  }

  #named(name: string): LiveVm[] {
    return this.#byName.get(fold(name)) ?? [];
  }

  #index(vm: LiveVm): void {
    const key = fold(vm.name);
    const named = this.#byName.get(key);
    if (named === undefined) this.#byName.set(key, [vm]);
    else named.push(vm);
  }

  add(vm: ScenarioVm, path: string): void {
    const host = this.host(vm.host, `${path}.host`);
    if (this.nameTaken(host, vm.name)) {
      fail(`${path}.name`, `a VM named "${vm.name}" already exists on ${host}`);
    }
    if (vm.guestAgent && vm.guest.os === 'linux') {
      fail(`${path}.guestAgent`, 'the guest agent runs on Windows guests only');
    }
    checkGuest(vm.guest, `${path}.guest`);
    this.#index({ name: vm.name, host, guest: vm.guest, order: this.#added++ });
  }

  find(name: string, path: string, at: string): LiveVm {
    const matches = [...this.#named(name)].sort((a, b) => a.order - b.order);
    const [only] = matches;
    if (only === undefined) fail(path, `no VM named "${name}" exists at ${at}`);
    if (matches.length > 1) {
      fail(path, `"${name}" names VMs on ${matches.map((m) => m.host).join(' and ')}; give VMs unique names`);
    }
    return only;
  }

  remove(vm: LiveVm): void {
    const named = this.#named(vm.name);
    named.splice(named.indexOf(vm), 1);
  }

  rename(vm: LiveVm, name: string): void {
    this.remove(vm);
    vm.name = name;
    this.#index(vm);
  }

  nameTaken(host: string, name: string): boolean {
    return this.#named(name).some((live) => live.host === host);
  }
}

function windowsGuest(vm: LiveVm, path: string, type: string): Exclude<ScenarioGuest, { os: 'linux' }> {
  if (vm.guest.os === 'linux') fail(path, `${type} needs a Windows guest; "${vm.name}" is a linux guest`);
  return vm.guest;
}

function applyEvent(fleet: Fleet, event: ScenarioEvent, path: string): void {
  if (event.type === 'create-vm') {
    fleet.add(event.vm, `${path}.vm`);
    return;
  }
  if ('host' in event) {
    fleet.host(event.host, `${path}.host`);
    return;
  }
  const vm = fleet.find(event.vm, `${path}.vm`, event.at);
  switch (event.type) {
    case 'delete-vm':
      fleet.remove(vm);
      return;
    case 'migrate': {
      const to = fleet.host(event.to, `${path}.to`);
      if (to === vm.host) fail(`${path}.to`, `"${vm.name}" is already on ${to}`);
      if (fleet.nameTaken(to, vm.name)) fail(`${path}.to`, `${to} already has a VM named "${vm.name}"`);
      vm.host = to;
      return;
    }
    case 'rename-vm':
      if (fleet.nameTaken(vm.host, event.name) && fold(event.name) !== fold(vm.name)) {
        fail(`${path}.name`, `a VM named "${event.name}" already exists on ${vm.host}`);
      }
      fleet.rename(vm, event.name);
      return;
    case 'replace-key':
      windowsGuest(vm, `${path}.vm`, event.type);
      return;
    case 'set-edition':
      applySetEdition(vm, event, path);
      return;
    default:
      return;
  }
}

function applySetEdition(
  vm: LiveVm,
  event: Extract<ScenarioEvent, { type: 'set-edition' }>,
  path: string,
): void {
  const guest = windowsGuest(vm, `${path}.vm`, event.type);
  if (guest.os !== 'windows-server') {
    fail(`${path}.vm`, `set-edition needs a windows-server guest; "${vm.name}" runs ${guest.os}`);
  }
  vm.guest = { ...guest, edition: event.edition, evaluation: false, key: event.key ?? guest.key };
}

/** Start time and event times in milliseconds; throws for an event before the start. */
function eventOrder(scenario: Scenario): number[] {
  const start = parseIsoTime(scenario.start) as number;
  const times = scenario.events.map((event, index) => {
    const time = parseIsoTime(event.at) as number;
    if (time < start)
      fail(`events[${index}].at`, `${event.at} is before the scenario start ${scenario.start}`);
    return time;
  });
  return times.map((_, index) => index).sort((a, b) => (times[a] as number) - (times[b] as number) || a - b);
}

/**
 * Checks everything the schema cannot; returns normally for a consistent scenario. Throws `LabError`
 * INVALID_SCENARIO with a message like `vms[3].host: unknown host "HV9", expected one of HV01, HV02`.
 */
export function checkScenario(scenario: Scenario): void {
  const fleet = new Fleet(scenario);
  scenario.vms.forEach((vm, index) => {
    fleet.add(vm, `vms[${index}]`);
  });
  for (const index of eventOrder(scenario)) {
    applyEvent(fleet, scenario.events[index] as ScenarioEvent, `events[${index}]`);
  }
}
