import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EventInput, HostEventInput, Store } from '../../../../agent/store/index.js';
import { type BackendPlace, STORE_BACKENDS } from '../store-backends.js';
import { storeWithHosts, vmGuid } from '../store-test-kit.js';

const AT = new Date('2026-11-05T10:00:00Z');
const VM = vmGuid(5);
const LOG = 'Application';

/** Host event 12310 as the driver reads it; record ids from the host's Application log. */
function hostEvent(recordId: number, minute = recordId): HostEventInput {
  return {
    recordId,
    eventId: 12310,
    time: new Date(AT.getTime() + minute * 60_000),
    vm: VM,
    message: 'Guest activation request received',
  };
}

describe.each(STORE_BACKENDS)('agent/store/repos/events-repo ($name)', (backend) => {
  let place: BackendPlace;
  let store: Store;
  beforeEach(async () => {
    place = await backend.place();
    store = await storeWithHosts(place);
    await store.transaction(async (tx) => {
      await tx.upsertVm({ id: VM, tenant: 'contoso' }, AT);
      await tx.recordVmName(VM, AT, 'web01');
    });
  });
  afterEach(async () => {
    await store.close();
    await place.remove();
  });

  it('stores a duplicate event once and reports it as not inserted, without an error', async () => {
    const guest: EventInput = {
      source: 'guest',
      origin: VM.toUpperCase(),
      recordId: 4711,
      eventId: 12309,
      time: AT,
      vm: VM,
      notification: 'activation-denied',
      hresult: '0xc004fd03',
    };
    expect(await store.transaction((tx) => tx.insertEvents([guest]))).toBe(1);
    // Same event forwarded again after a guest agent restart, with the GUID spelled in lower case.
    expect(await store.transaction((tx) => tx.insertEvents([{ ...guest, origin: VM }]))).toBe(0);
    const events = await store.listEvents();
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ source: 'guest', hresult: '0xC004FD03', vm: 'web01', vmId: VM });
  });

  it('stores the events of one call in their order, a duplicate within the call once, text as bound', async () => {
    const guest = (recordId: number, message: string): EventInput => ({
      source: 'guest',
      origin: VM,
      recordId,
      eventId: 12309,
      time: AT,
      vm: VM,
      message,
    });
    // One call is one batched statement: order, in-call duplicates and odd text must fare as row by row.
    const batch = [
      guest(30, 'third\u0001'),
      guest(10, 'lone \uD800 surrogate'),
      guest(30, 'again'),
      guest(20, ''),
    ];
    expect(await store.transaction((tx) => tx.insertEvents(batch))).toBe(3);
    const events = await store.listEvents();
    expect(events.map((event) => [event.recordId, event.message])).toEqual([
      [30, 'third\u0001'],
      [10, 'lone \uFFFD surrogate'],
      [20, ''],
    ]);
  });

  it('advances the bookmark to the newest record in the same transaction as the events', async () => {
    const inserted = await store.transaction((tx) =>
      tx.recordHostEvents('HV01', LOG, [hostEvent(101), hostEvent(102), hostEvent(105)], AT),
    );
    expect(inserted).toBe(3);
    expect(await store.transaction((tx) => tx.getBookmark('HV01', LOG))).toEqual({
      recordId: 105,
      logEpoch: 0,
    });
  });

  it('a read with no new record leaves the bookmark as it was, and still refuses an unknown host', async () => {
    await store.transaction((tx) => tx.recordHostEvents('HV01', LOG, [hostEvent(7)], AT));
    expect(await store.transaction((tx) => tx.recordHostEvents('HV01', LOG, [], AT))).toBe(0);
    expect(await store.transaction((tx) => tx.getBookmark('HV01', LOG))).toEqual({
      recordId: 7,
      logEpoch: 0,
    });
    await expect(store.transaction((tx) => tx.recordHostEvents('HV99', LOG, [], AT))).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    await expect(store.transaction((tx) => tx.recordHostEvents('HV01', '', [], AT))).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
  });

  it('leaves neither the events nor the bookmark behind when the transaction fails', async () => {
    await store
      .transaction(async (tx) => {
        await tx.recordHostEvents('HV01', LOG, [hostEvent(201), hostEvent(202)], AT);
        throw new Error('sweep killed before commit');
      })
      .catch(() => undefined);
    expect(await store.listEvents()).toEqual([]);
    expect(await store.transaction((tx) => tx.getBookmark('HV01', LOG))).toEqual({
      recordId: 0,
      logEpoch: 0,
    });
  });

  it('re-reading events already stored after a crash stores each exactly once', async () => {
    await store.transaction((tx) => tx.recordHostEvents('HV01', LOG, [hostEvent(1), hostEvent(2)], AT));
    // The driver returns an overlapping window (bookmark lost elsewhere): nothing is stored twice.
    const inserted = await store.transaction((tx) =>
      tx.recordHostEvents('HV01', LOG, [hostEvent(2), hostEvent(3)], AT),
    );
    expect(inserted).toBe(1);
    expect((await store.listEvents()).map((e) => e.recordId)).toEqual([1, 2, 3]);
  });

  it('stores events with reused record ids after a cleared log, in a new epoch', async () => {
    await store.transaction((tx) => tx.recordHostEvents('HV01', LOG, [hostEvent(1), hostEvent(2)], AT));
    const restarted = await store.transaction((tx) => tx.restartBookmark('HV01', LOG, AT));
    expect(restarted).toEqual({ recordId: 0, logEpoch: 1 });
    const inserted = await store.transaction((tx) =>
      tx.recordHostEvents('HV01', LOG, [hostEvent(1, 60), hostEvent(2, 61)], AT),
    );
    expect(inserted).toBe(2);
    expect(await store.listEvents({ eventId: 12310 })).toHaveLength(4);
  });

  it('refuses to move a bookmark backwards', async () => {
    await store.transaction((tx) => tx.setBookmark('HV01', LOG, 50, AT));
    await expect(store.transaction((tx) => tx.setBookmark('HV01', LOG, 10, AT))).rejects.toThrow(
      'recordId is 10, expected at least the bookmark 50; use restartBookmark after a cleared log',
    );
  });

  it.each([
    ['an HRESULT that is not 8 hex digits', { hresult: '0xC004FD' }, 'events[0].hresult is "0xC004FD"'],
    [
      'an event id above 65535',
      { eventId: 70_000 },
      'events[0].eventId is 70000, expected an integer 0..65535',
    ],
    ['a negative record id', { recordId: -1 }, 'events[0].recordId is -1'],
    ['an unknown notification', { notification: 'pwned' }, 'events[0].notification is "pwned"'],
    ['a 5,000-character message', { message: 'm'.repeat(5000) }, 'at most 4096 characters'],
    [
      'a guest origin that is not a GUID',
      { origin: 'web01' },
      'events[0].origin is "web01", expected a GUID',
    ],
  ])('rejects %s, storing none of the batch', async (_what, override, message) => {
    const good: EventInput = { source: 'guest', origin: VM, recordId: 1, eventId: 12309, time: AT, vm: VM };
    const bad = { ...good, recordId: 2, ...override } as EventInput;
    await expect(store.transaction((tx) => tx.insertEvents([bad, good]))).rejects.toThrow(message);
    expect(await store.listEvents()).toEqual([]);
  });
});
