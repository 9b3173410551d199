import { afterEach, describe, expect, it } from 'vitest';
import type { ReadEventsRequest } from '../../../agent/driver/hyperv-driver.js';
import type { HostEvent } from '../../../agent/model/index.js';
import { STORE_BACKENDS } from '../store/store-backends.js';
import { type Fleet, fleet, scenario, server } from './sweep-kit.js';

const GUEST = {
  name: 'app01',
  host: 'HV01',
  guestAgent: true,
  guest: server('2022', 'datacenter', 'avma', 'licensed'),
};

function event(recordId: number, time: string): HostEvent {
  return {
    recordId,
    eventId: 12310,
    provider: 'Microsoft-Windows-Security-SPP',
    time,
    message: `request ${recordId} at ${time}`,
    data: {},
  };
}

describe.each(STORE_BACKENDS)('agent/sweep/record-host ($name)', (backend) => {
  let subject: Fleet | null = null;
  afterEach(async () => {
    await subject?.close();
    subject = null;
  });

  it('stores a cleared log’s records in a new epoch: same record ids, nothing taken for a duplicate', async () => {
    subject = await fleet(scenario([GUEST]), {}, await backend.place());
    const driver = subject.drivers[0];
    if (driver === undefined) throw new Error('no driver');
    let log = [event(1, '2026-11-01T00:00:00.000Z'), event(2, '2026-11-01T00:10:00.000Z')];
    driver.readEvents = async (request: ReadEventsRequest) =>
      log.filter((e) => e.recordId > request.afterRecordId).slice(0, request.max);
    await subject.roundAt(15);
    log = [event(1, '2026-11-01T00:20:00.000Z')];
    const cleared = await subject.roundAt(30);
    expect(cleared.hosts[0]?.collectors.every((c) => c.success)).toBe(true);
    const stored = (await subject.store.listEvents({ eventId: 12310 })).map((e) => [e.recordId, e.time]);
    expect(stored).toEqual([
      [1, '2026-11-01T00:00:00.000Z'],
      [2, '2026-11-01T00:10:00.000Z'],
      [1, '2026-11-01T00:20:00.000Z'],
    ]);
    const state = await subject.store.readSweepState();
    expect(state.hosts[0]?.bookmarks).toEqual([{ log: 'Application', recordId: 1, logEpoch: 1 }]);
    await subject.roundAt(45);
    expect((await subject.store.listEvents({ eventId: 12310 })).length).toBe(3);
  });

  it('stores each forwarded 12309 once, however many sweeps see it in the ring, also after a restart', async () => {
    subject = await fleet(scenario([GUEST]), {}, await backend.place());
    await subject.roundAt(0);
    await subject.roundAt(30);
    const freshCache = new (await import('../../../agent/sweep/sweep-cache.js')).SweepCache();
    const { sweepRound } = await import('../../../agent/sweep/sweep-round.js');
    await subject.lab.advanceTo(subject.lab.startTime + 60 * 60_000);
    await sweepRound({
      drivers: subject.drivers,
      store: subject.store,
      at: new Date(subject.lab.now()),
      settings: subject.settings,
      cache: freshCache,
    });
    const guestEvents = await subject.store.listEvents({ eventId: 12309 });
    expect(guestEvents.map((e) => [e.source, e.recordId, e.notification])).toEqual([
      ['guest', 1, 'avma-success'],
    ]);
  });
});
