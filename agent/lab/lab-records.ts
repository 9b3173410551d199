/**
 * What the lab records while it runs, for tests and `avma lab run`: problems (typed, per VM; the lab
 * goes on) and the timeline of applied scenario events.
 */
import type { ScenarioEventType } from './scenario-schema.js';

export const LAB_PROBLEM_CODES = [
  /** The guest agent's tick threw (it should report problems instead); the lab keeps ticking it. */
  'GUEST_AGENT_FAILED',
  /** A tenant's `replace-key` or `set-edition` key was refused by the guest's SPP (HRESULT in the message). */
  'KEY_REJECTED',
] as const;
export type LabProblemCode = (typeof LAB_PROBLEM_CODES)[number];

export interface LabProblem {
  /** ISO-8601 UTC. */
  readonly time: string;
  readonly code: LabProblemCode;
  readonly vmId: string;
  readonly vmName: string;
  readonly message: string;
}

/** `applied`: done; `skipped`: nothing to do (e.g. starting a running VM); `refused`: not possible now. */
export type TimelineOutcome = 'applied' | 'skipped' | 'refused';

export interface TimelineEntry {
  readonly time: string;
  /** Position of the event in the scenario's `events` array. */
  readonly index: number;
  readonly type: ScenarioEventType;
  /** The VM or host the event names. */
  readonly target: string;
  readonly outcome: TimelineOutcome;
  readonly detail: string;
}
