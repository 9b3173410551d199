/**
 * The audit trail: every action of the agent or an operator with who, what, when and why. Each action
 * also appears in `events` (source `agent`, record id = the action's id) so `avma events` lists it beside
 * the Windows events 12310 and 12309.
 */

import { sqlOf } from '../sql-connection.js';
import { AUDIT_ACTIONS, type AuditInput } from '../types.js';
import { checkOneOf, checkText, checkTime, invalid } from '../validate.js';
import { hostIdOf, type TxContext, vmIdOf } from './context.js';

/** Longest actor name: an operator's user name or an API token's name. */
export const MAX_ACTOR = 128;
const MAX_REASON = 1024;
/** Details are small JSON objects (key names, seq numbers); a megabyte would be a bug upstream. */
const MAX_DETAILS_CHARS = 16 * 1024;

function detailsJson(details: AuditInput['details']): string {
  if (details === undefined) return '{}';
  if (typeof details !== 'object' || details === null || Array.isArray(details)) {
    throw invalid('details', details, 'a plain object');
  }
  let json: string;
  try {
    json = JSON.stringify(details);
  } catch {
    throw invalid('details', details, 'a JSON-serialisable object');
  }
  if (json.length > MAX_DETAILS_CHARS) {
    throw invalid('details', `${json.length} characters of JSON`, `at most ${MAX_DETAILS_CHARS}`);
  }
  return json;
}

/**
 * Appends one audit record and its `agent` event. Resolves to the action's id. Rejects with
 * INVALID_ARGUMENT for an unknown action or oversized text, NOT_FOUND for an unknown VM or host.
 */
export async function insertAudit(ctx: TxContext, input: AuditInput): Promise<number> {
  if (typeof input !== 'object' || input === null) throw invalid('audit', input, 'an object');
  const atMs = checkTime(input.at, 'audit.at');
  const actor = checkText(input.actor, 'audit.actor', MAX_ACTOR);
  const action = checkOneOf(input.action, 'audit.action', AUDIT_ACTIONS);
  const reason = checkText(input.reason, 'audit.reason', MAX_REASON);
  const details = detailsJson(input.details);
  const vmId = input.vm === null || input.vm === undefined ? null : await vmIdOf(ctx, input.vm, 'audit.vm');
  const hostId =
    input.host === null || input.host === undefined ? null : await hostIdOf(ctx, input.host, 'audit.host');
  const inserted = await ctx.conn.get(
    sqlOf(ctx.conn, {
      sqlite:
        'INSERT INTO actions (at, actor, vm_id, host_id, action, reason, details) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id',
      postgres:
        'INSERT INTO actions (at, actor, vm_id, host_id, action, reason, details) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id',
    }),
    [atMs, actor, vmId, hostId, action, reason, details],
  );
  const actionId = Number(inserted?.id);
  await ctx.conn.run(
    sqlOf(ctx.conn, {
      sqlite: `INSERT INTO events (source, origin, record_id, event_id, time, vm_id, host_id, message)
     VALUES ('agent', 'agent', ?, NULL, ?, ?, ?, ?)`,
      postgres: `INSERT INTO events (source, origin, record_id, event_id, time, vm_id, host_id, message)
     VALUES ('agent', 'agent', $1, NULL, $2, $3, $4, $5)`,
    }),
    [actionId, atMs, vmId, hostId, `${action} by ${actor}: ${reason}`],
  );
  return actionId;
}
