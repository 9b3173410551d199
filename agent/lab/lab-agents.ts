/**
 * The guest agents of lab VMs: one real `GuestAgent` per Windows VM with `guestAgent: true`, running
 * against `LabGuestPlatform`, ticked at boot and every `guestAgentTickMinutes` simulated minutes while
 * the VM runs and the agent service is started. A tick that throws is recorded as a problem for that
 * VM and the agent keeps being ticked; nothing an agent does stops the lab.
 *
 * Deferred passes: most passes of a settled agent find nothing new and only rewrite their status with
 * the licence facts of the moment (pass-inputs.ts). When a pass is due and nothing it reads changed
 * since such a pass, the lab does not run it then: it keeps the facts of that moment (the licence
 * facts are taken just before the licence next changes, `SppModel.beforeNextChange`; the log and
 * `External` key as they were) and runs the same real pass against them later, before anything can
 * see its result: before the agent's next pass, before someone else writes the VM's Guest key, and
 * at the end of every `Lab.advanceTo`. A later deferred pass replaces an earlier one whose status it
 * overwrites, and one that would read the licence facts the last pass read is not run at all (it
 * would build the status the Guest key holds). So the Guest items the host reads are those the full
 * simulation would show.
 */
import { GuestAgent } from '../../guest/agent/guest-agent.js';
import type { GuestTickReport } from '../../guest/agent/tick-report.js';
import type { GuestPlatform, LicenseFacts } from '../../guest/platform/guest-platform.js';
import { LabError } from './lab-error.js';
import type { WindowsGuest } from './lab-guest.js';
import { LabGuestPlatform, type LabGuestServices } from './lab-guest-platform.js';
import type { LabProblemCode } from './lab-records.js';
import {
  onlyRefreshedStatus,
  type PassInputs,
  passInputs,
  sameInputs,
  sameLicenseFacts,
} from './pass-inputs.js';
import { MINUTE_MS, type SimScheduler } from './sim-clock.js';
import type { LabVm } from './vm-model.js';

/** The version lab guests' agents report. */
export const LAB_AGENT_VERSION = '0.1.0';

/** What the lab needs from a guest agent: one idempotent pass per call. */
export interface GuestAgentLike {
  tick(): Promise<unknown>;
}
export type GuestAgentFactory = (platform: GuestPlatform) => GuestAgentLike;

/** The real guest agent (guest/), so the lab exercises the KVP protocol end to end. */
export const realGuestAgent: GuestAgentFactory = (platform) =>
  new GuestAgent(platform, { agentVersion: LAB_AGENT_VERSION });

export interface LabAgentHost extends LabGuestServices {
  readonly scheduler: SimScheduler;
  /** False once the VM was deleted. */
  hasVm(vm: LabVm): boolean;
  recordProblem(vm: LabVm, code: LabProblemCode, message: string): void;
}

/** A pass that was due and not yet run, with what it would have read. */
interface DeferredPass {
  /** The settled inputs it was deferred on; its own status write is counted into them. */
  inputs: PassInputs;
  time: number;
  lastRecordId: number;
  external: ReadonlyMap<string, string>;
  license: LicenseFacts | null;
}

/** One VM's agent and its pass bookkeeping. */
interface AgentRun {
  readonly vm: LabVm;
  readonly guest: WindowsGuest;
  readonly agent: GuestAgentLike;
  readonly platform: LabGuestPlatform;
  /** Only the real agent's passes are understood well enough to defer. */
  readonly defers: boolean;
  /** The inputs after the last pass, when that pass only refreshed the status; `null` otherwise. */
  settled: PassInputs | null;
  deferred: DeferredPass | null;
  /** Takes the deferred pass's licence facts before the licence changes. */
  readonly keepLicense: () => void;
}

/** Guest-agent passes so far: `due` by the tick schedule, `run` through the real agent code. */
export interface AgentPassCounts {
  readonly due: number;
  readonly run: number;
}

/** Creates each VM's agent once and runs its tick loop on the lab clock. */
export class LabAgents {
  #due = 0;
  #run = 0;
  readonly #runs = new Map<string, AgentRun>();
  /** Runs holding a deferred pass. */
  readonly #waiting = new Set<AgentRun>();
  readonly #factory: GuestAgentFactory | null;
  readonly #lab: LabAgentHost;
  readonly #intervalMs: number;

  constructor(lab: LabAgentHost, factory: GuestAgentFactory | null, intervalMinutes: number) {
    this.#lab = lab;
    this.#factory = factory;
    this.#intervalMs = intervalMinutes * MINUTE_MS;
  }

  get passes(): AgentPassCounts {
    return { due: this.#due, run: this.#run };
  }

  /** Forgets a deleted VM's agent (a deferred pass of a VM nobody can list any more is dropped). */
  forget(vm: LabVm): void {
    const run = this.#runs.get(vm.id);
    if (run === undefined) return;
    this.#drop(run);
    this.#runs.delete(vm.id);
  }

  #runFor(vm: LabVm): AgentRun | null {
    const factory = this.#factory;
    if (factory === null || !vm.guestAgentInstalled || vm.guest.kind !== 'windows') return null;
    let run = this.#runs.get(vm.id);
    if (run === undefined) {
      const platform = new LabGuestPlatform(this.#lab, vm);
      const guest = vm.guest;
      const created: AgentRun = {
        vm,
        guest,
        agent: factory(platform),
        platform,
        defers: factory === realGuestAgent,
        settled: null,
        deferred: null,
        keepLicense: () => {
          const pass = created.deferred;
          if (pass !== null && pass.license === null) pass.license = guest.spp.licenseFacts(pass.time);
        },
      };
      run = created;
      this.#runs.set(vm.id, run);
    }
    return run;
  }

  /**
   * Starts ticking the VM's agent now and every interval. The loop ends by itself when the VM stops,
   * reboots, is deleted, or the agent is stopped or restarted (each bumps a generation counter).
   */
  start(vm: LabVm): void {
    const run = this.#runFor(vm);
    if (run === null || !vm.agentRunning) return;
    run.settled = null;
    const { scheduler } = this.#lab;
    const boot = vm.bootGeneration;
    const generation = vm.agentGeneration;
    const again = (): void => {
      scheduler.repeat(task, this.#lab.now() + this.#intervalMs);
    };
    // Synchronous when the pass is deferred: the scheduler then moves on without a promise.
    const tick = (): Promise<void> | undefined => {
      // Deleting a VM stops it, which bumps its boot generation: this loop then ends here.
      const current = vm.bootGeneration === boot && vm.agentGeneration === generation && vm.agentRunning;
      if (!current || vm.state !== 'Running') return undefined;
      this.#due += 1;
      if (run.settled !== null && sameInputs(run.settled, vm, run.guest)) {
        this.#defer(run, run.settled);
        again();
        return undefined;
      }
      if (!this.#lab.hasVm(vm)) return undefined;
      return this.#fullPass(run).then(again);
    };
    const task = scheduler.schedule(this.#lab.now(), `agent ${vm.id}`, tick);
  }

  /**
   * Runs the deferred pass of `vm`, if any, so its Guest items are what the full simulation shows.
   * Rejects with `LabError` INVALID_OPERATION if that pass did more than refresh its status.
   */
  async settle(vm: LabVm): Promise<void> {
    const run = this.#runs.get(vm.id);
    if (run !== undefined) await this.#runDeferred(run);
  }

  /** Runs every deferred pass (end of `Lab.advanceTo`). Rejects like `settle`. */
  async settleAll(): Promise<void> {
    for (const run of [...this.#waiting]) await this.#runDeferred(run);
  }

  #defer(run: AgentRun, inputs: PassInputs): void {
    const time = this.#lab.now();
    const replaced = run.deferred;
    // The same settled inputs and no licence change since: only the time moves (the common tick at
    // fleet scale, where each touch of another object of the VM's is a cache miss).
    if (replaced !== null && replaced.inputs === inputs && replaced.license === null) {
      replaced.time = time;
      return;
    }
    const lastRecordId = run.guest.log.lastRecordId;
    const external = run.vm.externalCopy();
    // The pass it replaces is overwritten in place: one object per settled agent, not one per tick.
    if (replaced !== null) {
      replaced.inputs = inputs;
      replaced.time = time;
      replaced.lastRecordId = lastRecordId;
      replaced.external = external;
      replaced.license = null;
    } else run.deferred = { inputs, time, lastRecordId, external, license: null };
    run.guest.spp.beforeNextChange(run.keepLicense);
    this.#waiting.add(run);
  }

  #drop(run: AgentRun): DeferredPass | null {
    const pass = run.deferred;
    if (pass === null) return null;
    run.deferred = null;
    run.guest.spp.beforeNextChange(null);
    this.#waiting.delete(run);
    return pass;
  }

  async #runDeferred(run: AgentRun): Promise<void> {
    const pass = this.#drop(run);
    if (pass === null) return;
    const license = pass.license ?? run.guest.spp.licenseFacts(pass.time);
    // The same facts as the last pass read build the same status, which the Guest key still holds.
    if (sameLicenseFacts(run.platform.lastLicenseFacts, license)) return;
    const { time, lastRecordId, external } = pass;
    run.platform.asAt = { time, license, lastRecordId, external };
    this.#run += 1;
    let report: GuestTickReport;
    try {
      report = (await run.agent.tick()) as GuestTickReport;
    } finally {
      run.platform.asAt = null;
    }
    if (!onlyRefreshedStatus(report)) {
      throw new LabError(
        'INVALID_OPERATION',
        `the deferred guest agent pass of ${run.vm.name} at ${new Date(time).toISOString()} did more than refresh its status: ${JSON.stringify(report)}`,
      );
    }
    pass.inputs.guestPoolVersion = run.vm.guestPoolVersion;
  }

  async #fullPass(run: AgentRun): Promise<void> {
    await this.#runDeferred(run);
    const stateBefore = run.guest.agentState;
    run.settled = null;
    this.#run += 1;
    try {
      const report = await run.agent.tick();
      const settled =
        run.defers && onlyRefreshedStatus(report as GuestTickReport) && run.guest.agentState === stateBefore;
      if (settled) run.settled = passInputs(run.vm, run.guest);
    } catch (error) {
      this.#lab.recordProblem(
        run.vm,
        'GUEST_AGENT_FAILED',
        error instanceof Error ? error.message : String(error),
      );
    }
  }
}
