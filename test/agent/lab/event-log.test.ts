import { describe, expect, it } from 'vitest';
import { LabDriver } from '../../../agent/driver/lab/lab-driver.js';
import { EventLog } from '../../../agent/lab/event-log.js';
import { collectHostEvents } from '../../../agent/sweep/collectors/host-events.js';
import { labOf, server, vm } from './lab-test-kit.js';

function logWith(ids: readonly number[], maxRecords?: number): EventLog {
  const log = new EventLog(maxRecords);
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

  it('keeps the newest records past its maximum, record ids going on, and reads a bookmark older than them as a gap', () => {
    const log = logWith([12310, 1003, 12310, 12310, 1003, 12310], 4);
    expect(log.read([], 0).map((record) => record.recordId)).toEqual([3, 4, 5, 6]);
    expect(log.read([12310], 1).map((record) => record.recordId)).toEqual([3, 4, 6]);
    expect(log.read([12310], 4).map((record) => record.recordId)).toEqual([6]);
    expect(log.read([], 6)).toEqual([]);
    expect(log.firstRecordId).toBe(3);
    expect(
      log.write({ eventId: 1003, provider: 'p', time: '2026-11-01T01:00:00.000Z', message: 'm', data: {} })
        .recordId,
    ).toBe(7);
    expect(log.read([], 0).map((record) => record.recordId)).toEqual([4, 5, 6, 7]);
    // Counts are of every record written, so reports do not shrink when the log wraps.
    expect(log.count(12310)).toBe(4);
    expect(() => new EventLog(0)).toThrow('maxRecords is 0, expected an integer >= 1');
  });

  it("gives the agent's 12310 collector the records kept after its bookmark, not a cleared log, when the host's log wrapped", async () => {
    const guests = ['a', 'b', 'c', 'd', 'e'].map((name) => vm(name, 'HV01', server('2022', 'datacenter')));
    const lab = await labOf({ vms: guests, settings: { eventLogMaxRecords: 3 } });
    const driver = new LabDriver(lab, 'HV01');
    // Five boots asked the host five times; records 1 and 2 were overwritten.
    const behind = await collectHostEvents(driver, 1);
    expect(behind.cleared).toBe(false);
    expect(behind.events.map((event) => [event.recordId, event.data.VirtualMachineName])).toEqual([
      [3, 'c'],
      [4, 'd'],
      [5, 'e'],
    ]);
    expect(await collectHostEvents(driver, 5)).toEqual({ events: [], cleared: false });
  });

  it('refuses a negative bookmark and a max below 1', () => {
    const log = logWith([12310]);
    expect(() => log.read([], -1)).toThrow('afterRecordId is -1, expected an integer >= 0');
    expect(() => log.read([], 0, 0)).toThrow('max is 0, expected an integer >= 1');
  });
});
