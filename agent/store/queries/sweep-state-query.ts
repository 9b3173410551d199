/**
 * What the sweep needs to remember between rounds, read in one snapshot: every host's last sighting
 * (where a resumed lab run continues) and event-log bookmarks, and, per VM, its flags, its latest
 * observation and the highest intent `seq` the audit trail holds for it (so a restarted agent
 * continues the guest's sequence).
 */
import { CHANNELS } from '../../../shared/avma/index.js';
import { AVMA_HOST_EVENT_ID, VM_STATES } from '../../model/index.js';
import {
  boolColumn,
  intColumn,
  jsonColumn,
  oneOfColumn,
  optionalIntColumn,
  optionalOneOfColumn,
  optionalTextColumn,
  textColumn,
} from '../decode.js';
import type { HostAvmaSighting, SweepState, VmMemory } from '../read-types.js';
import {
  type SqlConnection as Connection,
  type DialectSql,
  type SqlRow,
  type SqlValue,
  sqlOf,
} from '../sql-connection.js';
import { EVENT_NOTIFICATIONS, EVIDENCE_VALUES, LICENSE_STATUS_VALUES } from '../types.js';
import { problemsOrNull } from './status-query.js';

/** Audit actions whose `details.seq` is an intent sequence number sent to the guest. */
const INTENT_ACTIONS = "('push-key', 'send-intent', 'send-wipe')";

/** The event and its host, joined by id to the VM's latest host 12310 (`as`) and latest success. */
const sightingJoin = (as: string, condition: string) => `
LEFT JOIN events ${as} ON ${as}.id =
  (SELECT e.id FROM events e WHERE e.vm_id = v.id AND e.source = 'host' AND e.event_id = ${AVMA_HOST_EVENT_ID}
    ${condition} ORDER BY e.time DESC, e.id DESC LIMIT 1)
LEFT JOIN hosts ${as}_host ON ${as}_host.id = ${as}.host_id`;

/**
 * Read every round for every VM, so each look-up must stay one index step however long the history:
 * the latest host success comes from migration 6's partial index, whose condition repeats these literals.
 * The two sightings are joined here rather than read by id afterwards: one statement less per round.
 */
const sweepStateVms = (intentSeq: string, where = '') => `
SELECT v.id AS row_order, v.guid, v.deleted_at, v.opted_out, v.avma_blocked,
  h.name AS host, o.id AS observation, o.state, o.data_exchange, o.license_status, o.channel,
  o.evidence, o.claimed_license_status, o.claimed_channel,
  o.problems, o.valid_from, o.last_seen,
  (SELECT ${intentSeq} FROM actions a
    WHERE a.vm_id = v.id AND a.action IN ${INTENT_ACTIONS}) AS intent_seq,
  he.id AS host_event, he.time AS host_event_time, he.notification AS host_event_notification,
  he_host.name AS host_event_host,
  hs.id AS host_success, hs.time AS host_success_time, hs.notification AS host_success_notification,
  hs_host.name AS host_success_host
FROM vms v
LEFT JOIN observations o ON o.id =
  (SELECT id FROM observations WHERE vm_id = v.id ORDER BY valid_from DESC, id DESC LIMIT 1)
LEFT JOIN hosts h ON h.id = o.host_id${sightingJoin('he', '')}${sightingJoin('hs', "AND e.notification = 'avma-success'")}
${where}ORDER BY v.id`;

/** SQLite's intent seq: see SWEEP_STATE_VMS_SQL. */
const SQLITE_INTENT_SEQ = "max(json_extract(a.details, '$.seq'))";

// PostgreSQL takes the maximum over numeric seqs only (a cast of anything else would fail the read);
// SQLite's max over a text seq yields text, which decodeVm reads as 0, as it does an absent one.
export const SWEEP_STATE_VMS_SQL: DialectSql = {
  sqlite: sweepStateVms(SQLITE_INTENT_SEQ),
  postgres: sweepStateVms(
    "max(CASE WHEN jsonb_typeof(a.details::jsonb -> 'seq') = 'number' THEN (a.details::jsonb ->> 'seq')::numeric END)",
  ),
};

/** The sighting whose columns start with `prefix` (host_event, host_success), or null for none. */
function decodeSighting(row: SqlRow, prefix: 'host_event' | 'host_success'): HostAvmaSighting | null {
  if (row[prefix] === null) return null;
  return Object.freeze({
    timeMs: intColumn(row, 'events', `${prefix}_time`),
    notification: optionalOneOfColumn(row, 'events', `${prefix}_notification`, EVENT_NOTIFICATIONS),
    host: optionalTextColumn(row, 'hosts', `${prefix}_host`),
  });
}

export function decodeVm(row: SqlRow): VmMemory {
  const observed = row.observation !== null;
  const seq = row.intent_seq;
  return Object.freeze({
    id: textColumn(row, 'vms', 'guid'),
    deleted: optionalIntColumn(row, 'vms', 'deleted_at') !== null,
    optedOut: boolColumn(row, 'vms', 'opted_out'),
    avmaBlocked: boolColumn(row, 'vms', 'avma_blocked'),
    lastIntentSeq: typeof seq === 'number' && Number.isSafeInteger(seq) && seq > 0 ? seq : 0,
    last: observed
      ? Object.freeze({
          host: optionalTextColumn(row, 'hosts', 'host') ?? '',
          state: oneOfColumn(row, 'observations', 'state', VM_STATES),
          dataExchange: boolColumn(row, 'observations', 'data_exchange'),
          licenseStatus: oneOfColumn(row, 'observations', 'license_status', LICENSE_STATUS_VALUES),
          channel: oneOfColumn(row, 'observations', 'channel', CHANNELS),
          evidence: oneOfColumn(row, 'observations', 'evidence', EVIDENCE_VALUES),
          claimedLicenseStatus: optionalOneOfColumn(
            row,
            'observations',
            'claimed_license_status',
            LICENSE_STATUS_VALUES,
          ),
          claimedChannel: optionalOneOfColumn(row, 'observations', 'claimed_channel', CHANNELS),
          problems: jsonColumn(row, 'observations', 'problems', problemsOrNull),
          sinceMs: intColumn(row, 'observations', 'valid_from'),
          lastSeenMs: intColumn(row, 'observations', 'last_seen'),
        })
      : null,
    lastHostEvent: decodeSighting(row, 'host_event'),
    lastHostSuccess: decodeSighting(row, 'host_success'),
  });
}

/**
 * The memory with its latest interval seen again at `lastSeenMs` (sweep-state-delta.ts): the objects
 * decodeVm would build from the updated row, in the same shapes (a spread of a frozen object does not
 * keep them: it cost twice the allocation at 8,000 VMs a round).
 */
export function seenAgain(memory: VmMemory, lastSeenMs: number): VmMemory {
  const last = memory.last;
  if (last === null) return memory;
  return Object.freeze({
    id: memory.id,
    deleted: memory.deleted,
    optedOut: memory.optedOut,
    avmaBlocked: memory.avmaBlocked,
    lastIntentSeq: memory.lastIntentSeq,
    last: Object.freeze({
      host: last.host,
      state: last.state,
      dataExchange: last.dataExchange,
      licenseStatus: last.licenseStatus,
      channel: last.channel,
      evidence: last.evidence,
      claimedLicenseStatus: last.claimedLicenseStatus,
      claimedChannel: last.claimedChannel,
      problems: last.problems,
      sinceMs: last.sinceMs,
      lastSeenMs,
    }),
    lastHostEvent: memory.lastHostEvent,
    lastHostSuccess: memory.lastHostSuccess,
  });
}

/** Each host once per bookmark (or once, without), its bookmarks in the order they were made. */
const HOSTS_AND_BOOKMARKS_UNORDERED = `SELECT h.id, h.name, h.last_seen, b.log, b.log_epoch, b.record_id,
  h.id AS row_order, b.id AS bookmark_order
FROM hosts h LEFT JOIN bookmarks b ON b.host_id = h.id`;
const HOSTS_AND_BOOKMARKS = `${HOSTS_AND_BOOKMARKS_UNORDERED} ORDER BY h.id, b.id`;

type HostMemory = SweepState['hosts'][number];

function decodeHosts(rows: readonly SqlRow[]): HostMemory[] {
  const hosts: HostMemory[] = [];
  let current: { row: SqlRow; bookmarks: HostMemory['bookmarks'][number][] } | null = null;
  const close = () => {
    if (current === null) return;
    hosts.push(
      Object.freeze({
        name: textColumn(current.row, 'hosts', 'name'),
        lastSeenMs: intColumn(current.row, 'hosts', 'last_seen'),
        bookmarks: Object.freeze(current.bookmarks),
      }),
    );
  };
  for (const row of rows) {
    if (current === null || row.id !== current.row.id) {
      close();
      current = { row, bookmarks: [] };
    }
    if (row.log === null) continue;
    current.bookmarks.push(
      Object.freeze({
        log: textColumn(row, 'bookmarks', 'log'),
        recordId: intColumn(row, 'bookmarks', 'record_id'),
        logEpoch: intColumn(row, 'bookmarks', 'log_epoch'),
      }),
    );
  }
  close();
  return hosts;
}

const HOST_COLUMNS = ['id', 'name', 'last_seen', 'log', 'log_epoch', 'record_id'];

/**
 * A VM's row from its values in VM_COLUMNS order after its row_order (`values[0]`). The SQLite read
 * sends each VM as a JSON array, not an object with the columns' names: at 8,000 VMs the names were
 * 3 MB of a 4.9 MB text that SQLite wrote and JSON.parse read every round. An object literal builds
 * the row as fast as JSON.parse built the object (a loop adding the names one by one was three times
 * slower).
 */
function vmRow(values: readonly SqlValue[]): SqlRow {
  return {
    guid: values[1],
    deleted_at: values[2],
    opted_out: values[3],
    avma_blocked: values[4],
    host: values[5],
    observation: values[6],
    state: values[7],
    data_exchange: values[8],
    license_status: values[9],
    channel: values[10],
    evidence: values[11],
    claimed_license_status: values[12],
    claimed_channel: values[13],
    problems: values[14],
    valid_from: values[15],
    last_seen: values[16],
    intent_seq: values[17],
    host_event: values[18],
    host_event_time: values[19],
    host_event_notification: values[20],
    host_event_host: values[21],
    host_success: values[22],
    host_success_time: values[23],
    host_success_notification: values[24],
    host_success_host: values[25],
  } as SqlRow;
}

/** The columns vmRow reads, in its order: the SQL's list is made from it, so the two cannot disagree. */
const VM_COLUMNS = Object.keys(vmRow([]));

/** Rows of `query` as one JSON array of objects with these columns, in the order `orderBy` gives. */
const jsonRows = (query: string, columns: readonly string[], orderBy: string) =>
  `(SELECT json_group_array(json_object(${columns.map((c) => `'${c}', ${c}`).join(', ')}) ORDER BY ${orderBy})
    FROM (${query}))`;

/** The hosts with their bookmarks, as one JSON array of objects (SQLite). */
export const SQLITE_HOSTS = jsonRows(
  HOSTS_AND_BOOKMARKS_UNORDERED,
  HOST_COLUMNS,
  'row_order, bookmark_order',
);

/** The VMs (those `where` keeps, all by default) as one JSON array of `[row_order, ...VM_COLUMNS]` (SQLite). */
export function sqliteVms(where = ''): string {
  return `(SELECT json_group_array(json_array(row_order, ${VM_COLUMNS.join(', ')}))
    FROM (${sweepStateVms(SQLITE_INTENT_SEQ, where)}))`;
}

/**
 * SQLite: both reads in one statement, so in one snapshot without BEGIN and COMMIT (each statement is a
 * round trip through node-sqlite3's thread pool, and this read comes every round). The hosts come back
 * as JSON objects with the columns' names, the VMs as JSON arrays `[row_order, ...VM_COLUMNS]`, with
 * SQLite's values (text, integers, null), which decode as the rows of the two queries do. The VMs'
 * aggregate has no ORDER BY: sorting 8,000 rows' JSON cost SQLite a fifth of the read, and the
 * subquery already yields them in order (an aggregate's subquery with ORDER BY is not flattened);
 * vmRowsInOrder checks that order rather than trusting it.
 */
const SQLITE_STATE = `SELECT ${SQLITE_HOSTS} AS hosts, ${sqliteVms()} AS vms`;

/** Each element a row's values after its row_order: an array one longer than VM_COLUMNS. */
function isVmValues(value: unknown): value is readonly SqlValue[] {
  return Array.isArray(value) && value.length === VM_COLUMNS.length + 1;
}

function vmValuesOrNull(value: unknown): (readonly SqlValue[])[] | null {
  return Array.isArray(value) && value.every(isVmValues) ? value : null;
}

/** The VMs' rows by row_order (vms.id), sorted only if SQLite did not yield them so. Exported for its test. */
export function vmRowsInOrder(values: (readonly SqlValue[])[]): SqlRow[] {
  const order = (row: readonly SqlValue[]) => Number(row[0]);
  const sorted = values.every((row, i) => i === 0 || order(values[i - 1] as SqlValue[]) < order(row));
  if (!sorted) values.sort((a, b) => order(a) - order(b));
  return values.map(vmRow);
}

async function sqliteStateRows(conn: Connection): Promise<{ hostRows: SqlRow[]; vmRows: SqlRow[] }> {
  return sqliteStateColumns((await conn.get(SQLITE_STATE)) ?? {});
}

/** The `hosts` and `vms` columns of a SQLite read (SQLITE_HOSTS, sqliteVms) as rows, VMs in id order. */
export function sqliteStateColumns(row: SqlRow): { hostRows: SqlRow[]; vmRows: SqlRow[]; vmIds: number[] } {
  const values = jsonColumn(row, 'vms', 'vms', vmValuesOrNull);
  // vmRowsInOrder sorts the values in place when they were not in order.
  const vmRows = vmRowsInOrder(values);
  return {
    hostRows: jsonColumn(row, 'hosts', 'hosts', rowsOrNull),
    vmRows,
    vmIds: values.map((vm) => Number(vm[0])),
  };
}

function rowsOrNull(value: unknown): SqlRow[] | null {
  return Array.isArray(value) ? (value as SqlRow[]) : null;
}

/** The hosts' memory from their rows (HOSTS_AND_BOOKMARKS order). Throws StoreError CORRUPT. */
export function sweepStateHosts(hostRows: readonly SqlRow[]): SweepState['hosts'] {
  return Object.freeze(decodeHosts(hostRows));
}

/**
 * Every host with its last sighting and every VM (deleted ones included) with its memory. Rejects with
 * StoreError CORRUPT for rows that do not match the schema's vocabularies.
 */
export async function readSweepState(conn: Connection): Promise<SweepState> {
  const { hostRows, vmRows } =
    conn.dialect === 'sqlite'
      ? await sqliteStateRows(conn)
      : {
          hostRows: await conn.all(HOSTS_AND_BOOKMARKS),
          vmRows: await conn.all(sqlOf(conn, SWEEP_STATE_VMS_SQL)),
        };
  return Object.freeze({
    hosts: sweepStateHosts(hostRows),
    vms: Object.freeze(vmRows.map((row) => decodeVm(row))),
  });
}
