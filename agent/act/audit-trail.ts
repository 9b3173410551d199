/**
 * The agent's audit records (who, what, when, why) for the host-side actions it performed, written in
 * the same transaction as the sweep that performed them. Each record carries the exact KVP calls that
 * succeeded, so the trail says what changed on the host and a lab run can replay it (runtime/lab-replay).
 * A crash between a driver write and its transaction leaves a write no record covers; the next sweep
 * sees an intent `seq` above the audited ones and records it as recovered.
 */

import { KEY_ITEM } from '../../shared/protocol/index.js';
import { currentIntent } from '../decide/host-actions.js';
import { agentNames, type KvpCall } from '../decide/kvp-calls.js';
import type { AuditInput } from '../store/index.js';
import type { DoneAction } from './kvp-actions.js';

/** Who the agent is in the audit trail. */
export const AGENT_ACTOR = 'agent';

export interface AuditContext {
  readonly at: Date;
  readonly vm: string;
  readonly host: string;
}

function callsJson(calls: readonly KvpCall[]) {
  return calls.map((call) => ({ op: call.op, items: call.items.map((item) => ({ ...item })) }));
}

/** One audit record per action that changed something on the host. Never throws. */
export function auditRecords(done: readonly DoneAction[], context: AuditContext): AuditInput[] {
  return done.map(({ planned, calls, failure }) => ({
    at: context.at,
    actor: AGENT_ACTOR,
    action: planned.action,
    vm: context.vm,
    host: context.host,
    reason: failure === null ? planned.reason : `${planned.reason} (incomplete: ${failure})`,
    details: { ...planned.details, calls: callsJson(calls) },
  }));
}

/**
 * The record for an intent the host holds but no audit record covers (its seq is above `auditedSeq`),
 * or `null`. `calls` restate the agent items the host holds, so a replay sets the same state. Only
 * used when this sweep plans no action of its own for the VM. Never throws.
 */
export function recoveredRecord(
  hostItems: ReadonlyMap<string, string>,
  auditedSeq: number,
  context: AuditContext,
): AuditInput | null {
  const intent = currentIntent(hostItems);
  if (intent === null || intent.seq <= auditedSeq) return null;
  const action =
    intent.action === 'wipe' ? 'send-wipe' : hostItems.has(KEY_ITEM) ? 'push-key' : 'send-intent';
  const items = agentNames(hostItems).map((name) => ({ name, data: hostItems.get(name) ?? '' }));
  return {
    at: context.at,
    actor: AGENT_ACTOR,
    action,
    vm: context.vm,
    host: context.host,
    reason: `recovered: the host holds intent ${intent.seq} (${intent.action}) that no audit record covers; a sweep was interrupted between its write and its record`,
    details: { seq: intent.seq, recovered: true, calls: [{ op: 'add', items }] },
  };
}
