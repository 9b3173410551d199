/**
 * The lab: a deterministic simulation of Hyper-V hosts and their VMs on a simulated clock (architecture
 * §5). Tests and `avma lab run` move the clock; everything that happens (boots, AVMA requests and
 * renewals, guest-agent ticks, the scenario's timed events) runs as scheduled tasks in time order.
 * Same scenario and seed: same GUIDs, same events, same results.
 */
import { type AvmaOutcome, KMS_UNREACHABLE, performAvmaRequest, performKmsRequest } from './activation.js';
import { LabHost } from './host-model.js';
import { type AgentPassCounts, type GuestAgentFactory, LabAgents, realGuestAgent } from './lab-agents.js';
import { buildVm } from './lab-build.js';
import { LabError } from './lab-error.js';
import type { WindowsGuest } from './lab-guest.js';
import type { LabProblem, LabProblemCode, TimelineEntry } from './lab-records.js';
import { type LabSettings, type LabSettingsInput, resolveLabSettings } from './lab-settings.js';
import { createPrng, type Prng } from './prng.js';
import { checkKeyInstall, type KeyInstallResult, KeyRegistry } from './product-keys.js';
import { parseIsoTime, type Scenario, type ScenarioVm } from './scenario-schema.js';
import { MINUTE_MS, SimClock, SimScheduler } from './sim-clock.js';
import { scheduleScenarioEvents } from './timed-events.js';
import type { LabVm } from './vm-model.js';

export const DEFAULT_SEED = 1;
/** slerror.h SL_E_PKEY_NOT_INSTALLED: "the product key is not available" (no key to activate). */
const NO_KEY_INSTALLED = '0xC004F014';
/** slerror.h: the grace period expired (an Evaluation past its end cannot activate). */
const GRACE_EXPIRED = '0xC004F009';

export interface LabOptions {
  readonly seed?: number;
  /** Overrides the scenario's `settings`. */
  readonly settings?: LabSettingsInput;
  /** How agents are made; `null` runs no agent. Default: the real guest agent. */
  readonly guestAgentFactory?: GuestAgentFactory | null;
}

export interface ActivationResult {
  readonly ok: boolean;
  readonly hresult: string | null;
  readonly message: string;
  /** Set for AVMA requests. */
  readonly avma: AvmaOutcome | null;
}

const fold = (name: string): string => name.toLowerCase();

/** The simulated fleet: hosts, VMs, clock, scheduler and what happened. */
export class Lab {
  readonly settings: LabSettings;
  readonly clock: SimClock;
  readonly scheduler: SimScheduler;
  readonly keys: KeyRegistry;
  readonly startTime: number;
  readonly problems: LabProblem[] = [];
  readonly timeline: TimelineEntry[] = [];
  readonly #prng: Prng;
  readonly #hosts = new Map<string, LabHost>();
  readonly #vms = new Map<string, LabVm>();
  readonly #agents: LabAgents;
  #created = 0;

  private constructor(scenario: Scenario, options: LabOptions) {
    this.startTime = parseIsoTime(scenario.start) as number;
    this.settings = resolveLabSettings(scenario.settings, options.settings);
    this.clock = new SimClock(this.startTime);
    this.scheduler = new SimScheduler(this.clock);
    this.#prng = createPrng(options.seed ?? DEFAULT_SEED);
    this.keys = new KeyRegistry(this.#prng);
    const factory = options.guestAgentFactory === undefined ? realGuestAgent : options.guestAgentFactory;
    this.#agents = new LabAgents(this, factory, this.settings.guestAgentTickMinutes);
    for (const spec of scenario.hosts)
      this.#hosts.set(fold(spec.name), new LabHost(spec, this.settings.eventLogMaxRecords));
    for (const spec of scenario.vms) this.createVm(spec);
    scheduleScenarioEvents(this, scenario.events);
  }

  /**
   * A lab for a validated scenario (see scenario-loader.ts), booted: VMs that start Running have
   * booted at the scenario's start. Rejects only if a guest agent's first tick rejects unexpectedly.
   */
  static async create(scenario: Scenario, options: LabOptions = {}): Promise<Lab> {
    const lab = new Lab(scenario, options);
    await lab.scheduler.runUntil(lab.startTime);
    await lab.#agents.settleAll();
    return lab;
  }

  /** Guest-agent passes due so far, and how many of them ran the agent's code (lab-agents.ts). */
  get guestAgentPasses(): AgentPassCounts {
    return this.#agents.passes;
  }

  /** The simulated time, in milliseconds since the epoch. */
  now(): number {
    return this.clock.now();
  }

  /**
   * Runs everything due up to `time` (ms or ISO text), then every guest-agent pass the lab deferred
   * (lab-agents.ts), so what anyone reads next is what the full simulation shows. Throws `LabError`
   * for a time in the past.
   */
  async advanceTo(time: number | string): Promise<number> {
    const target = typeof time === 'number' ? time : parseIsoTime(time);
    if (target === null)
      throw new LabError('INVALID_ARGUMENT', `time "${String(time)}" is not an ISO-8601 time`);
    const count = await this.scheduler.runUntil(target);
    await this.#agents.settleAll();
    return count;
  }

  /** Runs everything due in the next `ms` milliseconds. Throws like `advanceTo`. */
  advanceBy(ms: number): Promise<number> {
    return this.advanceTo(this.now() + ms);
  }

  /** Every host, in scenario order. */
  hosts(): LabHost[] {
    return [...this.#hosts.values()];
  }

  /** The host of that name (case-insensitive), or `undefined`. */
  findHost(name: string): LabHost | undefined {
    return this.#hosts.get(fold(name));
  }

  /** Throws `LabError` UNKNOWN_HOST naming the hosts that exist. */
  host(name: string): LabHost {
    const host = this.findHost(name);
    if (host === undefined) {
      throw new LabError(
        'UNKNOWN_HOST',
        `unknown host "${name}", expected one of ${this.hosts()
          .map((h) => h.name)
          .join(', ')}`,
      );
    }
    return host;
  }

  /** Every node of `host`'s failover cluster, itself included. */
  clusterNodes(host: LabHost): LabHost[] {
    if (host.cluster === null) return [host];
    return this.hosts().filter(
      (node) => node.cluster !== null && fold(node.cluster) === fold(host.cluster as string),
    );
  }

  /** VMs in creation order. */
  vms(): LabVm[] {
    return [...this.#vms.values()];
  }

  /** The VM with that GUID (any case), or `undefined`. */
  findVm(id: string): LabVm | undefined {
    return this.#vms.get(id.toLowerCase());
  }

  /** The VMs currently on a host, in creation order. */
  vmsOn(hostName: string): LabVm[] {
    const key = fold(hostName);
    return this.vms().filter((vm) => fold(vm.hostName) === key);
  }

  /** The only VM with this name (case-insensitive). Throws `LabError` UNKNOWN_VM. */
  vmByName(name: string): LabVm {
    const matches = this.vms().filter((vm) => fold(vm.name) === fold(name));
    const [only] = matches;
    if (only === undefined || matches.length > 1) {
      throw new LabError('UNKNOWN_VM', `${matches.length > 1 ? 'more than one' : 'no'} VM named "${name}"`);
    }
    return only;
  }

  /** Adds a VM from a validated scenario entry; it boots now if its state is running. */
  createVm(spec: ScenarioVm): LabVm {
    const host = this.host(spec.host);
    const context = {
      settings: this.settings,
      prng: this.#prng,
      keys: this.keys,
      now: this.now(),
      ordinal: this.#created,
    };
    const vm = buildVm(spec, host.name, context);
    this.#created += 1;
    this.#vms.set(vm.id, vm);
    if (vm.state === 'Running') this.scheduler.schedule(this.now(), `boot ${vm.name}`, () => this.boot(vm));
    return vm;
  }

  /** Removes a VM and everything scheduled for it. */
  deleteVm(vm: LabVm): void {
    this.stop(vm, 'Off');
    this.#vms.delete(vm.id);
    this.#agents.forget(vm);
  }

  /**
   * Boots (or resumes) a VM: the KVP service delivers host items and parameters, a Windows guest
   * holding an AVMA or KMS client key asks for activation, and its guest agent starts ticking.
   */
  boot(vm: LabVm): void {
    vm.state = 'Running';
    vm.bootGeneration += 1;
    if (vm.dataExchange) vm.syncFromHost(this.host(vm.hostName));
    if (vm.guest.kind === 'windows') {
      const channel = vm.guest.spp.key?.channel;
      if (channel === 'avma' || channel === 'gvlk') this.activate(vm);
    }
    this.#agents.start(vm);
  }

  /** Shuts a VM down (or saves/pauses it): its scheduled activation and agent work stop. */
  stop(vm: LabVm, state: 'Off' | 'Saved' | 'Paused' = 'Off'): void {
    vm.state = state;
    vm.bootGeneration += 1;
    if (vm.guest.kind === 'windows') this.scheduler.cancel(vm.guest.activationTask);
  }

  /** Switches the Data Exchange integration service; turning it on delivers what the host holds. */
  setDataExchange(vm: LabVm, enabled: boolean): void {
    vm.dataExchange = enabled;
    if (vm.exchanging) vm.syncFromHost(this.host(vm.hostName));
  }

  /**
   * Runs the VM's deferred guest-agent pass, if any: before anything but its agent writes its Guest
   * key, the agent's last pass must have written there.
   */
  settleGuest(vm: LabVm): Promise<void> {
    return this.#agents.settle(vm);
  }

  /** Starts the guest agent service (it ticks at once if the VM runs). */
  startAgent(vm: LabVm): void {
    vm.agentRunning = true;
    vm.agentGeneration += 1;
    if (vm.state === 'Running') this.#agents.start(vm);
  }

  /** Stops the guest agent service: from now on it never answers. */
  stopAgent(vm: LabVm): void {
    vm.agentRunning = false;
    vm.agentGeneration += 1;
  }

  /** `slmgr /ipk` inside the guest (SPP rules of product-keys.ts). Never throws. */
  installKey(vm: LabVm, key: string): KeyInstallResult {
    const guest = this.#windows(vm);
    const result = checkKeyInstall(key, guest.keyTarget, this.keys);
    if (result.ok) {
      guest.spp.install(result.installed, this.now());
      this.scheduler.cancel(guest.activationTask);
    }
    return result;
  }

  /**
   * `slmgr /ato` inside the guest: an AVMA key asks the host, a KMS client key asks the (simulated)
   * KMS host, a tenant's own key activates online (Microsoft's servers are not simulated). Schedules
   * the next renewal or retry. Never throws.
   */
  activate(vm: LabVm): ActivationResult {
    const guest = this.#windows(vm);
    this.scheduler.cancel(guest.activationTask);
    const channel = guest.spp.key?.channel;
    const now = this.now();
    if (channel === undefined) {
      return { ok: false, hresult: NO_KEY_INSTALLED, message: 'no product key is installed', avma: null };
    }
    if (channel === 'avma') return this.#askHost(vm, guest);
    if (channel === 'gvlk') {
      const ok = performKmsRequest(guest, this.settings, now);
      const { kmsRenewalMinutes, kmsRetryMinutes } = this.settings;
      this.#scheduleActivation(vm, guest, ok ? kmsRenewalMinutes : kmsRetryMinutes);
      const message = ok ? 'activated by KMS' : 'no KMS host';
      return { ok, hresult: ok ? null : KMS_UNREACHABLE, message, avma: null };
    }
    if (channel !== 'eval') guest.spp.activated(now);
    const ok = guest.spp.status(now) === 'licensed';
    return { ok, hresult: ok ? null : GRACE_EXPIRED, message: channel, avma: null };
  }

  /** The AVMA exchange with the VM's current host, then the next renewal (or retry) is scheduled. */
  #askHost(vm: LabVm, guest: WindowsGuest): ActivationResult {
    const host = this.host(vm.hostName);
    const request = {
      host,
      clusterNodes: this.clusterNodes(host),
      clusterActivation: this.settings.clusterActivation,
      dataExchange: vm.dataExchange,
      guest,
    };
    const outcome = performAvmaRequest(vm, request, this.now());
    const ok = outcome.notification === 'avma-success';
    const { avmaRenewalMinutes, avmaRetryMinutes } = this.settings;
    this.#scheduleActivation(vm, guest, ok ? avmaRenewalMinutes : avmaRetryMinutes);
    return { ok, hresult: ok ? null : outcome.hresult, message: outcome.cause, avma: outcome };
  }

  /** False once the VM was deleted. */
  hasVm(vm: LabVm): boolean {
    return this.#vms.get(vm.id) === vm;
  }

  /** Records a typed problem for a VM; the lab goes on. */
  recordProblem(vm: LabVm, code: LabProblemCode, message: string): void {
    this.problems.push(
      Object.freeze({ time: this.clock.nowIso(), code, vmId: vm.id, vmName: vm.name, message }),
    );
  }

  #windows(vm: LabVm): WindowsGuest {
    if (vm.guest.kind !== 'windows')
      throw new LabError('INVALID_OPERATION', `${vm.name} is not a Windows guest`);
    return vm.guest;
  }

  #scheduleActivation(vm: LabVm, guest: WindowsGuest, minutes: number): void {
    const generation = vm.bootGeneration;
    guest.activationTask = this.scheduler.schedule(
      this.now() + minutes * MINUTE_MS,
      `activation ${vm.id}`,
      () => {
        if (vm.bootGeneration === generation && vm.state === 'Running' && this.#vms.has(vm.id))
          this.activate(vm);
      },
    );
  }
}
