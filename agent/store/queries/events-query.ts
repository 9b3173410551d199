/**
 * `avma events`: stored events oldest first, by event id, VM and time, read in pages with keyset
 * pagination on (time, id) (the events_time index), so a reader's memory stays flat however many
 * events the store holds and a page costs the same at the start and at the end.
 */

import {
  intColumn,
  isoTime,
  oneOfColumn,
  optionalIntColumn,
  optionalOneOfColumn,
  optionalTextColumn,
  textColumn,
} from '../decode.js';
import type { EventCursor, EventFilter, EventPage, EventRow } from '../read-types.js';
import { type SqlConnection as Connection, type DialectSql, type SqlRow, sqlOf } from '../sql-connection.js';
import { nameFromStoredOrNull, storedName } from '../stored-name.js';
import { EVENT_NOTIFICATIONS, EVENT_SOURCES, VM_MATCHES } from '../types.js';
import { checkInteger, checkOneOf, checkText, checkTime } from '../validate.js';

/** Rows per page by default: a few hundred kilobytes of rows at a time. */
export const EVENTS_PAGE_SIZE = 1000;
export const MAX_EVENTS_PAGE_SIZE = 100_000;

/** Before every stored time (the store keeps ms since 1970) and after every one. */
const NO_LOWER_BOUND = -1;
const NO_UPPER_BOUND = Number.MAX_SAFE_INTEGER;

// The row-value comparison (e.time, e.id) > (?5, ?6) is a range on the events_time index (time, id).
/** The columns `decodeEvent` reads, from events `e`: append a WHERE clause. */
export const EVENT_COLUMNS = `
  e.id, e.source, e.event_id, e.record_id, e.time, e.notification, e.hresult, e.message, e.vm_match,
  h.name AS host, v.guid AS vm_id,
  (SELECT n.name FROM vm_names n WHERE n.vm_id = e.vm_id ORDER BY n.valid_from DESC, n.id DESC LIMIT 1) AS vm_name
FROM events e
LEFT JOIN hosts h ON h.id = e.host_id
LEFT JOIN vms v ON v.id = e.vm_id`;

const EVENTS_SQL: DialectSql = {
  sqlite: `
SELECT ${EVENT_COLUMNS}
WHERE (?1 IS NULL OR e.event_id = ?1)
  AND (?2 IS NULL OR e.vm_id IN (
    SELECT vm_id FROM vm_names WHERE name = ?2 COLLATE NOCASE
    UNION SELECT id FROM vms WHERE guid = lower(?2)))
  AND e.time >= ?3 AND e.time < ?4
  AND (e.time, e.id) > (?5, ?6)
  AND (?8 IS NULL OR e.source = ?8)
  AND (?9 IS NULL OR h.name = ?9 COLLATE NOCASE)
ORDER BY e.time, e.id
LIMIT ?7`,
  // lower() on both sides stands for COLLATE NOCASE; the vm_names_name index is on lower(name).
  postgres: `
SELECT ${EVENT_COLUMNS}
WHERE ($1::integer IS NULL OR e.event_id = $1)
  AND ($2::text IS NULL OR e.vm_id IN (
    SELECT vm_id FROM vm_names WHERE lower(name) = lower($2)
    UNION SELECT id FROM vms WHERE guid = lower($2)))
  AND e.time >= $3::bigint AND e.time < $4::bigint
  AND (e.time, e.id) > ($5::bigint, $6::bigint)
  AND ($8::text IS NULL OR e.source = $8)
  AND ($9::text IS NULL OR lower(h.name) = lower($9))
ORDER BY e.time, e.id
LIMIT $7`,
};

/** Newest first (the dashboard's events page): the same filter, walking the events_time index down. */
function newestFirst(sql: string, after: string): string {
  return sql
    .replace(`(e.time, e.id) > (${after})`, `(e.time, e.id) < (${after})`)
    .replace('ORDER BY e.time, e.id', 'ORDER BY e.time DESC, e.id DESC');
}
const EVENTS_NEWEST_SQL: DialectSql = {
  sqlite: newestFirst(EVENTS_SQL.sqlite, '?5, ?6'),
  postgres: newestFirst(EVENTS_SQL.postgres, '$5::bigint, $6::bigint'),
};

/** Which end a page of events starts from. */
export type EventOrder = 'oldest-first' | 'newest-first';

/** A row of `EVENT_COLUMNS`; throws StoreError CORRUPT when it does not decode. */
export function decodeEvent(row: SqlRow): EventRow {
  const vmId = optionalTextColumn(row, 'vms', 'vm_id');
  return Object.freeze({
    source: oneOfColumn(row, 'events', 'source', EVENT_SOURCES),
    eventId: optionalIntColumn(row, 'events', 'event_id'),
    recordId: intColumn(row, 'events', 'record_id'),
    time: isoTime(intColumn(row, 'events', 'time')),
    host: optionalTextColumn(row, 'hosts', 'host'),
    vm: nameFromStoredOrNull(optionalTextColumn(row, 'vm_names', 'vm_name')) ?? vmId,
    vmId,
    vmMatch: optionalOneOfColumn(row, 'events', 'vm_match', VM_MATCHES),
    notification: optionalOneOfColumn(row, 'events', 'notification', EVENT_NOTIFICATIONS),
    hresult: optionalTextColumn(row, 'events', 'hresult'),
    message: textColumn(row, 'events', 'message'),
  });
}

/**
 * One page of the events matching the filter, oldest first (or newest first), after `after` (null: from
 * the first).
 * `next` is the cursor of the page's last event when the page is full, else null. Rejects with
 * INVALID_ARGUMENT for a bad filter, cursor or page size.
 */
export async function listEventsPage(
  conn: Connection,
  filter: EventFilter,
  after: EventCursor | null,
  pageSize: number,
  order: EventOrder = 'oldest-first',
): Promise<EventPage> {
  const eventId = filter.eventId === undefined ? null : checkInteger(filter.eventId, 'eventId', 0, 65_535);
  const vm = filter.vm === undefined ? null : storedName(checkText(filter.vm, 'vm', 256));
  const since = filter.since === undefined ? NO_LOWER_BOUND : checkTime(filter.since, 'since');
  const until = filter.until === undefined ? NO_UPPER_BOUND : checkTime(filter.until, 'until');
  const size = checkInteger(pageSize, 'pageSize', 1, MAX_EVENTS_PAGE_SIZE);
  const newest = checkOneOf(order, 'order', ['oldest-first', 'newest-first']) === 'newest-first';
  const afterTime =
    after === null
      ? newest
        ? NO_UPPER_BOUND
        : NO_LOWER_BOUND
      : checkInteger(after.time, 'after.time', -1, NO_UPPER_BOUND);
  const afterId =
    after === null ? (newest ? NO_UPPER_BOUND : 0) : checkInteger(after.id, 'after.id', 0, NO_UPPER_BOUND);
  const source = filter.source === undefined ? null : checkOneOf(filter.source, 'source', EVENT_SOURCES);
  const host = filter.host === undefined ? null : checkText(filter.host, 'host', 253);
  const rows = await conn.all(sqlOf(conn, newest ? EVENTS_NEWEST_SQL : EVENTS_SQL), [
    eventId,
    vm,
    since,
    until,
    afterTime,
    afterId,
    size,
    source,
    host,
  ]);
  const last = rows.at(-1);
  const next =
    rows.length === size && last !== undefined
      ? Object.freeze({ time: intColumn(last, 'events', 'time'), id: intColumn(last, 'events', 'id') })
      : null;
  return Object.freeze({ rows: rows.map(decodeEvent), next });
}
