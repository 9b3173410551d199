/**
 * What the sweep needs to remember between rounds, read in one snapshot: every host's last sighting
 * (where a resumed lab run continues) and event-log bookmarks, and, per VM, its flags, its latest observation and the highest
 * intent `seq` the audit trail holds for it (so a restarted agent continues the guest's sequence).
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
import { type SqlConnection as Connection, type DialectSql, type SqlRow, sqlOf } from '../sql-connection.js';
import { EVENT_NOTIFICATIONS, EVIDENCE_VALUES, LICENSE_STATUS_VALUES } from '../types.js';
import { problemsOrNull } from './status-query.js';

/** Audit actions whose `details.seq` is an intent sequence number sent to the guest. */
const INTENT_ACTIONS = "('push-key', 'send-intent', 'send-wipe')";

/**
 * Read every round for every VM, so each look-up must stay one index step however long the history:
 * the latest host success comes from migration 6's partial index, whose condition repeats these literals.
 */
const sweepStateVms = (intentSeq: string) => `
SELECT v.guid, v.deleted_at, v.opted_out, v.avma_blocked,
  h.name AS host, o.id AS observation, o.state, o.data_exchange, o.license_status, o.channel,
  o.evidence, o.claimed_license_status, o.claimed_channel,
  o.problems, o.valid_from, o.last_seen,
  (SELECT ${intentSeq} FROM actions a
    WHERE a.vm_id = v.id AND a.action IN ${INTENT_ACTIONS}) AS intent_seq,
  (SELECT e.id FROM events e WHERE e.vm_id = v.id AND e.source = 'host' AND e.event_id = ${AVMA_HOST_EVENT_ID}
    ORDER BY e.time DESC, e.id DESC LIMIT 1) AS host_event,
  (SELECT e.id FROM events e WHERE e.vm_id = v.id AND e.source = 'host' AND e.event_id = ${AVMA_HOST_EVENT_ID}
    AND e.notification = 'avma-success' ORDER BY e.time DESC, e.id DESC LIMIT 1) AS host_success
FROM vms v
LEFT JOIN observations o ON o.id =
  (SELECT id FROM observations WHERE vm_id = v.id ORDER BY valid_from DESC, id DESC LIMIT 1)
LEFT JOIN hosts h ON h.id = o.host_id
ORDER BY v.id`;

// PostgreSQL takes the maximum over numeric seqs only (a cast of anything else would fail the read);
// SQLite's max over a text seq yields text, which decodeVm reads as 0, as it does an absent one.
export const SWEEP_STATE_VMS_SQL: DialectSql = {
  sqlite: sweepStateVms("max(json_extract(a.details, '$.seq'))"),
  postgres: sweepStateVms(
    "max(CASE WHEN jsonb_typeof(a.details::jsonb -> 'seq') = 'number' THEN (a.details::jsonb ->> 'seq')::numeric END)",
  ),
};

const SIGHTINGS_SQL: DialectSql = {
  sqlite: `
SELECT e.id, e.time, e.notification, h.name AS host FROM events e LEFT JOIN hosts h ON h.id = e.host_id
WHERE e.id IN (SELECT value FROM json_each(?))`,
  postgres: `
SELECT e.id, e.time, e.notification, h.name AS host FROM events e LEFT JOIN hosts h ON h.id = e.host_id
WHERE e.id IN (SELECT j.value::bigint FROM jsonb_array_elements_text($1::jsonb) AS j(value))`,
};

function decodeSighting(row: SqlRow | undefined): HostAvmaSighting | null {
  if (row === undefined) return null;
  return Object.freeze({
    timeMs: intColumn(row, 'events', 'time'),
    notification: optionalOneOfColumn(row, 'events', 'notification', EVENT_NOTIFICATIONS),
    host: optionalTextColumn(row, 'hosts', 'host'),
  });
}

/** The host 12310 rows the VM rows point at, by event id. */
async function readSightings(conn: Connection, vmRows: readonly SqlRow[]): Promise<Map<number, SqlRow>> {
  const ids = new Set<number>();
  for (const row of vmRows) {
    if (typeof row.host_event === 'number') ids.add(row.host_event);
    if (typeof row.host_success === 'number') ids.add(row.host_success);
  }
  if (ids.size === 0) return new Map();
  const rows = await conn.all(sqlOf(conn, SIGHTINGS_SQL), [JSON.stringify([...ids])]);
  return new Map(rows.map((row) => [Number(row.id), row]));
}

function decodeVm(row: SqlRow, sightings: ReadonlyMap<number, SqlRow>): VmMemory {
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
    lastHostEvent: decodeSighting(sightings.get(Number(row.host_event))),
    lastHostSuccess: decodeSighting(sightings.get(Number(row.host_success))),
  });
}

/**
 * Every host with its last sighting and every VM (deleted ones included) with its memory. Rejects with
 * StoreError CORRUPT for rows that do not match the schema's vocabularies.
 */
export async function readSweepState(conn: Connection): Promise<SweepState> {
  const hostRows = await conn.all('SELECT id, name, last_seen FROM hosts ORDER BY id');
  const bookmarkRows = await conn.all('SELECT host_id, log, log_epoch, record_id FROM bookmarks ORDER BY id');
  const vmRows = await conn.all(sqlOf(conn, SWEEP_STATE_VMS_SQL));
  const sightings = await readSightings(conn, vmRows);
  return Object.freeze({
    hosts: Object.freeze(
      hostRows.map((row) =>
        Object.freeze({
          name: textColumn(row, 'hosts', 'name'),
          lastSeenMs: intColumn(row, 'hosts', 'last_seen'),
          bookmarks: Object.freeze(
            bookmarkRows
              .filter((mark) => mark.host_id === row.id)
              .map((mark) =>
                Object.freeze({
                  log: textColumn(mark, 'bookmarks', 'log'),
                  recordId: intColumn(mark, 'bookmarks', 'record_id'),
                  logEpoch: intColumn(mark, 'bookmarks', 'log_epoch'),
                }),
              ),
          ),
        }),
      ),
    ),
    vms: Object.freeze(vmRows.map((row) => decodeVm(row, sightings))),
  });
}
