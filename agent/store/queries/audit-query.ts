/** The audit trail read back: who did what to which VM or host, when and why, oldest first. */

import { intColumn, isoTime, jsonColumn, oneOfColumn, optionalTextColumn, textColumn } from '../decode.js';
import type { AuditFilter, AuditRow } from '../read-types.js';
import { type SqlConnection as Connection, type DialectSql, type SqlRow, sqlOf } from '../sql-connection.js';
import { AUDIT_ACTIONS } from '../types.js';
import { checkGuid, checkInteger, checkOneOf, invalid } from '../validate.js';

export const MAX_AUDIT_LISTED = 1_000_000;

/** The columns `decodeAudit` reads, from actions `a`: append a WHERE clause. */
export const AUDIT_COLUMNS = `
  a.id, a.at, a.actor, a.action, a.reason, a.details, v.guid AS vm, h.name AS host
FROM actions a
LEFT JOIN vms v ON v.id = a.vm_id
LEFT JOIN hosts h ON h.id = a.host_id`;

const AUDIT_SQL: DialectSql = {
  sqlite: `
SELECT ${AUDIT_COLUMNS}
WHERE (?1 IS NULL OR v.guid = ?1)
  AND (?2 IS NULL OR a.action IN (SELECT value FROM json_each(?2)))
  AND (?3 IS NULL OR a.at <= ?3)
  AND (?5 IS NULL OR a.at >= ?5)
ORDER BY a.at, a.id
LIMIT ?4`,
  postgres: `
SELECT ${AUDIT_COLUMNS}
WHERE ($1::text IS NULL OR v.guid = $1)
  AND ($2::text IS NULL OR a.action IN (SELECT jsonb_array_elements_text($2::jsonb)))
  AND ($3::bigint IS NULL OR a.at <= $3)
  AND ($5::bigint IS NULL OR a.at >= $5)
ORDER BY a.at, a.id
LIMIT $4`,
};

function detailsOrNull(value: unknown): Readonly<Record<string, unknown>> | null {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : null;
}

/** A row of `AUDIT_COLUMNS`; throws StoreError CORRUPT when it does not decode. */
export function decodeAudit(row: SqlRow): AuditRow {
  return Object.freeze({
    id: intColumn(row, 'actions', 'id'),
    at: isoTime(intColumn(row, 'actions', 'at')),
    actor: textColumn(row, 'actions', 'actor'),
    action: oneOfColumn(row, 'actions', 'action', AUDIT_ACTIONS),
    vm: optionalTextColumn(row, 'vms', 'vm'),
    host: optionalTextColumn(row, 'hosts', 'host'),
    reason: textColumn(row, 'actions', 'reason'),
    details: jsonColumn(row, 'actions', 'details', detailsOrNull),
  });
}

/**
 * Audit records matching the filter, oldest first (by time, then id). Rejects with StoreError
 * INVALID_ARGUMENT for a bad filter, CORRUPT for rows that do not decode.
 */
export async function listAudit(conn: Connection, filter: AuditFilter): Promise<AuditRow[]> {
  const vm = filter.vm === undefined ? null : checkGuid(filter.vm, 'vm');
  const actions =
    filter.actions === undefined
      ? null
      : JSON.stringify(filter.actions.map((action, i) => checkOneOf(action, `actions[${i}]`, AUDIT_ACTIONS)));
  const until = filter.until === undefined ? null : filter.until.getTime();
  if (until !== null && !Number.isFinite(until)) throw invalid('until', filter.until, 'a valid Date');
  const since = filter.since === undefined ? null : filter.since.getTime();
  if (since !== null && !Number.isFinite(since)) throw invalid('since', filter.since, 'a valid Date');
  const limit = checkInteger(filter.limit ?? MAX_AUDIT_LISTED, 'limit', 1, MAX_AUDIT_LISTED);
  const rows = await conn.all(sqlOf(conn, AUDIT_SQL), [vm, actions, until, limit, since]);
  return rows.map(decodeAudit);
}
