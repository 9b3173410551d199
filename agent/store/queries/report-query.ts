/**
 * The reads behind the licence report family (agent/reports): every live VM with its latest observation,
 * the guest's own status item and its latest host-granted AVMA success (12310); the hosts' current facts
 * (cluster, version, edition, activation); a VM's licence history. Each read is one snapshot; the
 * reports compute their rows from these records, so no SQL leaves the store.
 */
import { EDITIONS } from 'hyperv-kvp';
import { CHANNELS } from '../../../shared/avma/index.js';
import { STATUS_ITEM } from '../../../shared/protocol/index.js';
import { AVMA_HOST_EVENT_ID } from '../../model/index.js';
import {
  boolColumn,
  intColumn,
  isoTime,
  jsonColumn,
  oneOfColumn,
  optionalBoolColumn,
  optionalIntColumn,
  optionalOneOfColumn,
  optionalTextColumn,
  textColumn,
} from '../decode.js';
import type { ReportHost, ReportInputs, ReportLicenceSpan, ReportVm } from '../read-types-reports.js';
import { MAX_VM_NAME } from '../repos/vms-repo.js';
import { type SqlConnection as Connection, type DialectSql, type SqlRow, sqlOf } from '../sql-connection.js';
import { nameFromStoredOrNull, storedName } from '../stored-name.js';
import { EVIDENCE_VALUES, GUEST_OS_VALUES, LICENSE_STATUS_VALUES, VM_MATCHES } from '../types.js';
import { checkGuid, checkText } from '../validate.js';
import { decodeListRow, parseRow, VM_ROW_JOINS, VM_ROW_JSON } from './vm-list-query.js';

// ?1 the status item's name. The latest host success is one index search (events_vm_host_time).
const VMS_SQL: DialectSql = {
  sqlite: `
SELECT ${VM_ROW_JSON.sqlite}, o.os, o.version AS guest_version, o.edition AS guest_edition, o.evaluation,
  o.data_exchange, o.valid_from AS observed_since,
  (SELECT data FROM kvp_items WHERE vm_id = v.id AND pool = 'guest' AND name = ?1
    ORDER BY nth LIMIT 1) AS guest_status,
  (SELECT g.updated_at FROM kvp_latest g WHERE g.vm_id = v.id AND g.pool = 'guest') AS guest_status_at,
  (SELECT json_object('time', e.time, 'host', eh.name, 'match', e.vm_match)
    FROM events e LEFT JOIN hosts eh ON eh.id = e.host_id
    WHERE e.vm_id = v.id AND e.source = 'host' AND e.event_id = ${AVMA_HOST_EVENT_ID}
      AND e.notification = 'avma-success'
    ORDER BY e.time DESC, e.id DESC LIMIT 1) AS host_success
FROM vms v ${VM_ROW_JOINS.sqlite}
WHERE v.deleted_at IS NULL
ORDER BY n.name COLLATE NOCASE, v.guid`,
  // NOCASE order: lower() under "C"; a VM without a name sorts first, as NULL does in SQLite.
  postgres: `
SELECT ${VM_ROW_JSON.postgres}, o.os, o.version AS guest_version, o.edition AS guest_edition, o.evaluation,
  o.data_exchange, o.valid_from AS observed_since,
  (SELECT data FROM kvp_items WHERE vm_id = v.id AND pool = 'guest' AND name = $1::text
    ORDER BY nth LIMIT 1) AS guest_status,
  (SELECT g.updated_at FROM kvp_latest g WHERE g.vm_id = v.id AND g.pool = 'guest') AS guest_status_at,
  (SELECT json_build_object('time', e.time, 'host', eh.name, 'match', e.vm_match)
    FROM events e LEFT JOIN hosts eh ON eh.id = e.host_id
    WHERE e.vm_id = v.id AND e.source = 'host' AND e.event_id = ${AVMA_HOST_EVENT_ID}
      AND e.notification = 'avma-success'
    ORDER BY e.time DESC, e.id DESC LIMIT 1) AS host_success
FROM vms v ${VM_ROW_JOINS.postgres}
WHERE v.deleted_at IS NULL
ORDER BY lower(n.name COLLATE "C") NULLS FIRST, v.guid COLLATE "C"`,
};

const HOSTS_SQL: DialectSql = {
  sqlite: `
SELECT h.name AS host, h.last_seen, f.version, f.build, f.edition, f.activated, f.cluster
FROM hosts h
LEFT JOIN host_facts f ON f.id =
  (SELECT id FROM host_facts WHERE host_id = h.id ORDER BY valid_from DESC, id DESC LIMIT 1)
ORDER BY h.name COLLATE NOCASE`,
  postgres: `
SELECT h.name AS host, h.last_seen, f.version, f.build, f.edition, f.activated, f.cluster
FROM hosts h
LEFT JOIN host_facts f ON f.id =
  (SELECT id FROM host_facts WHERE host_id = h.id ORDER BY valid_from DESC, id DESC LIMIT 1)
ORDER BY lower(h.name COLLATE "C"), h.id`,
};

// Every observation interval of live VMs (or of one VM), by VM then time: the licence history.
const HISTORY_SQL: DialectSql = {
  sqlite: `
SELECT v.guid, v.tenant, h.name AS host, o.valid_from, o.valid_to, o.last_seen, o.license_status,
  o.channel, o.evidence, o.claimed_license_status, o.claimed_channel,
  (SELECT n.name FROM vm_names n WHERE n.vm_id = v.id ORDER BY n.valid_from DESC, n.id DESC LIMIT 1) AS name
FROM observations o JOIN vms v ON v.id = o.vm_id JOIN hosts h ON h.id = o.host_id
WHERE v.deleted_at IS NULL AND (?1 IS NULL OR v.guid = ?1)
ORDER BY v.guid, o.valid_from, o.id`,
  postgres: `
SELECT v.guid, v.tenant, h.name AS host, o.valid_from, o.valid_to, o.last_seen, o.license_status,
  o.channel, o.evidence, o.claimed_license_status, o.claimed_channel,
  (SELECT n.name FROM vm_names n WHERE n.vm_id = v.id ORDER BY n.valid_from DESC, n.id DESC LIMIT 1) AS name
FROM observations o JOIN vms v ON v.id = o.vm_id JOIN hosts h ON h.id = o.host_id
WHERE v.deleted_at IS NULL AND ($1::text IS NULL OR v.guid = $1)
ORDER BY v.guid COLLATE "C", o.valid_from, o.id`,
};

// VMs whose current or former name is ?1 (case-insensitive, as Windows compares names).
const BY_NAME_SQL: DialectSql = {
  sqlite: `
SELECT DISTINCT v.guid FROM vm_names n JOIN vms v ON v.id = n.vm_id
WHERE n.name = ?1 COLLATE NOCASE ORDER BY v.guid`,
  // The vm_names_name index is on lower(name).
  postgres: `
SELECT v.guid FROM vms v
WHERE v.id IN (SELECT vm_id FROM vm_names WHERE lower(name) = lower($1))
ORDER BY v.guid COLLATE "C"`,
};

interface HostSuccessJson {
  readonly time?: unknown;
  readonly host?: unknown;
  readonly match?: unknown;
}

function hostSuccess(row: SqlRow): ReportVm['lastHostSuccess'] {
  if (row.host_success === null || row.host_success === undefined) return null;
  const parsed = jsonColumn(row, 'events', 'host_success', (value) =>
    typeof value === 'object' && value !== null ? (value as HostSuccessJson) : null,
  );
  const decoded = { time: parsed.time, host: parsed.host ?? null, match: parsed.match ?? null };
  return Object.freeze({
    timeMs: intColumn(decoded, 'events', 'time'),
    host: optionalTextColumn(decoded, 'hosts', 'host'),
    vmMatch: decoded.match === null ? null : oneOfColumn(decoded, 'events', 'match', VM_MATCHES),
  });
}

function decodeVm(row: SqlRow): ReportVm {
  const observed = row.os !== null;
  const statusAt = optionalIntColumn(row, 'kvp_latest', 'guest_status_at');
  const statusText = nameFromStoredOrNull(optionalTextColumn(row, 'kvp_items', 'guest_status'));
  return Object.freeze({
    ...decodeListRow(parseRow(row)),
    os: observed ? oneOfColumn(row, 'observations', 'os', GUEST_OS_VALUES) : 'unknown',
    guestVersion: optionalTextColumn(row, 'observations', 'guest_version'),
    guestEdition: optionalOneOfColumn(row, 'observations', 'guest_edition', EDITIONS),
    evaluation: optionalBoolColumn(row, 'observations', 'evaluation'),
    dataExchange: observed && boolColumn(row, 'observations', 'data_exchange'),
    observedSince: observed ? isoTime(intColumn(row, 'observations', 'observed_since')) : null,
    guestStatus:
      statusText === null || statusAt === null
        ? null
        : Object.freeze({ text: statusText, storedAtMs: statusAt }),
    lastHostSuccess: hostSuccess(row),
  });
}

function decodeHost(row: SqlRow): ReportHost {
  const facts = row.activated !== null;
  return Object.freeze({
    name: textColumn(row, 'hosts', 'host'),
    lastSeen: isoTime(intColumn(row, 'hosts', 'last_seen')),
    hasFacts: facts,
    version: optionalTextColumn(row, 'host_facts', 'version'),
    build: optionalIntColumn(row, 'host_facts', 'build'),
    edition: optionalTextColumn(row, 'host_facts', 'edition'),
    activated: facts && boolColumn(row, 'host_facts', 'activated'),
    cluster: optionalTextColumn(row, 'host_facts', 'cluster'),
  });
}

/** Every live VM with what the reports need, and every host with its current facts. */
export async function readReportInputs(conn: Connection): Promise<ReportInputs> {
  const vms = await conn.all(sqlOf(conn, VMS_SQL), [STATUS_ITEM]);
  const hosts = await conn.all(sqlOf(conn, HOSTS_SQL));
  return Object.freeze({
    vms: Object.freeze(vms.map(decodeVm)),
    hosts: Object.freeze(hosts.map(decodeHost)),
  });
}

function decodeSpan(row: SqlRow): ReportLicenceSpan {
  const to = optionalIntColumn(row, 'observations', 'valid_to');
  return Object.freeze({
    vm: textColumn(row, 'vms', 'guid'),
    name: nameFromStoredOrNull(optionalTextColumn(row, 'vm_names', 'name')),
    tenant: optionalTextColumn(row, 'vms', 'tenant'),
    host: textColumn(row, 'hosts', 'host'),
    from: isoTime(intColumn(row, 'observations', 'valid_from')),
    to: to === null ? null : isoTime(to),
    lastSeen: isoTime(intColumn(row, 'observations', 'last_seen')),
    licenseStatus: oneOfColumn(row, 'observations', 'license_status', LICENSE_STATUS_VALUES),
    channel: oneOfColumn(row, 'observations', 'channel', CHANNELS),
    evidence: oneOfColumn(row, 'observations', 'evidence', EVIDENCE_VALUES),
  });
}

/** Observation intervals of live VMs (only `vm`'s when given: a GUID), by VM then time. */
export async function readLicenceHistory(conn: Connection, vm: string | null): Promise<ReportLicenceSpan[]> {
  const rows = await conn.all(sqlOf(conn, HISTORY_SQL), [vm === null ? null : checkGuid(vm, 'vm')]);
  return rows.map(decodeSpan);
}

/** GUIDs of the VMs that are or were called `name` (case-insensitive). */
export async function findVmsByName(conn: Connection, name: string): Promise<string[]> {
  const rows = await conn.all(sqlOf(conn, BY_NAME_SQL), [storedName(checkText(name, 'name', MAX_VM_NAME))]);
  return rows.map((row) => textColumn(row, 'vms', 'guid'));
}
