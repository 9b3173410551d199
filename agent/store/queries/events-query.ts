/** `avma events`: stored events oldest first, by event id and VM. */
import type { Connection, SqlRow } from '../connection.js';
import {
  intColumn,
  isoTime,
  oneOfColumn,
  optionalIntColumn,
  optionalOneOfColumn,
  optionalTextColumn,
  textColumn,
} from '../decode.js';
import type { EventFilter, EventRow } from '../read-types.js';
import { nameFromStoredOrNull, storedName } from '../stored-name.js';
import { EVENT_NOTIFICATIONS, EVENT_SOURCES, VM_MATCHES } from '../types.js';
import { checkInteger, checkText } from '../validate.js';

export const MAX_EVENTS_LISTED = 100_000;

const EVENTS_SQL = `
SELECT e.source, e.event_id, e.record_id, e.time, e.notification, e.hresult, e.message, e.vm_match,
  h.name AS host, v.guid AS vm_id,
  (SELECT n.name FROM vm_names n WHERE n.vm_id = e.vm_id ORDER BY n.valid_from DESC, n.id DESC LIMIT 1) AS vm_name
FROM events e
LEFT JOIN hosts h ON h.id = e.host_id
LEFT JOIN vms v ON v.id = e.vm_id
WHERE (?1 IS NULL OR e.event_id = ?1)
  AND (?2 IS NULL OR e.vm_id IN (
    SELECT vm_id FROM vm_names WHERE name = ?2 COLLATE NOCASE
    UNION SELECT id FROM vms WHERE guid = lower(?2)))
ORDER BY e.time, e.id
LIMIT ?3`;

function decodeEvent(row: SqlRow): EventRow {
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

/** Events matching the filter, oldest first. Rejects with INVALID_ARGUMENT for a bad filter. */
export async function listEvents(conn: Connection, filter: EventFilter): Promise<EventRow[]> {
  const eventId = filter.eventId === undefined ? null : checkInteger(filter.eventId, 'eventId', 0, 65_535);
  const vm = filter.vm === undefined ? null : storedName(checkText(filter.vm, 'vm', 256));
  const limit = checkInteger(filter.limit ?? MAX_EVENTS_LISTED, 'limit', 1, MAX_EVENTS_LISTED);
  const rows = await conn.all(EVENTS_SQL, [eventId, vm, limit]);
  return rows.map(decodeEvent);
}
