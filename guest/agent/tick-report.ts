/**
 * What one pass of the guest agent did, for the lab, the tests and the service log. Actions and
 * problems are closed unions so callers can assert on them.
 */
import type { AgentStatus, EventSlot, IntentAction, RefusalReason } from '../../shared/protocol/index.js';

export type GuestAction =
  | { readonly kind: 'intent-acknowledged'; readonly seq: number; readonly action: IntentAction }
  | { readonly kind: 'key-installed'; readonly partialKey: string }
  | { readonly kind: 'key-already-installed'; readonly partialKey: string }
  | { readonly kind: 'key-refused'; readonly reason: RefusalReason }
  | { readonly kind: 'activation-requested' }
  | { readonly kind: 'items-wiped'; readonly reason: WipeReason; readonly names: readonly string[] }
  | { readonly kind: 'event-forwarded'; readonly slot: EventSlot; readonly recordId: number }
  | { readonly kind: 'status-written' };

/** `intent`: the host sent `wipe`; `key-replaced`: the AVMA key this agent saw gave way to another key. */
export type WipeReason = 'intent' | 'key-replaced';

export type GuestProblemCode =
  /** The saved agent state was unreadable; the agent started fresh. */
  | 'STATE_CORRUPT'
  /** A platform call failed (registry, WMI, slmgr, event log, state file); the step was skipped. */
  | 'PLATFORM_FAILED'
  /** `AvmaAgent.Intent` was present but invalid; nothing was done for it. */
  | 'INTENT_INVALID'
  /** `AvmaAgent.Key` broke the size limits. */
  | 'KEY_ITEM_INVALID'
  /** `slmgr /ato` failed after the key was installed (the 12309 event tells why). */
  | 'ACTIVATION_FAILED'
  /** The licence facts were outside their documented ranges; no status was written. */
  | 'LICENSE_FACTS_INVALID'
  /** A 12309 record had an unusable record id or time; it was skipped. */
  | 'EVENT_INVALID'
  /** A status field did not fit the protocol and was reported as null. */
  | 'STATUS_FIELD_DROPPED';

export interface GuestProblem {
  readonly code: GuestProblemCode;
  /** One line naming what was wrong and what was expected. */
  readonly message: string;
}

export interface GuestTickReport {
  readonly actions: readonly GuestAction[];
  readonly problems: readonly GuestProblem[];
  /** After a wipe the agent writes nothing until a newer `install` intent arrives. */
  readonly silent: boolean;
  /** The status the Guest pool now holds (written or unchanged); `null` when silent or unknown. */
  readonly status: AgentStatus | null;
}

/** Collects the actions and problems of one pass. */
export class TickLog {
  readonly #actions: GuestAction[] = [];
  readonly #problems: GuestProblem[] = [];

  action(action: GuestAction): void {
    this.#actions.push(Object.freeze(action));
  }

  problem(code: GuestProblemCode, message: string): void {
    this.#problems.push(Object.freeze({ code, message }));
  }

  report(silent: boolean, status: AgentStatus | null): GuestTickReport {
    return Object.freeze({
      actions: Object.freeze([...this.#actions]),
      problems: Object.freeze([...this.#problems]),
      silent,
      status,
    });
  }
}

/** A platform failure as one line, whatever was thrown. Never throws. */
export function describeFailure(operation: string, error: unknown): string {
  const detail = error instanceof Error ? error.message : String(error);
  const line = detail.replace(/\s+/g, ' ').trim();
  return `${operation} failed: ${line.length > 200 ? `${line.slice(0, 200)}…` : line}`;
}
