/** `avma status`: one row per VM with its latest observation. */
import { CHANNELS, REASON_CODES, type ReasonCode } from '../../../shared/avma/index.js';
import { VM_STATES } from '../../model/index.js';
import {
  boolColumn,
  intColumn,
  isoTime,
  jsonColumn,
  oneOfColumn,
  optionalIntColumn,
  optionalOneOfColumn,
  optionalTextColumn,
  textColumn,
} from '../decode.js';
import type { VmStatus, VmStatusFilter } from '../read-types.js';
import { MAX_HOST_NAME } from '../repos/context.js';
import { type SqlConnection as Connection, type DialectSql, type SqlRow, sqlOf } from '../sql-connection.js';
import { nameFromStoredOrNull } from '../stored-name.js';
import { EVIDENCE_VALUES, LICENSE_STATUS_VALUES, type Problem } from '../types.js';
import { checkGuid, checkText } from '../validate.js';

const STATUS_COLUMNS = `
SELECT v.guid, v.tenant, v.deleted_at, v.opted_out, v.avma_blocked, v.last_seen AS vm_last_seen,
  (SELECT n.name FROM vm_names n WHERE n.vm_id = v.id ORDER BY n.valid_from DESC, n.id DESC LIMIT 1) AS name,
  h.name AS host, o.id AS observation, o.state, o.eligible, o.reasons, o.license_status, o.channel,
  o.evidence, o.claimed_license_status, o.claimed_channel, o.key_pushed, o.kvp_wiped, o.problems, o.last_seen
FROM vms v
LEFT JOIN observations o ON o.id =
  (SELECT id FROM observations WHERE vm_id = v.id ORDER BY valid_from DESC, id DESC LIMIT 1)
LEFT JOIN hosts h ON h.id = o.host_id`;

// PostgreSQL cannot sort by an expression over an output column, so the status rows are a subquery
// sorted by lower(name) under "C" (NOCASE: ASCII folding, byte order), a VM without a name first.
const STATUS_SQL: DialectSql = {
  sqlite: `${STATUS_COLUMNS}
WHERE (?1 = 1 OR v.deleted_at IS NULL)
  AND (?2 IS NULL OR h.name = ?2 COLLATE NOCASE)
  AND (?3 IS NULL OR v.guid = ?3)
ORDER BY name COLLATE NOCASE, v.guid`,
  postgres: `
SELECT * FROM (${STATUS_COLUMNS}
WHERE ($1::integer = 1 OR v.deleted_at IS NULL)
  AND ($2::text IS NULL OR lower(h.name) = lower($2))
  AND ($3::text IS NULL OR v.guid = $3)) AS s
ORDER BY lower(s.name COLLATE "C") NULLS FIRST, s.guid COLLATE "C"`,
};

/** A parsed `reasons` column when it is an array of reason codes, else null (caller reports CORRUPT). */
export function reasonsOrNull(value: unknown): ReasonCode[] | null {
  const ok = Array.isArray(value) && value.every((r) => (REASON_CODES as readonly unknown[]).includes(r));
  return ok ? (value as ReasonCode[]) : null;
}

/** A parsed `problems` column when it is an array of {code, message}, else null. */
export function problemsOrNull(value: unknown): Problem[] | null {
  const ok =
    Array.isArray(value) && value.every((p) => typeof p?.code === 'string' && typeof p?.message === 'string');
  return ok ? (value as Problem[]) : null;
}

/** A row of the status columns (see STATUS_SQL) as a VmStatus; throws StoreError CORRUPT when it does not decode. */
export function decodeStatus(row: SqlRow): VmStatus {
  const observed = row.observation !== null;
  const deletedAt = optionalIntColumn(row, 'vms', 'deleted_at');
  return Object.freeze({
    id: textColumn(row, 'vms', 'guid'),
    name: nameFromStoredOrNull(optionalTextColumn(row, 'vm_names', 'name')),
    host: optionalTextColumn(row, 'hosts', 'host'),
    tenant: optionalTextColumn(row, 'vms', 'tenant'),
    state: optionalOneOfColumn(row, 'observations', 'state', VM_STATES),
    eligible: observed && boolColumn(row, 'observations', 'eligible'),
    reasons: observed ? jsonColumn(row, 'observations', 'reasons', reasonsOrNull) : [],
    licenseStatus: observed
      ? oneOfColumn(row, 'observations', 'license_status', LICENSE_STATUS_VALUES)
      : 'unknown',
    channel: observed ? oneOfColumn(row, 'observations', 'channel', CHANNELS) : 'unknown',
    evidence: observed ? oneOfColumn(row, 'observations', 'evidence', EVIDENCE_VALUES) : 'none',
    claimedLicenseStatus: observed
      ? optionalOneOfColumn(row, 'observations', 'claimed_license_status', LICENSE_STATUS_VALUES)
      : null,
    claimedChannel: observed ? optionalOneOfColumn(row, 'observations', 'claimed_channel', CHANNELS) : null,
    keyPushed: observed && boolColumn(row, 'observations', 'key_pushed'),
    kvpWiped: observed && boolColumn(row, 'observations', 'kvp_wiped'),
    problems: observed ? jsonColumn(row, 'observations', 'problems', problemsOrNull) : [],
    lastSeen: isoTime(
      intColumn(row, observed ? 'observations' : 'vms', observed ? 'last_seen' : 'vm_last_seen'),
    ),
    deletedAt: deletedAt === null ? null : isoTime(deletedAt),
    optedOut: boolColumn(row, 'vms', 'opted_out'),
    avmaBlocked: boolColumn(row, 'vms', 'avma_blocked'),
  });
}

/**
 * Every VM matching the filter (deleted ones only with `includeDeleted`), ordered by name. Rejects
 * with StoreError INVALID_ARGUMENT for a bad filter.
 */
export async function listVmStatus(conn: Connection, filter: VmStatusFilter): Promise<VmStatus[]> {
  const host = filter.host === undefined ? null : checkText(filter.host, 'host', MAX_HOST_NAME);
  const vm = filter.vm === undefined ? null : checkGuid(filter.vm, 'vm');
  const rows = await conn.all(sqlOf(conn, STATUS_SQL), [filter.includeDeleted === true ? 1 : 0, host, vm]);
  return rows.map(decodeStatus);
}
