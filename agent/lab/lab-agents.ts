/**
 * The guest agents of lab VMs: one real `GuestAgent` per Windows VM with `guestAgent: true`, running
 * against `LabGuestPlatform`, ticked at boot and every `guestAgentTickMinutes` simulated minutes while
 * the VM runs and the agent service is started. A tick that throws is recorded as a problem for that
 * VM and the agent keeps being ticked; nothing an agent does stops the lab.
 */
import { GuestAgent } from '../../guest/agent/guest-agent.js';
import type { GuestPlatform } from '../../guest/platform/guest-platform.js';
import { LabGuestPlatform, type LabGuestServices } from './lab-guest-platform.js';
import type { LabProblemCode } from './lab-records.js';
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

/** Creates each VM's agent once and runs its tick loop on the lab clock. */
export class LabAgents {
  readonly #agents = new Map<string, GuestAgentLike>();
  readonly #factory: GuestAgentFactory | null;
  readonly #lab: LabAgentHost;
  readonly #intervalMs: number;

  constructor(lab: LabAgentHost, factory: GuestAgentFactory | null, intervalMinutes: number) {
    this.#lab = lab;
    this.#factory = factory;
    this.#intervalMs = intervalMinutes * MINUTE_MS;
  }

  /** Forgets a deleted VM's agent. */
  forget(vm: LabVm): void {
    this.#agents.delete(vm.id);
  }

  #agentFor(vm: LabVm): GuestAgentLike | null {
    if (this.#factory === null || !vm.guestAgentInstalled || vm.guest.kind !== 'windows') return null;
    let agent = this.#agents.get(vm.id);
    if (agent === undefined) {
      agent = this.#factory(new LabGuestPlatform(this.#lab, vm));
      this.#agents.set(vm.id, agent);
    }
    return agent;
  }

  /**
   * Starts ticking the VM's agent now and every interval. The loop ends by itself when the VM stops,
   * reboots, is deleted, or the agent is stopped or restarted (each bumps a generation counter).
   */
  start(vm: LabVm): void {
    const agent = this.#agentFor(vm);
    if (agent === null || !vm.agentRunning) return;
    const { scheduler } = this.#lab;
    const boot = vm.bootGeneration;
    const generation = vm.agentGeneration;
    const label = `agent ${vm.id}`;
    const tick = async (): Promise<void> => {
      const current = vm.bootGeneration === boot && vm.agentGeneration === generation && vm.agentRunning;
      if (!current || vm.state !== 'Running' || !this.#lab.hasVm(vm)) return;
      try {
        await agent.tick();
      } catch (error) {
        this.#lab.recordProblem(
          vm,
          'GUEST_AGENT_FAILED',
          error instanceof Error ? error.message : String(error),
        );
      }
      scheduler.schedule(this.#lab.now() + this.#intervalMs, label, tick);
    };
    scheduler.schedule(this.#lab.now(), label, tick);
  }
}
