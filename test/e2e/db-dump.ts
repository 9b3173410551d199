/**
 * A canonical dump of an agent database for comparing two runs: every table as rows of values, with
 * internal row ids replaced by what they stand for (VM GUIDs, host names) and rows sorted by content,
 * so two databases that recorded the same things compare equal whatever order the rows went in. The
 * database holds no wall-clock value (lab runs record simulated times only), so nothing is left out.
 */
import sqlite3 from 'sqlite3';
import { openRaw } from '../agent/store/raw-sqlite.js';

const QUERIES: Readonly<Record<string, string>> = {
  hosts: 'SELECT name, first_seen, last_seen FROM hosts',
  host_facts: `SELECT h.name, f.valid_from, f.valid_to, f.version, f.build, f.edition, f.activated, f.sockets,
      f.cores_per_socket, f.cluster FROM host_facts f JOIN hosts h ON h.id = f.host_id`,
  vms: 'SELECT guid, tenant, first_seen, last_seen, deleted_at, opted_out, avma_blocked FROM vms',
  vm_names: 'SELECT v.guid, n.name, n.valid_from, n.valid_to FROM vm_names n JOIN vms v ON v.id = n.vm_id',
  observations: `SELECT v.guid, h.name AS host, o.valid_from, o.last_seen, o.valid_to, o.state, o.data_exchange, o.os,
      o.version, o.edition, o.evaluation, o.license_status, o.channel, o.eligible, o.reasons, o.key_pushed,
      o.kvp_wiped, o.problems FROM observations o JOIN vms v ON v.id = o.vm_id JOIN hosts h ON h.id = o.host_id`,
  kvp_latest: 'SELECT v.guid, k.pool, k.updated_at FROM kvp_latest k JOIN vms v ON v.id = k.vm_id',
  kvp_items: 'SELECT v.guid, i.pool, i.name, i.nth, i.data FROM kvp_items i JOIN vms v ON v.id = i.vm_id',
  // Agent events are numbered by their audit record's id; the content identifies them.
  events: `SELECT e.source, e.origin, e.log_epoch, CASE WHEN e.source = 'agent' THEN NULL ELSE e.record_id END AS record_id,
      e.event_id, e.time, v.guid, h.name AS host, e.notification, e.hresult, e.message
      FROM events e LEFT JOIN vms v ON v.id = e.vm_id LEFT JOIN hosts h ON h.id = e.host_id`,
  actions: `SELECT a.at, a.actor, v.guid, h.name AS host, a.action, a.reason, a.details FROM actions a
      LEFT JOIN vms v ON v.id = a.vm_id LEFT JOIN hosts h ON h.id = a.host_id`,
  bookmarks:
    'SELECT h.name, b.log, b.log_epoch, b.record_id, b.updated_at FROM bookmarks b JOIN hosts h ON h.id = b.host_id',
};

export type DbDump = Readonly<Record<string, readonly string[]>>;

/** Every table of the database at `path`, each row as one JSON line, sorted. */
export async function dumpDatabase(path: string): Promise<DbDump> {
  const db = await openRaw(path, sqlite3.OPEN_READONLY);
  try {
    const dump: Record<string, string[]> = {};
    for (const [table, sql] of Object.entries(QUERIES)) {
      dump[table] = (await db.all(sql)).map((row) => JSON.stringify(Object.values(row))).sort();
    }
    return dump;
  } finally {
    await db.close();
  }
}

/** The first difference between two dumps as one line, or `null` when they are equal. */
export function firstDifference(a: DbDump, b: DbDump): string | null {
  for (const table of Object.keys(QUERIES)) {
    const left = a[table] ?? [];
    const right = b[table] ?? [];
    const length = Math.max(left.length, right.length);
    for (let i = 0; i < length; i++) {
      if (left[i] !== right[i])
        return `${table} row ${i}: ${left[i] ?? '(none)'} <> ${right[i] ?? '(none)'} (${left.length} vs ${right.length} rows)`;
    }
  }
  return null;
}
