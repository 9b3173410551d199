import { describe, expect, it } from 'vitest';
import { EventLog } from '../../../agent/lab/event-log.js';

function logWith(ids: readonly number[]): EventLog {
  const log = new EventLog();
  ids.forEach((eventId, index) => {
    log.write({
      eventId,
      provider: 'Microsoft-Windows-Security-SPP',
      time: `2026-11-01T00:0${index}:00.000Z`,
      message: `m${index}`,
      data: {},
    });
  });
  return log;
}

describe('agent/lab/event-log', () => {
  it('numbers records from 1 in the order they are written', () => {
    const log = logWith([12310, 1003, 12310]);
    expect(log.read([], 0).map((record) => [record.recordId, record.eventId])).toEqual([
      [1, 12310],
      [2, 1003],
      [3, 12310],
    ]);
  });

  it('returns only the asked ids after the bookmark, oldest first, at most max', () => {
    const log = logWith([12310, 1003, 12310, 12310, 1003, 12310]);
    expect(log.read([12310], 1).map((record) => record.recordId)).toEqual([3, 4, 6]);
    expect(log.read([12310], 1, 2).map((record) => record.recordId)).toEqual([3, 4]);
    expect(log.read([12310], 6)).toEqual([]);
    expect(log.count(1003)).toBe(2);
  });

  it('refuses a negative bookmark and a max below 1', () => {
    const log = logWith([12310]);
    expect(() => log.read([], -1)).toThrow('afterRecordId is -1, expected an integer >= 0');
    expect(() => log.read([], 0, 0)).toThrow('max is 0, expected an integer >= 1');
  });
});
