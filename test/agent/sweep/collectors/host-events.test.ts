import { describe, expect, it } from 'vitest';
import type { HypervDriver, ReadEventsRequest } from '../../../../agent/driver/hyperv-driver.js';
import type { HostEvent } from '../../../../agent/model/index.js';
import { collectHostEvents } from '../../../../agent/sweep/collectors/host-events.js';

function event(recordId: number): HostEvent {
  return {
    recordId,
    eventId: 12310,
    provider: 'Microsoft-Windows-Security-SPP',
    time: '2026-11-01T00:00:00.000Z',
    message: '',
    data: {},
  };
}

/** An Application log holding these 12310 record ids; `readEvents` answers as the drivers do. */
function logWith(recordIds: readonly number[], events = true) {
  const requests: ReadEventsRequest[] = [];
  const driver = {
    capabilities: { kvpWrite: true, events, setDataExchange: false, guestExec: false },
    async readEvents(request: ReadEventsRequest) {
      requests.push(request);
      return recordIds
        .filter((id) => id > request.afterRecordId)
        .slice(0, request.max ?? 1000)
        .map(event);
    },
  } as unknown as HypervDriver;
  return { driver, requests };
}

describe('agent/sweep/collectors/host-events', () => {
  it('reads the records after the bookmark in one call', async () => {
    const { driver, requests } = logWith([3, 8, 9]);
    const read = await collectHostEvents(driver, 3);
    expect(read).toEqual({ events: [event(8), event(9)], cleared: false });
    expect(requests).toEqual([{ ids: [12310], afterRecordId: 3, max: 1000 }]);
  });

  it('checks that the bookmarked record still exists when nothing is new', async () => {
    const { driver, requests } = logWith([3, 8]);
    expect(await collectHostEvents(driver, 8)).toEqual({ events: [], cleared: false });
    expect(requests.map((r) => [r.afterRecordId, r.max])).toEqual([
      [8, 1000],
      [7, 1],
    ]);
  });

  it('detects a cleared log (its newest record is below the bookmark) and reads it from the start', async () => {
    const { driver, requests } = logWith([1, 2]);
    expect(await collectHostEvents(driver, 8)).toEqual({ events: [event(1), event(2)], cleared: true });
    expect(requests.map((r) => r.afterRecordId)).toEqual([8, 7, 0]);
  });

  it('detects a cleared log that holds no 12310 yet', async () => {
    const { driver } = logWith([]);
    expect(await collectHostEvents(driver, 8)).toEqual({ events: [], cleared: true });
  });

  it('reads from the start without a bookmark, with no check', async () => {
    const { driver, requests } = logWith([]);
    expect(await collectHostEvents(driver, 0)).toEqual({ events: [], cleared: false });
    expect(requests).toHaveLength(1);
  });

  it('asks nothing of a driver without event support', async () => {
    const { driver, requests } = logWith([5], false);
    expect(await collectHostEvents(driver, 0)).toEqual({ events: [], cleared: false });
    expect(requests).toEqual([]);
  });
});
