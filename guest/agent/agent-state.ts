/**
 * The guest agent's memory between passes and reboots, stored through `GuestPlatform.saveState` as
 * strict JSON. A corrupt or foreign state file is not trusted: the agent starts fresh and says so.
 */
import { z } from 'zod';
import { EVENT_RING_SIZE, quoteUntrusted, REFUSAL_REASONS } from '../../shared/protocol/index.js';

/** A state file larger than this is not ours. */
export const MAX_STATE_CHARS = 4096;

export const AgentState = z.strictObject({
  v: z.literal(1),
  /** The last intent `seq` acted on and acknowledged; 0 before the first. */
  lastSeq: z.int().min(0).max(Number.MAX_SAFE_INTEGER),
  /** This agent saw an AVMA key installed since its last wipe. */
  heldAvma: z.boolean(),
  /** After a wipe: write nothing until a newer install intent. */
  silent: z.boolean(),
  /** The ring slot the next forwarded 12309 event goes to. */
  ringNext: z
    .int()
    .min(0)
    .max(EVENT_RING_SIZE - 1),
  /** Highest 12309 `EventRecordID` already forwarded (or skipped); 0 before the first. */
  lastEventRecordId: z.int().min(0).max(Number.MAX_SAFE_INTEGER),
  lastHresult: z
    .string()
    .regex(/^0x[0-9A-F]{8}$/)
    .nullable(),
  refused: z.enum(REFUSAL_REASONS).nullable(),
});
export type AgentState = z.infer<typeof AgentState>;

export const FRESH_STATE: AgentState = Object.freeze({
  v: 1,
  lastSeq: 0,
  heldAvma: false,
  silent: false,
  ringNext: 0,
  lastEventRecordId: 0,
  lastHresult: null,
  refused: null,
});

export type StateReading = { readonly state: AgentState; readonly corrupt: string | null };

/**
 * The state stored in `text`. `null` (nothing saved yet) gives the fresh state; text that is too long,
 * not JSON or not the schema gives the fresh state plus a reason in `corrupt`. Never throws.
 */
export function readAgentState(text: string | null): StateReading {
  if (text === null) return { state: FRESH_STATE, corrupt: null };
  if (typeof text !== 'string' || text.length > MAX_STATE_CHARS) {
    return { state: FRESH_STATE, corrupt: `state is not text of at most ${MAX_STATE_CHARS} characters` };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { state: FRESH_STATE, corrupt: 'state is not valid JSON' };
  }
  const checked = AgentState.safeParse(json);
  if (!checked.success) return { state: FRESH_STATE, corrupt: describeStateIssue(checked.error.issues[0]) };
  return { state: Object.freeze(checked.data), corrupt: null };
}

function describeStateIssue(issue: z.core.$ZodIssue | undefined): string {
  if (issue?.code === 'unrecognized_keys')
    return `state has an unknown field ${quoteUntrusted(issue.keys[0] ?? '')}`;
  const field = issue?.path[0];
  return field === undefined
    ? 'state is not a JSON object'
    : `state field ${quoteUntrusted(String(field))} is invalid`;
}

/** Whether two states hold the same values (every field is a primitive). Never throws. */
export function sameState(a: AgentState, b: AgentState): boolean {
  for (const key of Object.keys(FRESH_STATE) as (keyof AgentState)[]) if (a[key] !== b[key]) return false;
  return true;
}

/** Compact JSON of a state. Never throws for a state that passed the schema. */
export function writeAgentState(state: AgentState): string {
  return JSON.stringify(AgentState.parse(state));
}
