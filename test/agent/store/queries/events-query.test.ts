import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../../../../agent/store/index.js';
import { type BackendPlace, STORE_BACKENDS } from '../store-backends.js';
import { storeWithHosts, vmGuid } from '../store-test-kit.js';

const AT = new Date('2026-11-05T10:00:00Z');
const minutes = (n: number) => new Date(AT.getTime() + n * 60_000);

describe.each(STORE_BACKENDS)('agent/store/queries/events-query ($name)', (backend) => {
  let place: BackendPlace;
  let store: Store;
  beforeEach(async () => {
    place = await backend.place();
    store = await storeWithHosts(place);
    await store.transaction(async (tx) => {
      for (const n of [1, 2]) {
        await tx.upsertVm({ id: vmGuid(n), tenant: null }, AT);
        await tx.recordVmName(vmGuid(n), AT, `vm${n}`);
      }
      // Inserted out of time order: listing must still be oldest first.
      await tx.recordHostEvents(
        'HV01',
        'Application',
        [{ recordId: 20, eventId: 12310, time: minutes(5), vm: vmGuid(2) }],
        AT,
      );
      await tx.insertEvents([
        {
          source: 'guest',
          origin: vmGuid(1),
          recordId: 3,
          eventId: 12309,
          time: minutes(2),
          vm: vmGuid(1),
          notification: 'avma-success',
          hresult: '0x00000000',
        },
        {
          source: 'guest',
          origin: vmGuid(2),
          recordId: 3,
          eventId: 12309,
          time: minutes(1),
          vm: vmGuid(2),
          notification: 'invalid-host',
          hresult: '0xC004FD01',
        },
      ]);
    });
  });
  afterEach(async () => {
    await store.close();
    await place.remove();
  });

  it('lists events oldest first, across sources', async () => {
    const events = await store.listEvents();
    expect(events.map((e) => [e.time, e.source, e.vm, e.host])).toEqual([
      ['2026-11-05T10:01:00.000Z', 'guest', 'vm2', null],
      ['2026-11-05T10:02:00.000Z', 'guest', 'vm1', null],
      ['2026-11-05T10:05:00.000Z', 'host', 'vm2', 'HV01'],
    ]);
  });

  it('pages newest first when asked, with the same filters', async () => {
    const first = await store.listEventsPage({}, null, 2, 'newest-first');
    expect(first.rows.map((e) => e.time.slice(14, 16))).toEqual(['05', '02']);
    const rest = await store.listEventsPage({}, first.next, 2, 'newest-first');
    expect(rest.rows.map((e) => e.time.slice(14, 16))).toEqual(['01']);
    const guests = await store.listEventsPage({ source: 'guest' }, null, 10, 'newest-first');
    expect(guests.rows.map((e) => e.vm)).toEqual(['vm1', 'vm2']);
  });

  it('filters by event id and by VM name or GUID', async () => {
    expect((await store.listEvents({ eventId: 12310 })).map((e) => e.recordId)).toEqual([20]);
    expect((await store.listEvents({ vm: 'VM2' })).map((e) => e.eventId)).toEqual([12309, 12310]);
    expect((await store.listEvents({ vm: vmGuid(1).toUpperCase() })).map((e) => e.notification)).toEqual([
      'avma-success',
    ]);
    expect(await store.listEvents({ vm: 'nobody' })).toEqual([]);
  });

  it('pages through events by (time, id): every event once, in order, pages of the size asked', async () => {
    // Two more events at the same instant as an existing one: the id breaks the tie across pages.
    await store.transaction((tx) =>
      tx.recordHostEvents(
        'HV01',
        'Application',
        [
          { recordId: 21, eventId: 12310, time: minutes(2), vm: vmGuid(1) },
          { recordId: 22, eventId: 12310, time: minutes(2), vm: vmGuid(2) },
        ],
        AT,
      ),
    );
    const pages: string[][] = [];
    for await (const page of store.eventPages({}, 2)) {
      pages.push(page.map((e) => `${e.time.slice(14, 16)}:${e.source}:${e.recordId}`));
    }
    expect(pages).toEqual([['01:guest:3', '02:guest:3'], ['02:host:21', '02:host:22'], ['05:host:20']]);
    const first = await store.listEventsPage({}, null, 5);
    expect(first.rows).toHaveLength(5);
    expect(first.next).not.toBeNull();
    expect((await store.listEventsPage({}, first.next, 5)).rows).toEqual([]);
    await expect(store.listEventsPage({}, null, 0)).rejects.toThrow('pageSize is 0, expected an integer 1..');
  });

  it('filters by time: --since inclusive, --until exclusive', async () => {
    const times = async (since?: Date, until?: Date) =>
      (
        await store.listEvents({
          ...(since === undefined ? {} : { since }),
          ...(until === undefined ? {} : { until }),
        })
      ).map((e) => e.time.slice(14, 16));
    expect(await times(minutes(2))).toEqual(['02', '05']);
    expect(await times(undefined, minutes(5))).toEqual(['01', '02']);
    expect(await times(minutes(2), minutes(3))).toEqual(['02']);
    expect(await times(minutes(6))).toEqual([]);
  });
});
