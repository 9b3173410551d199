/**
 * The host-side actions a decision plans for one VM: push the AVMA key with an `install` intent, send
 * an `install` intent again, send a `wipe` intent, remove our items. Each action carries the KVP calls
 * that perform it against the items the host holds now, so it is idempotent: planned again after a
 * crash, an action whose values the host already holds plans no call and is dropped.
 */

import type { AgentStatus } from '../../shared/protocol/index.js';
import {
  encodeIntent,
  INTENT_ITEM,
  type Intent,
  type IntentAction,
  KEY_ITEM,
  PROTOCOL_VERSION,
  parseIntent,
} from '../../shared/protocol/index.js';
import { agentNames, type KvpCall, removeCalls, setCalls } from './kvp-calls.js';

export type PlannedActionKind = 'push-key' | 'send-intent' | 'send-wipe' | 'remove-host-items';

export interface PlannedAction {
  readonly action: PlannedActionKind;
  /** Why, for the audit trail. */
  readonly reason: string;
  readonly calls: readonly KvpCall[];
  /** Small facts for the audit trail (`seq`, `partialKey`, `need`, `names`). */
  readonly details: Readonly<Record<string, string | number | readonly string[]>>;
}

/**
 * Parsed intents by host-item map. A sweep decides from the same map several times per VM, and an
 * unchanged Host pool keeps its map between sweeps (vm-inventory.ts), so an intent is parsed once per
 * distinct map; maps are read-only here and the cached intent is frozen, so nothing can change under it.
 */
const intents = new WeakMap<
  ReadonlyMap<string, string>,
  { readonly raw: string; readonly intent: Intent | null }
>();

/** The host's `AvmaAgent.Intent`, or `null` when absent or not a valid intent (then it is rewritten). */
export function currentIntent(hostItems: ReadonlyMap<string, string>): Intent | null {
  const raw = hostItems.get(INTENT_ITEM);
  if (raw === undefined) return null;
  const cached = intents.get(hostItems);
  // The raw text is compared too: a map is only ever read here, but the cache must not outlive a change.
  if (cached !== undefined && cached.raw === raw) return cached.intent;
  const parsed = parseIntent(raw);
  const intent = parsed.ok ? Object.freeze({ ...parsed.value }) : null;
  intents.set(hostItems, { raw, intent });
  return intent;
}

/** The encoded intent. Throws ProtocolError only for a seq outside 1..2^53-1 (checked by the caller). */
export function intentText(seq: number, action: IntentAction): string {
  return encodeIntent({ v: PROTOCOL_VERSION, seq, action });
}

function planned(
  action: PlannedActionKind,
  reason: string,
  calls: readonly KvpCall[],
  details: PlannedAction['details'],
): PlannedAction[] {
  return calls.length === 0
    ? []
    : [Object.freeze({ action, reason, calls, details: Object.freeze(details) })];
}

export interface PushPlan {
  readonly hostItems: ReadonlyMap<string, string>;
  readonly key: string;
  readonly seq: number;
  readonly need: string;
  readonly reason: string;
}

/**
 * `push-key` (key and intent) when the host's key differs, else `send-intent` (intent only); none when
 * the host already holds both values. Throws ProtocolError only for a seq outside the protocol.
 */
export function pushActions(plan: PushPlan): PlannedAction[] {
  const details = { seq: plan.seq, partialKey: plan.key.slice(-5), need: plan.need };
  const intent = intentText(plan.seq, 'install');
  if (plan.hostItems.get(KEY_ITEM) === plan.key) {
    const calls = setCalls(plan.hostItems, new Map([[INTENT_ITEM, intent]]));
    return planned('send-intent', plan.reason, calls, details);
  }
  const calls = setCalls(
    plan.hostItems,
    new Map([
      [KEY_ITEM, plan.key],
      [INTENT_ITEM, intent],
    ]),
  );
  return planned('push-key', plan.reason, calls, details);
}

/** Removes every `AvmaAgent.*` item the host holds for the VM except `keep` (none held: none planned). Never throws. */
export function removeActions(
  hostItems: ReadonlyMap<string, string>,
  reason: string,
  keep: readonly string[] = [],
): PlannedAction[] {
  const names = agentNames(hostItems).filter((name) => !keep.includes(name));
  return planned('remove-host-items', reason, removeCalls(hostItems, names), { names });
}

export interface WipePlan {
  readonly hostItems: ReadonlyMap<string, string>;
  readonly status: AgentStatus | null;
  /** Names of the guest's `AvmaAgent.*` items still present. */
  readonly guestItems: readonly string[];
  readonly nextSeq: number | null;
  readonly reason: string;
}

/**
 * After a key replacement: the host stops offering the key at once; while the guest still holds
 * `AvmaAgent.*` items, a `wipe` intent tells its agent to remove them (sent only while the agent
 * answers, kept once sent); when the guest side is clean the host removes its last item too. Throws
 * ProtocolError only for a seq outside the protocol (the caller passes `null` instead).
 */
export function wipeActions(plan: WipePlan): PlannedAction[] {
  const intent = currentIntent(plan.hostItems);
  const guestClean = plan.guestItems.length === 0;
  const keepWipe = !guestClean && intent?.action === 'wipe';
  const sendWipe = !guestClean && !keepWipe && plan.status !== null && plan.nextSeq !== null;
  const keep = keepWipe || sendWipe ? [INTENT_ITEM] : [];
  const removal = removeActions(plan.hostItems, plan.reason, keep);
  if (!sendWipe || plan.nextSeq === null) return removal;
  const calls = setCalls(plan.hostItems, new Map([[INTENT_ITEM, intentText(plan.nextSeq, 'wipe')]]));
  return [...planned('send-wipe', plan.reason, calls, { seq: plan.nextSeq }), ...removal];
}
