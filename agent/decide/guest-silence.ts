/**
 * A guest agent that never answers: a Windows Server guest whose KVP service works but which has not
 * written `AvmaAgent.Status` for `silentAfterMs` (the agent's N sweeps × interval). Derived from the
 * store's latest observation, never from process memory, so a restarted agent reaches the same answer:
 * the silence started where the latest observation interval of a running, exchanging VM with an
 * unknown licence started, and the problem, once recorded, stays (with the same message) while the
 * silence lasts.
 */
import type { LastObservation, Problem } from '../store/index.js';
import { problem } from './problems.js';

export interface SilenceFacts {
  readonly now: number;
  /** Windows Server guest with working KVP (the guest agent runs on those only). */
  readonly agentExpected: boolean;
  readonly statusPresent: boolean;
  readonly last: LastObservation | null;
  readonly silentAfterMs: number;
}

/** The GUEST_AGENT_SILENT problem, or `null`. Never throws. */
export function silenceProblem(facts: SilenceFacts): Problem | null {
  if (!facts.agentExpected || facts.statusPresent) return null;
  const last = facts.last;
  const recorded = last?.problems.find((p) => p.code === 'GUEST_AGENT_SILENT');
  if (recorded !== undefined) return recorded;
  const silentBefore =
    last !== null && last.state === 'Running' && last.dataExchange && last.licenseStatus === 'unknown';
  const since = silentBefore ? last.sinceMs : facts.now;
  if (facts.now - since < facts.silentAfterMs) return null;
  return problem(
    'GUEST_AGENT_SILENT',
    `no AvmaAgent.Status from the guest agent since ${new Date(since).toISOString()}; expected a report every few minutes (is the guest agent installed and running?)`,
  );
}
