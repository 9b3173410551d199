/**
 * The API's hosts: each host's sightings, current facts, event-log bookmarks, and counts of the live
 * VMs whose latest observation was on it. The counts read every live VM's latest observation once (an
 * index search each on observations_vm_time) and group them, so listing the hosts of an 8,000-VM fleet
 * is one pass over the VMs, not one per host.
 */
import { HOST_EDITIONS, HOST_VERSIONS } from 'hyperv-kvp';
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
import type { HostBookmark, HostCurrentFacts, HostRow, HostVmCounts } from '../read-types.js';
import { MAX_HOST_NAME } from '../repos/context.js';
import { type SqlConnection as Connection, type DialectSql, type SqlRow, sqlOf } from '../sql-connection.js';
import { LICENSE_STATUS_VALUES, type ObservedLicenseStatus } from '../types.js';
import { checkText } from '../validate.js';

// ?1: one host's name (case-insensitive), or NULL for every host. PostgreSQL: lower() on both sides
// for COLLATE NOCASE, and NOCASE's order is lower() under the "C" collation (ASCII folding, byte order).
const HOSTS_SQL: DialectSql = {
  sqlite: `
SELECT h.id, h.name, h.first_seen, h.last_seen, f.id AS facts, f.valid_from, f.version, f.build,
  f.edition, f.activated, f.sockets, f.cores_per_socket, f.cluster
FROM hosts h LEFT JOIN host_facts f ON f.host_id = h.id AND f.valid_to IS NULL
WHERE ?1 IS NULL OR h.name = ?1 COLLATE NOCASE
ORDER BY h.name COLLATE NOCASE, h.id`,
  postgres: `
SELECT h.id, h.name, h.first_seen, h.last_seen, f.id AS facts, f.valid_from, f.version, f.build,
  f.edition, f.activated, f.sockets, f.cores_per_socket, f.cluster
FROM hosts h LEFT JOIN host_facts f ON f.host_id = h.id AND f.valid_to IS NULL
WHERE $1::text IS NULL OR lower(h.name) = lower($1)
ORDER BY lower(h.name COLLATE "C"), h.id`,
};

const BOOKMARKS_SQL: DialectSql = {
  sqlite: `
SELECT b.host_id, b.log, b.log_epoch, b.record_id, b.updated_at
FROM bookmarks b JOIN hosts h ON h.id = b.host_id
WHERE ?1 IS NULL OR h.name = ?1 COLLATE NOCASE
ORDER BY b.log, b.id`,
  postgres: `
SELECT b.host_id, b.log, b.log_epoch, b.record_id, b.updated_at
FROM bookmarks b JOIN hosts h ON h.id = b.host_id
WHERE $1::text IS NULL OR lower(h.name) = lower($1)
ORDER BY b.log COLLATE "C", b.id`,
};

const COUNTS_SQL: DialectSql = {
  sqlite: `
SELECT o.host_id, o.license_status, o.eligible, count(*) AS vms
FROM vms v JOIN observations o ON o.id =
  (SELECT id FROM observations WHERE vm_id = v.id ORDER BY valid_from DESC, id DESC LIMIT 1)
WHERE v.deleted_at IS NULL
  AND (?1 IS NULL OR o.host_id IN (SELECT id FROM hosts WHERE name = ?1 COLLATE NOCASE))
GROUP BY o.host_id, o.license_status, o.eligible`,
  postgres: `
SELECT o.host_id, o.license_status, o.eligible, count(*) AS vms
FROM vms v JOIN observations o ON o.id =
  (SELECT id FROM observations WHERE vm_id = v.id ORDER BY valid_from DESC, id DESC LIMIT 1)
WHERE v.deleted_at IS NULL
  AND ($1::text IS NULL OR o.host_id IN (SELECT id FROM hosts WHERE lower(name) = lower($1)))
GROUP BY o.host_id, o.license_status, o.eligible`,
};

function coresOrNull(value: unknown): number[] | null {
  return Array.isArray(value) && value.every((n) => Number.isInteger(n) && n > 0)
    ? (value as number[])
    : null;
}

function decodeFacts(row: SqlRow): HostCurrentFacts | null {
  if (row.facts === null) return null;
  return Object.freeze({
    since: isoTime(intColumn(row, 'host_facts', 'valid_from')),
    version: optionalOneOfColumn(row, 'host_facts', 'version', HOST_VERSIONS),
    build: optionalIntColumn(row, 'host_facts', 'build'),
    edition: optionalOneOfColumn(row, 'host_facts', 'edition', HOST_EDITIONS),
    activated: boolColumn(row, 'host_facts', 'activated'),
    sockets: intColumn(row, 'host_facts', 'sockets'),
    coresPerSocket: Object.freeze(jsonColumn(row, 'host_facts', 'cores_per_socket', coresOrNull)),
    cluster: optionalTextColumn(row, 'host_facts', 'cluster'),
  });
}

function decodeBookmark(row: SqlRow): HostBookmark {
  return Object.freeze({
    log: textColumn(row, 'bookmarks', 'log'),
    recordId: intColumn(row, 'bookmarks', 'record_id'),
    logEpoch: intColumn(row, 'bookmarks', 'log_epoch'),
    updatedAt: isoTime(intColumn(row, 'bookmarks', 'updated_at')),
  });
}

type MutableCounts = {
  total: number;
  eligible: number;
  byLicenseStatus: Record<ObservedLicenseStatus, number>;
};

function noVms(): MutableCounts {
  const byLicenseStatus = Object.fromEntries(LICENSE_STATUS_VALUES.map((status) => [status, 0]));
  return { total: 0, eligible: 0, byLicenseStatus: byLicenseStatus as Record<ObservedLicenseStatus, number> };
}

/** The grouped counts by host id. */
function countsByHost(rows: readonly SqlRow[]): Map<number, MutableCounts> {
  const counts = new Map<number, MutableCounts>();
  for (const row of rows) {
    const hostId = intColumn(row, 'observations', 'host_id');
    const vms = intColumn(row, 'observations', 'vms');
    const host = counts.get(hostId) ?? noVms();
    counts.set(hostId, host);
    host.total += vms;
    if (boolColumn(row, 'observations', 'eligible')) host.eligible += vms;
    host.byLicenseStatus[oneOfColumn(row, 'observations', 'license_status', LICENSE_STATUS_VALUES)] += vms;
  }
  return counts;
}

function frozenCounts(counts: MutableCounts): HostVmCounts {
  return Object.freeze({ ...counts, byLicenseStatus: Object.freeze(counts.byLicenseStatus) });
}

async function readHosts(conn: Connection, name: string | null): Promise<HostRow[]> {
  const hosts = await conn.all(sqlOf(conn, HOSTS_SQL), [name]);
  if (hosts.length === 0) return [];
  const bookmarks = await conn.all(sqlOf(conn, BOOKMARKS_SQL), [name]);
  const counts = countsByHost(await conn.all(sqlOf(conn, COUNTS_SQL), [name]));
  return hosts.map((row) => {
    const id = intColumn(row, 'hosts', 'id');
    return Object.freeze({
      name: textColumn(row, 'hosts', 'name'),
      firstSeen: isoTime(intColumn(row, 'hosts', 'first_seen')),
      lastSeen: isoTime(intColumn(row, 'hosts', 'last_seen')),
      facts: decodeFacts(row),
      vms: frozenCounts(counts.get(id) ?? noVms()),
      bookmarks: Object.freeze(bookmarks.filter((mark) => mark.host_id === id).map(decodeBookmark)),
    });
  });
}

/** Every host, by name. Rejects with StoreError CORRUPT for rows that do not decode. */
export function listHosts(conn: Connection): Promise<HostRow[]> {
  return readHosts(conn, null);
}

/**
 * The host of that name (case-insensitive), or null when the store never saw it. Rejects with
 * StoreError INVALID_ARGUMENT for a name that is not store text of at most 253 characters.
 */
export async function getHost(conn: Connection, name: string): Promise<HostRow | null> {
  const [host] = await readHosts(conn, checkText(name, 'name', MAX_HOST_NAME));
  return host ?? null;
}
