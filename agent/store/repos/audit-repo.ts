/**
 * The audit trail: every action of the agent or an operator with who, what, when and why. Each action
 * also appears in `events` (source `agent`, record id = the action's id) so `avma events` lists it beside
 * the Windows events 12310 and 12309.
 */

import { type DialectSql, sqlOf } from '../sql-connection.js';
import { AUDIT_ACTIONS, type AuditInput } from '../types.js';
import { checkOneOf, checkText, checkTime, invalid } from '../validate.js';
import { hostIdOf, knownHostId, knownVmId, type TxContext, vmIdOf } from './context.js';
import { boundText } from './json-batch.js';

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

/** An audit record checked and resolved to ids: the columns of its `actions` row. */
interface AuditRow {
  readonly atMs: number;
  readonly actor: string;
  readonly vmId: number | null;
  readonly hostId: number | null;
  readonly action: string;
  readonly reason: string;
  readonly details: string;
}

async function auditRow(ctx: TxContext, input: AuditInput): Promise<AuditRow> {
  if (typeof input !== 'object' || input === null) throw invalid('audit', input, 'an object');
  const atMs = checkTime(input.at, 'audit.at');
  const actor = checkText(input.actor, 'audit.actor', MAX_ACTOR);
  const action = checkOneOf(input.action, 'audit.action', AUDIT_ACTIONS);
  const reason = checkText(input.reason, 'audit.reason', MAX_REASON);
  const details = detailsJson(input.details);
  const { vm, host } = input;
  // A look-up awaited only when this transaction does not know the id yet: no promise per record.
  const vmId =
    vm === null || vm === undefined
      ? null
      : (knownVmId(ctx, vm, 'audit.vm') ?? (await vmIdOf(ctx, vm, 'audit.vm')));
  const hostId =
    host === null || host === undefined
      ? null
      : (knownHostId(ctx, host, 'audit.host') ?? (await hostIdOf(ctx, host, 'audit.host')));
  return { atMs, actor, vmId, hostId, action, reason, details };
}

/**
 * Appends one audit record and its `agent` event. Resolves to the action's id. Rejects with
 * INVALID_ARGUMENT for an unknown action or oversized text, NOT_FOUND for an unknown VM or host.
 */
export async function insertAudit(ctx: TxContext, input: AuditInput): Promise<number> {
  const row = await auditRow(ctx, input);
  const { atMs, actor, vmId, hostId, action, reason, details } = row;
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
    [actionId, atMs, vmId, hostId, eventMessage(row)],
  );
  return actionId;
}

function eventMessage(row: AuditRow): string {
  return `${row.action} by ${row.actor}: ${row.reason}`;
}

/** Rows in the order given, so ids ascend with it (each table has its own id sequence). */
const INSERT_ACTIONS: DialectSql = {
  sqlite: `INSERT INTO actions (at, actor, vm_id, host_id, action, reason, details)
     SELECT j.value ->> '$[0]', j.value ->> '$[1]', j.value ->> '$[2]', j.value ->> '$[3]',
       j.value ->> '$[4]', j.value ->> '$[5]', j.value ->> '$[6]'
     FROM jsonb_each(?1) AS j ORDER BY j.key RETURNING id`,
  postgres: `INSERT INTO actions (at, actor, vm_id, host_id, action, reason, details)
     SELECT (j.value ->> 0)::bigint, j.value ->> 1, (j.value ->> 2)::bigint, (j.value ->> 3)::bigint,
       j.value ->> 4, j.value ->> 5, j.value ->> 6
     FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS j(value, key) ORDER BY j.key RETURNING id`,
};
const INSERT_AGENT_EVENTS: DialectSql = {
  sqlite: `INSERT INTO events (source, origin, record_id, event_id, time, vm_id, host_id, message)
     SELECT 'agent', 'agent', j.value ->> '$[0]', NULL, j.value ->> '$[1]', j.value ->> '$[2]',
       j.value ->> '$[3]', j.value ->> '$[4]'
     FROM jsonb_each(?1) AS j ORDER BY j.key`,
  postgres: `INSERT INTO events (source, origin, record_id, event_id, time, vm_id, host_id, message)
     SELECT 'agent', 'agent', (j.value ->> 0)::bigint, NULL, (j.value ->> 1)::bigint, (j.value ->> 2)::bigint,
       (j.value ->> 3)::bigint, j.value ->> 4
     FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS j(value, key) ORDER BY j.key`,
};

/** Below the store's batch size however long the reasons: details are at most 16 KiB each. */
const AUDIT_BATCH = 256;

/**
 * `insertAudit` for many records in two statements per 256 (a sweep that pushes keys to hundreds of
 * VMs audits each push): the same rows and ids as one call each, in the order given. Every record is
 * checked before the first is written. Resolves to the actions' ids in input order.
 */
export async function insertAudits(ctx: TxContext, inputs: readonly AuditInput[]): Promise<number[]> {
  if (!Array.isArray(inputs)) throw invalid('audits', inputs, 'an array');
  const rows: AuditRow[] = [];
  for (const input of inputs) rows.push(await auditRow(ctx, input));
  const ids: number[] = [];
  for (let start = 0; start < rows.length; start += AUDIT_BATCH) {
    const batch = rows.slice(start, start + AUDIT_BATCH);
    const json = (values: readonly unknown[][]) => JSON.stringify(values);
    const inserted = await ctx.conn.all(sqlOf(ctx.conn, INSERT_ACTIONS), [
      json(
        batch.map((r) => [
          r.atMs,
          boundText(r.actor),
          r.vmId,
          r.hostId,
          r.action,
          boundText(r.reason),
          r.details,
        ]),
      ),
    ]);
    // RETURNING's row order is unspecified; the ids were assigned in input order, so they ascend with it.
    const batchIds = inserted.map((row) => Number(row.id)).sort((a, b) => a - b);
    await ctx.conn.run(sqlOf(ctx.conn, INSERT_AGENT_EVENTS), [
      json(batch.map((r, i) => [batchIds[i] ?? null, r.atMs, r.vmId, r.hostId, boundText(eventMessage(r))])),
    ]);
    ids.push(...batchIds);
  }
  return ids;
}
