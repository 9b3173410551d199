/**
 * The inputs of the SPLA month report for a period [from, to): observation intervals touching it, the
 * VMs they belong to (deleted ones included), and the hosts with the facts in force.
 */
import { EDITIONS, HOST_EDITIONS, HOST_VERSIONS } from 'hyperv-kvp';
import { CHANNELS } from '../../../shared/avma/index.js';
import { MAX_VM_MEMORY_BYTES, MAX_VM_PROCESSORS, VM_STATES } from '../../model/index.js';
import {
  boolColumn,
  intColumn,
  jsonColumn,
  oneOfColumn,
  optionalBoundedIntColumn,
  optionalIntColumn,
  optionalOneOfColumn,
  optionalTextColumn,
  textColumn,
} from '../decode.js';
import type { HostFactsInterval, UsageHost, UsageInputs, UsageInterval, UsageVm } from '../read-types.js';
import { type SqlConnection as Connection, type DialectSql, type SqlRow, sqlOf } from '../sql-connection.js';
import { nameFromStoredOrNull } from '../stored-name.js';
import { EVIDENCE_VALUES, GUEST_OS_VALUES, GUEST_VERSIONS, LICENSE_STATUS_VALUES } from '../types.js';
import { checkTime, invalid } from '../validate.js';

/**
 * An interval [valid_from, until] touches [?1, ?2) when it starts before the end and either ends after
 * the start or starts inside (a single sighting has until = valid_from).
 */
const touches = (from: string, to: string) =>
  `o.valid_from < ${to} AND (COALESCE(o.valid_to, o.last_seen) > ${from} OR o.valid_from >= ${from})`;
const TOUCHES: DialectSql = { sqlite: touches('?1', '?2'), postgres: touches('$1::bigint', '$2::bigint') };

/** A read whose rows come back as one JSON array of tuples (see `jsonRows`). */
interface JsonRead {
  readonly sql: DialectSql;
  readonly columns: readonly string[];
  /**
   * The rows' order for PostgreSQL's json_agg, over the query's columns (and `sort_id`): an aggregate
   * over a sorted subquery does not promise to keep its order. Text sorts under "C", as in SQLite.
   */
  readonly pgOrder: string;
}

const intervalsSql = (touch: string, order: string, sortId = '') => `
SELECT v.guid AS vm, h.name AS host, o.valid_from, COALESCE(o.valid_to, o.last_seen) AS until, o.state,
  o.version, o.edition, o.license_status, o.channel, o.evidence, o.processor_count, o.memory_assigned_bytes${sortId}
FROM observations o JOIN vms v ON v.id = o.vm_id JOIN hosts h ON h.id = o.host_id
WHERE ${touch}
ORDER BY ${order}`;
const INTERVALS: JsonRead = {
  sql: {
    sqlite: intervalsSql(TOUCHES.sqlite, 'v.guid, o.valid_from, o.id'),
    postgres: intervalsSql(TOUCHES.postgres, 'v.guid COLLATE "C", o.valid_from, o.id', ', o.id AS sort_id'),
  },
  columns: [
    'vm',
    'host',
    'valid_from',
    'until',
    'state',
    'version',
    'edition',
    'license_status',
    'channel',
    'evidence',
    'processor_count',
    'memory_assigned_bytes',
  ],
  pgOrder: 'vm COLLATE "C", valid_from, sort_id',
};

const vmsSql = (touch: string, to: string, order: string) => `
SELECT v.guid, v.tenant, v.deleted_at,
  (SELECT n.name FROM vm_names n WHERE n.vm_id = v.id AND n.valid_from < ${to}
    ORDER BY n.valid_from DESC, n.id DESC LIMIT 1) AS name,
  (SELECT k.os FROM observations k WHERE k.vm_id = v.id AND k.os <> 'unknown' AND k.valid_from < ${to}
    ORDER BY k.valid_from DESC, k.id DESC LIMIT 1) AS known_os
FROM vms v
WHERE v.id IN (SELECT o.vm_id FROM observations o WHERE ${touch})
ORDER BY ${order}`;
const VMS: JsonRead = {
  sql: {
    sqlite: vmsSql(TOUCHES.sqlite, '?2', 'v.guid'),
    postgres: vmsSql(TOUCHES.postgres, '$2::bigint', 'v.guid COLLATE "C"'),
  },
  columns: ['guid', 'tenant', 'deleted_at', 'name', 'known_os'],
  pgOrder: 'guid COLLATE "C"',
};

const hostsSql = (from: string, to: string, touch: string, order: string) => `
SELECT h.id, h.name, h.first_seen, h.last_seen FROM hosts h
WHERE (h.first_seen < ${to} AND h.last_seen >= ${from})
   OR h.id IN (SELECT o.host_id FROM observations o WHERE ${touch})
ORDER BY ${order}`;
const HOSTS_SQL: DialectSql = {
  sqlite: hostsSql('?1', '?2', TOUCHES.sqlite, 'h.name'),
  postgres: hostsSql('$1::bigint', '$2::bigint', TOUCHES.postgres, 'h.name COLLATE "C"'),
};

const factsSql = (from: string, to: string) => `
SELECT host_id, valid_from, valid_to, version, edition, activated, sockets, cores_per_socket
FROM host_facts WHERE valid_from < ${to} AND (valid_to IS NULL OR valid_to > ${from})
ORDER BY host_id, valid_from, id`;
const FACTS_SQL: DialectSql = {
  sqlite: factsSql('?1', '?2'),
  postgres: factsSql('$1::bigint', '$2::bigint'),
};

function coresOrNull(value: unknown): number[] | null {
  return Array.isArray(value) && value.every((n) => Number.isInteger(n) && n > 0)
    ? (value as number[])
    : null;
}

function decodeFacts(row: SqlRow): HostFactsInterval {
  return Object.freeze({
    fromMs: intColumn(row, 'host_facts', 'valid_from'),
    toMs: optionalIntColumn(row, 'host_facts', 'valid_to'),
    version: optionalOneOfColumn(row, 'host_facts', 'version', HOST_VERSIONS),
    edition: optionalOneOfColumn(row, 'host_facts', 'edition', HOST_EDITIONS),
    activated: boolColumn(row, 'host_facts', 'activated'),
    sockets: intColumn(row, 'host_facts', 'sockets'),
    coresPerSocket: jsonColumn(row, 'host_facts', 'cores_per_socket', coresOrNull),
  });
}

function decodeInterval(row: SqlRow): UsageInterval {
  return Object.freeze({
    vm: textColumn(row, 'vms', 'vm'),
    host: textColumn(row, 'hosts', 'host'),
    fromMs: intColumn(row, 'observations', 'valid_from'),
    untilMs: intColumn(row, 'observations', 'until'),
    state: oneOfColumn(row, 'observations', 'state', VM_STATES),
    version: optionalOneOfColumn(row, 'observations', 'version', GUEST_VERSIONS),
    edition: optionalOneOfColumn(row, 'observations', 'edition', EDITIONS),
    licenseStatus: oneOfColumn(row, 'observations', 'license_status', LICENSE_STATUS_VALUES),
    channel: oneOfColumn(row, 'observations', 'channel', CHANNELS),
    evidence: oneOfColumn(row, 'observations', 'evidence', EVIDENCE_VALUES),
    processorCount: optionalBoundedIntColumn(row, 'observations', 'processor_count', 1, MAX_VM_PROCESSORS),
    memoryAssignedBytes: optionalBoundedIntColumn(
      row,
      'observations',
      'memory_assigned_bytes',
      1,
      MAX_VM_MEMORY_BYTES,
    ),
  });
}

function decodeVm(row: SqlRow): UsageVm {
  const deletedAt = optionalIntColumn(row, 'vms', 'deleted_at');
  return Object.freeze({
    id: textColumn(row, 'vms', 'guid'),
    name: nameFromStoredOrNull(optionalTextColumn(row, 'vm_names', 'name')),
    tenant: optionalTextColumn(row, 'vms', 'tenant'),
    deletedAtMs: deletedAt,
    knownOs: optionalOneOfColumn(row, 'observations', 'known_os', GUEST_OS_VALUES) ?? 'unknown',
  });
}

/**
 * Runs the read and returns its rows, fetched as ONE JSON array of tuples built by the database:
 * node-sqlite3 spends several microseconds materialising each row object, which for a month of 8,000
 * VMs (tens of thousands of intervals) is most of the export's time budget; one string and JSON.parse
 * is ~5x faster. PostgreSQL builds the same array with json_agg(json_build_array(...)), ordered inside
 * the aggregate; its integers and text parse to the same values. The statements are constants here.
 */
async function jsonRows(conn: Connection, read: JsonRead, params: readonly number[]): Promise<SqlRow[]> {
  const tuple = read.columns.join(', ');
  const row = await conn.get(
    sqlOf(conn, {
      sqlite: `SELECT json_group_array(json_array(${tuple})) AS rows FROM (${read.sql.sqlite})`,
      postgres: `SELECT json_agg(json_build_array(${tuple}) ORDER BY ${read.pgOrder}) AS rows FROM (${read.sql.postgres}) AS t`,
    }),
    params,
  );
  const tuples: unknown = JSON.parse(String(row?.rows ?? '[]'));
  if (!Array.isArray(tuples)) return [];
  return tuples.map((tuple: unknown[]) =>
    Object.fromEntries(read.columns.map((column, i) => [column, tuple[i] ?? null])),
  );
}

/** Reads the report inputs for [from, to). Rejects with INVALID_ARGUMENT when `to` is not after `from`. */
export async function readUsageInputs(conn: Connection, from: Date, to: Date): Promise<UsageInputs> {
  const fromMs = checkTime(from, 'from');
  const toMs = checkTime(to, 'to');
  if (toMs <= fromMs) throw invalid('to', to, `a time after ${from.toISOString()}`);
  const params = [fromMs, toMs];
  const intervals = (await jsonRows(conn, INTERVALS, params)).map(decodeInterval);
  const vms = (await jsonRows(conn, VMS, params)).map(decodeVm);
  const factsByHost = new Map<number, HostFactsInterval[]>();
  for (const row of await conn.all(sqlOf(conn, FACTS_SQL), params)) {
    const hostId = intColumn(row, 'host_facts', 'host_id');
    factsByHost.set(hostId, [...(factsByHost.get(hostId) ?? []), decodeFacts(row)]);
  }
  const hosts = (await conn.all(sqlOf(conn, HOSTS_SQL), params)).map(
    (row): UsageHost =>
      Object.freeze({
        name: textColumn(row, 'hosts', 'name'),
        firstSeenMs: intColumn(row, 'hosts', 'first_seen'),
        lastSeenMs: intColumn(row, 'hosts', 'last_seen'),
        facts: Object.freeze(factsByHost.get(intColumn(row, 'hosts', 'id')) ?? []),
      }),
  );
  return Object.freeze({ fromMs, toMs, hosts, vms, intervals });
}
