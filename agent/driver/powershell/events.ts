import { DriverError } from '../driver-error.js';
import type { HostEvent, ReadEventsRequest } from '../hyperv-driver.js';
import { EventList, type EventRecord } from './schemas.js';
import { parseStrict } from './validate.js';

/** Longest message kept; Get-WinEvent formats the full text, which only humans read. */
export const MAX_EVENT_MESSAGE_CHARS = 8 * 1024;
/** Longest EventData value kept, and most values kept per event. */
export const MAX_EVENT_DATA_CHARS = 4 * 1024;
export const MAX_EVENT_DATA_ENTRIES = 64;

function cut(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

function recordNumber(text: string, what: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value)) {
    throw new DriverError(
      'BAD_RESPONSE',
      `read-events: ${what} "${text}" is beyond 2^53; expected a safe integer`,
    );
  }
  return value;
}

function utcTime(text: string): string {
  const time = new Date(text);
  if (Number.isNaN(time.getTime())) {
    throw new DriverError(
      'BAD_RESPONSE',
      `read-events: TimeCreated "${text}" is not a date; expected ISO-8601`,
    );
  }
  return time.toISOString();
}

function toHostEvent(record: EventRecord): HostEvent {
  // fromEntries defines own properties, so a data name such as "__proto__" stays plain data.
  const entries = record.Data.slice(0, MAX_EVENT_DATA_ENTRIES).map((entry) => [
    entry.Name,
    cut(entry.Value, MAX_EVENT_DATA_CHARS),
  ]);
  const unique = entries.filter(([name], index) => entries.findIndex(([other]) => other === name) === index);
  return Object.freeze({
    recordId: recordNumber(record.RecordId, 'RecordId'),
    eventId: recordNumber(record.EventId, 'EventId'),
    provider: record.Provider,
    time: utcTime(record.TimeCreated),
    message: cut(record.Message, MAX_EVENT_MESSAGE_CHARS),
    data: Object.freeze(Object.fromEntries(unique)),
  });
}

/**
 * Turns the read-events output into HostEvents, checking that the host answered the question asked:
 * only the requested ids, record ids above the bookmark and strictly increasing (oldest first, no
 * repeats), no more than `max`. Over-long messages and data values are cut (marked with "…"). Throws
 * DriverError 'BAD_RESPONSE' otherwise, so a wrong answer never moves a bookmark.
 */
export function eventsFromList(value: unknown, request: ReadEventsRequest, max: number): HostEvent[] {
  const list = parseStrict('read-events', EventList, value);
  if (list.Events.length > max) {
    throw new DriverError(
      'BAD_RESPONSE',
      `read-events: ${list.Events.length} events; expected at most ${max}`,
    );
  }
  const events = list.Events.map(toHostEvent);
  let previous = request.afterRecordId;
  for (const event of events) {
    if (!request.ids.includes(event.eventId)) {
      throw new DriverError(
        'BAD_RESPONSE',
        `read-events: event id ${event.eventId} was not asked for; expected one of ${request.ids.join(', ')}`,
      );
    }
    if (event.recordId <= previous) {
      throw new DriverError(
        'BAD_RESPONSE',
        `read-events: record ${event.recordId} after ${previous}; expected record ids above ${request.afterRecordId}, increasing`,
      );
    }
    previous = event.recordId;
  }
  return events;
}
