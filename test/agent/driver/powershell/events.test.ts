import { describe, expect, it } from 'vitest';
import type { DriverError } from '../../../../agent/driver/driver-error.js';
import { eventsFromList, MAX_EVENT_MESSAGE_CHARS } from '../../../../agent/driver/powershell/events.js';
import { recordedOk } from './replaying-runner.js';

const list = recordedOk('read-events.recording.json', 'read-events') as { Events: Record<string, unknown>[] };
const request = { ids: [12310], afterRecordId: 0 };
const first = list.Events[0] as Record<string, unknown>;

function badResponse(value: unknown, req = request, max = 1000): string {
  try {
    eventsFromList(value, req, max);
  } catch (error) {
    expect((error as DriverError).code).toBe('BAD_RESPONSE');
    return (error as DriverError).message;
  }
  throw new Error('expected BAD_RESPONSE');
}

describe('agent/driver/powershell/events', () => {
  it('reads the recorded 12310 events oldest first with numeric ids and UTC times', () => {
    const events = eventsFromList(list, request, 1000);
    expect(events.map((event) => event.recordId)).toEqual([4711, 4716, 4790, 4802]);
    expect(events[0]).toEqual({
      recordId: 4711,
      eventId: 12310,
      provider: 'Microsoft-Windows-Security-SPP',
      time: '2026-11-01T00:05:12.123Z',
      message: '',
      data: { '0': 'DemoVM' },
    });
  });

  it('refuses an answer to another question: an id not asked for, a record at or below the bookmark, a repeat', () => {
    expect(badResponse({ Events: [{ ...first, EventId: '12309' }] })).toContain(
      'event id 12309 was not asked for',
    );
    expect(badResponse(list, { ids: [12310], afterRecordId: 4711 })).toContain('record 4711 after 4711');
    expect(badResponse({ Events: [first, first] })).toContain('record 4711 after 4711');
    expect(badResponse(list, request, 3)).toContain('4 events; expected at most 3');
  });

  it('refuses record ids beyond 2^53 and times that are not dates', () => {
    expect(badResponse({ Events: [{ ...first, RecordId: '9007199254740993' }] })).toContain('beyond 2^53');
    expect(badResponse({ Events: [{ ...first, TimeCreated: '\\/Date(1326441600000)\\/' }] })).toContain(
      'TimeCreated',
    );
    expect(badResponse({ Events: [{ ...first, RecordId: 4711 }] })).toContain('Events.0.RecordId');
  });

  it('keeps a data name like __proto__ as plain data and cuts over-long messages', () => {
    const hostile = {
      ...first,
      Message: 'm'.repeat(MAX_EVENT_MESSAGE_CHARS + 10),
      Data: [{ Name: '__proto__', Value: 'x' }],
    };
    const [event] = eventsFromList({ Events: [hostile] }, request, 10);
    expect(Object.getPrototypeOf(event?.data)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(event?.data, '__proto__')?.value).toBe('x');
    expect(event?.message).toHaveLength(MAX_EVENT_MESSAGE_CHARS + 1);
    expect(event?.message.endsWith('…')).toBe(true);
  });
});
