/**
 * The API's VM detail: the VM's list row and its history (names, stays on hosts, licence conclusions),
 * its identity from the latest intrinsic KVP pool, the stored KVP pools, and its latest events and
 * audit records. Read in one snapshot; every query is an index search on the VM's internal id.
 */
import { EDITIONS, identifyGuest, type KvpItem } from 'hyperv-kvp';
import { CHANNELS } from '../../../shared/avma/index.js';
import {
  intColumn,
  isoTime,
  oneOfColumn,
  optionalBoolColumn,
  optionalIntColumn,
  optionalOneOfColumn,
  optionalTextColumn,
  textColumn,
} from '../decode.js';
import type {
  HistorySpan,
  VmDetail,
  VmHostStay,
  VmIdentity,
  VmKvpPools,
  VmLicenceSpan,
  VmListRow,
  VmNameSpan,
} from '../read-types.js';
import { NO_KVP_ITEMS } from '../repos/kvp-items.js';
import { readStoredPools } from '../repos/kvp-repo.js';
import {
  type SqlConnection as Connection,
  type Dialect,
  type DialectSql,
  type SqlRow,
  sqlOf,
} from '../sql-connection.js';
import { nameFromStored } from '../stored-name.js';
import {
  EVIDENCE_VALUES,
  GUEST_OS_VALUES,
  type KvpItemRecord,
  type KvpPool,
  LICENSE_STATUS_VALUES,
} from '../types.js';
import { checkGuid } from '../validate.js';
import { AUDIT_COLUMNS, decodeAudit } from './audit-query.js';
import { decodeEvent, EVENT_COLUMNS } from './events-query.js';
import { decodeListRow, parseRow, VM_ROW_JOINS, VM_ROW_JSON } from './vm-list-query.js';

/** Events and audit records a detail shows: the latest ones; the events list pages through the rest. */
export const VM_DETAIL_EVENTS = 100;
export const VM_DETAIL_AUDIT = 100;

const vmSql = (dialect: Dialect, guid: string) => `
SELECT ${VM_ROW_JSON[dialect]}, v.id AS vm_key, v.first_seen, o.os, o.version, o.edition, o.evaluation
FROM vms v ${VM_ROW_JOINS[dialect]} WHERE v.guid = ${guid}`;
const VM_SQL: DialectSql = { sqlite: vmSql('sqlite', '?'), postgres: vmSql('postgres', '$1') };

const NAMES_SQL: DialectSql = {
  sqlite: 'SELECT name, valid_from, valid_to FROM vm_names WHERE vm_id = ? ORDER BY valid_from, id',
  postgres: 'SELECT name, valid_from, valid_to FROM vm_names WHERE vm_id = $1 ORDER BY valid_from, id',
};

const OBSERVATIONS_SQL: DialectSql = {
  sqlite: `
SELECT h.name AS host, o.valid_from, o.valid_to, o.license_status, o.channel, o.evidence
FROM observations o JOIN hosts h ON h.id = o.host_id
WHERE o.vm_id = ? ORDER BY o.valid_from, o.id`,
  postgres: `
SELECT h.name AS host, o.valid_from, o.valid_to, o.license_status, o.channel, o.evidence
FROM observations o JOIN hosts h ON h.id = o.host_id
WHERE o.vm_id = $1 ORDER BY o.valid_from, o.id`,
};

// events_vm finds the VM's events; a VM has few enough that sorting them is cheap.
const EVENTS_SQL: DialectSql = {
  sqlite: `SELECT ${EVENT_COLUMNS} WHERE e.vm_id = ?1 ORDER BY e.time DESC, e.id DESC LIMIT ?2`,
  postgres: `SELECT ${EVENT_COLUMNS} WHERE e.vm_id = $1 ORDER BY e.time DESC, e.id DESC LIMIT $2`,
};

// actions_vm (vm_id, at) reads them newest first.
const AUDIT_SQL: DialectSql = {
  sqlite: `SELECT ${AUDIT_COLUMNS} WHERE a.vm_id = ?1 ORDER BY a.at DESC, a.id DESC LIMIT ?2`,
  postgres: `SELECT ${AUDIT_COLUMNS} WHERE a.vm_id = $1 ORDER BY a.at DESC, a.id DESC LIMIT $2`,
};

function span(row: SqlRow, table: string): HistorySpan {
  const to = optionalIntColumn(row, table, 'valid_to');
  return { from: isoTime(intColumn(row, table, 'valid_from')), to: to === null ? null : isoTime(to) };
}

/**
 * Consecutive rows with the same `key` merged into one span from the first's start to the last's end.
 * Gaps between sightings stay inside a span: the VM was not seen elsewhere meanwhile.
 */
function mergeRuns<T extends HistorySpan>(
  rows: readonly SqlRow[],
  key: (row: SqlRow) => string,
  make: (row: SqlRow, span: HistorySpan) => T,
): T[] {
  const runs: T[] = [];
  let runKey: string | null = null;
  for (const row of rows) {
    const current = span(row, 'observations');
    const rowKey = key(row);
    const last = runs.at(-1);
    if (last !== undefined && rowKey === runKey) runs[runs.length - 1] = { ...last, to: current.to };
    else runs.push(make(row, current));
    runKey = rowKey;
  }
  return runs.map((run) => Object.freeze(run));
}

function hostStays(rows: readonly SqlRow[]): VmHostStay[] {
  return mergeRuns(
    rows,
    (row) => textColumn(row, 'hosts', 'host').toLowerCase(),
    (row, when) => ({ host: textColumn(row, 'hosts', 'host'), ...when }),
  );
}

function licenceSpans(rows: readonly SqlRow[]): VmLicenceSpan[] {
  const licence = (row: SqlRow) => ({
    licenseStatus: oneOfColumn(row, 'observations', 'license_status', LICENSE_STATUS_VALUES),
    channel: oneOfColumn(row, 'observations', 'channel', CHANNELS),
    evidence: oneOfColumn(row, 'observations', 'evidence', EVIDENCE_VALUES),
  });
  return mergeRuns(
    rows,
    (row) => JSON.stringify(licence(row)),
    (row, when) => ({ ...when, ...licence(row) }),
  );
}

/** The VM's stored pools (a pool never stored: no items). */
async function kvpPools(conn: Connection, vmKey: number): Promise<VmKvpPools> {
  const stored = (await readStoredPools(conn, [vmKey])).get(vmKey);
  const pool = (name: KvpPool) => stored?.get(name) ?? NO_KVP_ITEMS;
  return Object.freeze({ intrinsic: pool('intrinsic'), guest: pool('guest'), host: pool('host') });
}

/** From the intrinsic items when any are stored, else from the latest observation. */
function identity(vm: SqlRow, intrinsic: readonly KvpItemRecord[]): VmIdentity {
  if (intrinsic.length > 0) {
    // The store keeps name and data; every item of this pool is Source 2 (guest intrinsic).
    const items: KvpItem[] = intrinsic.map((item) => ({ name: item.name, data: item.data, source: 2 }));
    return Object.freeze({ source: 'kvp', ...identifyGuest(items) });
  }
  const observed = vm.os !== null;
  return Object.freeze({
    source: observed ? 'observation' : 'none',
    os: observed ? oneOfColumn(vm, 'observations', 'os', GUEST_OS_VALUES) : 'unknown',
    version: optionalTextColumn(vm, 'observations', 'version'),
    build: null,
    edition: optionalOneOfColumn(vm, 'observations', 'edition', EDITIONS),
    evaluation: optionalBoolColumn(vm, 'observations', 'evaluation'),
    fqdn: null,
    ipv4: Object.freeze([]),
    ipv6: Object.freeze([]),
    architecture: null,
  });
}

/**
 * The VM with its history, or null when the store never saw it (deleted VMs included). Rejects with
 * StoreError INVALID_ARGUMENT when `id` is not a GUID, CORRUPT for rows that do not decode.
 */
export async function getVmDetail(conn: Connection, id: string): Promise<VmDetail | null> {
  const vm = await conn.get(sqlOf(conn, VM_SQL), [checkGuid(id, 'id')]);
  if (vm === undefined) return null;
  const key = intColumn(vm, 'vms', 'vm_key');
  const names = await conn.all(sqlOf(conn, NAMES_SQL), [key]);
  const observations = await conn.all(sqlOf(conn, OBSERVATIONS_SQL), [key]);
  const kvp = await kvpPools(conn, key);
  const events = await conn.all(sqlOf(conn, EVENTS_SQL), [key, VM_DETAIL_EVENTS]);
  const audit = await conn.all(sqlOf(conn, AUDIT_SQL), [key, VM_DETAIL_AUDIT]);
  const row: VmListRow = decodeListRow(parseRow(vm));
  return Object.freeze({
    ...row,
    firstSeen: isoTime(intColumn(vm, 'vms', 'first_seen')),
    names: Object.freeze(
      names.map(
        (name): VmNameSpan =>
          Object.freeze({
            name: nameFromStored(textColumn(name, 'vm_names', 'name')),
            ...span(name, 'vm_names'),
          }),
      ),
    ),
    hosts: Object.freeze(hostStays(observations)),
    licence: Object.freeze(licenceSpans(observations)),
    identity: identity(vm, kvp.intrinsic),
    kvp,
    events: Object.freeze(events.map(decodeEvent)),
    audit: Object.freeze(audit.map(decodeAudit)),
  });
}
