import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../../../../agent/store/index.js';
import { storeWithHosts, type TempDir, tempDir, vmGuid } from '../store-test-kit.js';

const AT = new Date('2026-11-05T10:00:00Z');
const minutes = (n: number) => new Date(AT.getTime() + n * 60_000);

describe('agent/store/queries/events-query', () => {
  let dir: TempDir;
  let store: Store;
  beforeEach(async () => {
    dir = await tempDir();
    store = await storeWithHosts(dir);
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
    await dir.remove();
  });

  it('lists events oldest first, across sources', async () => {
    const events = await store.listEvents();
    expect(events.map((e) => [e.time, e.source, e.vm, e.host])).toEqual([
      ['2026-11-05T10:01:00.000Z', 'guest', 'vm2', null],
      ['2026-11-05T10:02:00.000Z', 'guest', 'vm1', null],
      ['2026-11-05T10:05:00.000Z', 'host', 'vm2', 'HV01'],
    ]);
  });

  it('filters by event id and by VM name or GUID', async () => {
    expect((await store.listEvents({ eventId: 12310 })).map((e) => e.recordId)).toEqual([20]);
    expect((await store.listEvents({ vm: 'VM2' })).map((e) => e.eventId)).toEqual([12309, 12310]);
    expect((await store.listEvents({ vm: vmGuid(1).toUpperCase() })).map((e) => e.notification)).toEqual([
      'avma-success',
    ]);
    expect(await store.listEvents({ vm: 'nobody' })).toEqual([]);
  });

  it('stops at the limit, keeping the oldest', async () => {
    expect((await store.listEvents({ limit: 1 })).map((e) => e.hresult)).toEqual(['0xC004FD01']);
    await expect(store.listEvents({ limit: 0 })).rejects.toThrow('limit is 0, expected an integer 1..100000');
  });
});
