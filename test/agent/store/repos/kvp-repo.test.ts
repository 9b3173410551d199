import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { KvpItemRecord, Store } from '../../../../agent/store/index.js';
import { type BackendPlace, rawQuery, STORE_BACKENDS } from '../store-backends.js';
import { hoursAfter, storeWithHosts, vmGuid } from '../store-test-kit.js';

const START = new Date('2026-11-01T00:00:00Z');
const VM = vmGuid(3);
/** Intrinsic items a Windows Server 2019 guest reports (names from the KVP data exchange). */
const INTRINSIC: KvpItemRecord[] = [
  { name: 'OSName', data: 'Windows Server 2019 Standard' },
  { name: 'OSBuildNumber', data: '17763' },
  { name: 'ProductType', data: '3' },
];

describe.each(STORE_BACKENDS)('agent/store/repos/kvp-repo ($name)', (backend) => {
  let place: BackendPlace;
  let store: Store;
  beforeEach(async () => {
    place = await backend.place();
    store = await storeWithHosts(place);
    await store.transaction((tx) => tx.upsertVm({ id: VM, tenant: null }, START));
  });
  afterEach(async () => {
    await store.close();
    await place.remove();
  });

  const record = (items: KvpItemRecord[], at = START) =>
    store.transaction((tx) => tx.recordKvp(VM, 'intrinsic', items, at));

  it('rewrites a pool only when its items change, whatever order Hyper-V lists them in', async () => {
    expect(await record(INTRINSIC)).toBe(true);
    expect(await record([...INTRINSIC].reverse(), hoursAfter(START, 1))).toBe(false);
    const changed = [...INTRINSIC.slice(0, 2), { name: 'ProductType', data: '2' }];
    expect(await record(changed, hoursAfter(START, 2))).toBe(true);
    expect(await store.transaction((tx) => tx.readKvp(VM, 'intrinsic'))).toEqual([
      { name: 'OSBuildNumber', data: '17763' },
      { name: 'OSName', data: 'Windows Server 2019 Standard' },
      { name: 'ProductType', data: '2' },
    ]);
    expect((await store.tableSizes()).rows.kvp_latest).toBe(1);
  });

  it('writes only the items that changed: the others keep their rows', async () => {
    const ring = Array.from({ length: 8 }, (_, i) => ({
      name: `AvmaAgent.Event.${i}`,
      data: `{"seq":${i}}`,
    }));
    const status = (at: number) => ({ name: 'AvmaAgent.Status', data: `{"at":${at}}` });
    const guest = (items: KvpItemRecord[], at: Date) =>
      store.transaction((tx) => tx.recordKvp(VM, 'guest', items, at));
    const rows = () =>
      rawQuery(place, "SELECT id, name, data FROM kvp_items WHERE pool = 'guest' ORDER BY id");
    await guest([status(1), ...ring], START);
    const before = await rows();
    expect(await guest([...ring.slice(1), status(2)], hoursAfter(START, 1))).toBe(true);
    const after = await rows();
    expect(after).toHaveLength(8);
    // Event 0 went and the status changed in place; every other row is the one written first.
    expect(after.filter((row) => before.some((b) => b.id === row.id && b.data === row.data))).toHaveLength(7);
    expect(after.find((row) => row.name === 'AvmaAgent.Status')?.data).toBe('{"at":2}');
    const updated = await rawQuery(place, "SELECT updated_at FROM kvp_latest WHERE pool = 'guest'");
    expect(updated).toEqual([{ updated_at: hoursAfter(START, 1).getTime() }]);
  });

  it('keeps pools apart', async () => {
    await record(INTRINSIC);
    await store.transaction((tx) =>
      tx.recordKvp(VM, 'guest', [{ name: 'AvmaAgent.Status', data: '{}' }], START),
    );
    expect(await store.transaction((tx) => tx.readKvp(VM, 'host'))).toBeNull();
    expect((await store.tableSizes()).rows.kvp_latest).toBe(2);
  });

  it('stores hostile item text as data, NUL included', async () => {
    const hostile = [{ name: 'AvmaAgent.Status', data: `{"v":1}\0'); DROP TABLE vms; --` }];
    await store.transaction((tx) => tx.recordKvp(VM, 'guest', hostile, START));
    expect(await store.transaction((tx) => tx.readKvp(VM, 'guest'))).toEqual(hostile);
  });

  it.each([
    ['a value over 8192 characters', [{ name: 'x', data: 'd'.repeat(8193) }], 'items[0].data is'],
    [
      '1025 items',
      Array.from({ length: 1025 }, (_, i) => ({ name: `k${i}`, data: '' })),
      'at most 1024 items',
    ],
    ['an item without data', [{ name: 'x' }], 'items[0].data is undefined'],
  ])('rejects %s', async (_what, items, message) => {
    await expect(record(items as KvpItemRecord[])).rejects.toThrow(message);
  });

  it('rejects an unknown pool', async () => {
    await expect(
      store.transaction((tx) => tx.recordKvp(VM, 'external' as 'host', INTRINSIC, START)),
    ).rejects.toThrow('pool is "external", expected one of intrinsic, guest, host');
  });
});
