/**
 * The API's VM list: one row per VM (status, current name, FQDN), filtered, in pages ordered by GUID
 * with keyset pagination (`guid > cursor` on the vms.guid unique index). The order never changes for a
 * VM (a GUID is stable across renames and migrations), so while a sweep inserts and renames VMs between
 * two pages, none of the VMs present at the start is skipped or listed twice. Per row, the latest name
 * and observation are index searches (vm_names_vm_time, observations_vm_time) and the FQDN reads one
 * small JSON pool, so a page costs the same at the start and at the end of an 8,000-VM fleet.
 */
import { REASON_CODES } from '../../../shared/avma/index.js';
import { PROBLEM_CODES } from '../../model/index.js';
import { jsonColumn, optionalTextColumn } from '../decode.js';
import type { VmCursor, VmListFilter, VmListRow, VmPage } from '../read-types.js';
import { MAX_HOST_NAME } from '../repos/context.js';
import { MAX_TENANT, MAX_VM_NAME } from '../repos/vms-repo.js';
import {
  type SqlConnection as Connection,
  type DialectSql,
  type SqlRow,
  type SqlValue,
  sqlOf,
} from '../sql-connection.js';
import { nameFromStoredOrNull } from '../stored-name.js';
import { LICENSE_STATUS_VALUES } from '../types.js';
import { checkBoolean, checkGuid, checkInteger, checkOneOf, checkText, invalid } from '../validate.js';
import { decodeStatus } from './status-query.js';

/** The API's page size limit (architecture §12). */
export const MAX_VM_PAGE = 1000;

/** The list row's columns, by the names `decodeStatus` reads, with the expression of each. */
const LIST_COLUMNS: readonly (readonly [string, string])[] = [
  ['guid', 'v.guid'],
  ['tenant', 'v.tenant'],
  ['deleted_at', 'v.deleted_at'],
  ['opted_out', 'v.opted_out'],
  ['avma_blocked', 'v.avma_blocked'],
  ['vm_last_seen', 'v.last_seen'],
  ['name', 'n.name'],
  ['host', 'h.name'],
  ['observation', 'o.id'],
  ['state', 'o.state'],
  ['eligible', 'o.eligible'],
  ['reasons', 'o.reasons'],
  ['license_status', 'o.license_status'],
  ['channel', 'o.channel'],
  ['evidence', 'o.evidence'],
  ['claimed_license_status', 'o.claimed_license_status'],
  ['claimed_channel', 'o.claimed_channel'],
  ['key_pushed', 'o.key_pushed'],
  ['kvp_wiped', 'o.kvp_wiped'],
  ['problems', 'o.problems'],
  ['last_seen', 'o.last_seen'],
];

/**
 * The FQDN from the VM's intrinsic KVP items, as stored (stored-name.ts): one step of kvp_items'
 * unique index. The first of the name in canonical order, should a pool repeat it.
 */
const FQDN_ITEM = `(SELECT data FROM kvp_items WHERE vm_id = v.id AND pool = 'intrinsic'
      AND name = 'FullyQualifiedDomainName' ORDER BY nth LIMIT 1)`;
const FQDN: DialectSql = { sqlite: FQDN_ITEM, postgres: FQDN_ITEM };

function rowJson(build: string, fqdn: string): string {
  const pairs = [...LIST_COLUMNS, ['fqdn', fqdn] as const].map(
    ([name, expression]) => `'${name}', ${expression}`,
  );
  return `${build}(${pairs.join(', ')}) AS row`;
}

/**
 * A list row as one JSON object (column `row`): node-sqlite3 builds a JS value per cell, which costs
 * more than SQLite writing the row as JSON and one JSON.parse, about 40 % of a 1,000-VM page. JSON
 * carries these columns exactly: text (stored text is well-formed UTF-16, see stored-name.ts), NULL
 * and integers below 2^53. PostgreSQL builds the same object with json_build_object (its text is what
 * PgConnection returns for json), so the decoding is shared.
 */
export const VM_ROW_JSON: DialectSql = {
  sqlite: rowJson('json_object', FQDN.sqlite),
  postgres: rowJson('json_build_object', FQDN.postgres),
};

/**
 * Latest name and latest observation by (valid_from, id), as `avma status` reads them. PostgreSQL
 * turns the correlated `id = (SELECT ...)` joins into hash joins over every VM and sorts them all
 * before a page's LIMIT; as LATERAL subqueries they are index searches per VM read, so a page walks
 * the vms.guid index and stops after its rows, as SQLite's nested loops do.
 */
export const VM_ROW_JOINS: DialectSql = {
  sqlite: `
LEFT JOIN vm_names n ON n.id =
  (SELECT id FROM vm_names WHERE vm_id = v.id ORDER BY valid_from DESC, id DESC LIMIT 1)
LEFT JOIN observations o ON o.id =
  (SELECT id FROM observations WHERE vm_id = v.id ORDER BY valid_from DESC, id DESC LIMIT 1)
LEFT JOIN hosts h ON h.id = o.host_id`,
  postgres: `
LEFT JOIN LATERAL
  (SELECT * FROM vm_names WHERE vm_id = v.id ORDER BY valid_from DESC, id DESC LIMIT 1) n ON true
LEFT JOIN LATERAL
  (SELECT * FROM observations WHERE vm_id = v.id ORDER BY valid_from DESC, id DESC LIMIT 1) o ON true
LEFT JOIN hosts h ON h.id = o.host_id`,
};

// ?1 cursor ('' before every GUID), ?2 include deleted, ?3 host, ?4 tenant, ?5 eligible (0/1),
// ?6 licence status, ?7 reason, ?8 problem code, ?9 name text, ?10 GUID prefix, ?11 rows to read.
// Names are matched as stored: a name escaped for lone surrogates (stored-name.ts) is matched in its
// escaped form, which differs from the original only in backslashes and the escapes themselves.
export const VM_PAGE_SQL: DialectSql = {
  sqlite: `
SELECT ${VM_ROW_JSON.sqlite}
FROM vms v ${VM_ROW_JOINS.sqlite}
WHERE v.guid > ?1
  AND (?2 = 1 OR v.deleted_at IS NULL)
  AND (?3 IS NULL OR h.name = ?3 COLLATE NOCASE)
  AND (?4 IS NULL OR v.tenant = ?4)
  AND (?5 IS NULL OR coalesce(o.eligible, 0) = ?5)
  AND (?6 IS NULL OR coalesce(o.license_status, 'unknown') = ?6)
  AND (?7 IS NULL OR EXISTS (SELECT 1 FROM json_each(o.reasons) WHERE value = ?7))
  AND (?8 IS NULL OR EXISTS (SELECT 1 FROM json_each(o.problems) WHERE value ->> '$.code' = ?8))
  AND (?9 IS NULL OR instr(lower(n.name), lower(?9)) > 0 OR substr(v.guid, 1, length(?10)) = ?10)
ORDER BY v.guid
LIMIT ?11`,
  // GUIDs are stored lower-case with their hyphens in fixed places, so every collation orders them as
  // SQLite's binary order does, and the cursor walks the vms.guid unique index (COLLATE "C" would
  // sort instead). SQLite's lower() folds ASCII only, as lower() does under "C".
  postgres: `
SELECT ${VM_ROW_JSON.postgres}
FROM vms v ${VM_ROW_JOINS.postgres}
WHERE v.guid > $1::text
  AND ($2::integer = 1 OR v.deleted_at IS NULL)
  AND ($3::text IS NULL OR lower(h.name) = lower($3))
  AND ($4::text IS NULL OR v.tenant = $4)
  AND ($5::integer IS NULL OR coalesce(o.eligible, 0) = $5)
  AND ($6::text IS NULL OR coalesce(o.license_status, 'unknown') = $6)
  AND ($7::text IS NULL OR EXISTS (
    SELECT 1 FROM jsonb_array_elements_text(o.reasons::jsonb) AS r(value) WHERE r.value = $7))
  AND ($8::text IS NULL OR EXISTS (
    SELECT 1 FROM jsonb_array_elements(o.problems::jsonb) AS p(value) WHERE p.value ->> 'code' = $8))
  AND ($9::text IS NULL OR strpos(lower(n.name COLLATE "C"), lower($9 COLLATE "C")) > 0
    OR substr(v.guid, 1, length($10::text)) = $10)
ORDER BY v.guid
LIMIT $11`,
};

/** Characters a GUID prefix can hold; other free text is matched against names only. */
const GUID_PREFIX = /^[0-9a-f-]{1,36}$/i;

const FILTER_KEYS: readonly string[] = [
  'host',
  'tenant',
  'eligible',
  'licenseStatus',
  'reason',
  'problem',
  'q',
  'includeDeleted',
];

/** The row of a `VM_ROW_JSON` column, parsed. Throws StoreError CORRUPT when it is not JSON of an object. */
export function parseRow(row: SqlRow): SqlRow {
  return jsonColumn(row, 'vms', 'row', (value) =>
    typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as SqlRow) : null,
  );
}

/** A list row: the status with the raw FQDN. Throws StoreError CORRUPT when the row does not decode. */
export function decodeListRow(row: SqlRow): VmListRow {
  const fqdn = nameFromStoredOrNull(optionalTextColumn(row, 'kvp_items', 'fqdn'));
  return Object.freeze({ ...decodeStatus(row), fqdn });
}

/** The filter as the page query's parameters ?2..?10; throws INVALID_ARGUMENT naming the bad field. */
function filterParameters(filter: VmListFilter): SqlValue[] {
  if (typeof filter !== 'object' || filter === null) throw invalid('filter', filter, 'an object');
  for (const key of Object.keys(filter)) {
    if (!FILTER_KEYS.includes(key)) throw invalid(key, key, `one of the filters ${FILTER_KEYS.join(', ')}`);
  }
  const given = <T>(value: T | undefined, check: (value: T) => SqlValue): SqlValue =>
    value === undefined ? null : check(value);
  const q = given(filter.q, (text) => checkText(text, 'q', MAX_VM_NAME));
  return [
    given(filter.includeDeleted, (flag) => (checkBoolean(flag, 'includeDeleted') ? 1 : 0)) ?? 0,
    given(filter.host, (host) => checkText(host, 'host', MAX_HOST_NAME)),
    given(filter.tenant, (tenant) => checkText(tenant, 'tenant', MAX_TENANT)),
    given(filter.eligible, (flag) => (checkBoolean(flag, 'eligible') ? 1 : 0)),
    given(filter.licenseStatus, (status) => checkOneOf(status, 'licenseStatus', LICENSE_STATUS_VALUES)),
    given(filter.reason, (reason) => checkOneOf(reason, 'reason', REASON_CODES)),
    given(filter.problem, (code) => checkOneOf(code, 'problem', PROBLEM_CODES)),
    q,
    typeof q === 'string' && GUID_PREFIX.test(q) ? q.toLowerCase() : null,
  ];
}

/**
 * One page of at most `limit` VMs matching the filter, by GUID, after the VM `after` (null: from the
 * first). `next` is the page's last GUID when more VMs match, else null. Rejects with StoreError
 * INVALID_ARGUMENT naming the field for a bad filter, cursor or limit (1..1000); CORRUPT for rows that
 * do not decode.
 */
export async function listVmPage(
  conn: Connection,
  filter: VmListFilter,
  after: VmCursor | null,
  limit: number,
): Promise<VmPage> {
  const parameters = filterParameters(filter);
  const size = checkInteger(limit, 'limit', 1, MAX_VM_PAGE);
  const cursor = after === null ? '' : checkGuid(after, 'after');
  // One row more than asked tells whether another page follows, so `next` is null on the last page.
  const rows = await conn.all(sqlOf(conn, VM_PAGE_SQL), [cursor, ...parameters, size + 1]);
  const page = rows.slice(0, size).map((row) => decodeListRow(parseRow(row)));
  const next = rows.length > size ? (page.at(-1)?.id ?? null) : null;
  return Object.freeze({ rows: Object.freeze(page), next });
}
