/**
 * The rows a sweep keeps between transactions (agent/store/repos/open-rows.ts): a steady sweep does not
 * read them again, and whatever else writes them (another process, this store's per-VM methods, a
 * rolled-back sweep) is seen by the next sweep, which decides against what is stored. PostgreSQL keeps
 * nothing, so there the same checks show its sweeps read every row.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Connection } from '../../../../agent/store/connection.js';
import type { ObservationFields, Store, SweepVm } from '../../../../agent/store/index.js';
import { type BackendPlace, STORE_BACKENDS } from '../store-backends.js';
import { HOST_FACTS, observed, storeWithHosts, vmGuid } from '../store-test-kit.js';

const START = new Date('2026-11-01T00:00:00Z');
const STALE_AFTER_MS = 3 * 3_600_000;
const { host: _host, ...STEADY } = observed();
const ITEMS = [{ name: 'OSBuildNumber', data: '17763' }];

function entry(
  n: number,
  name = `vm-${n}`,
  items = ITEMS,
  guest: Omit<ObservationFields, 'host'> = STEADY,
): SweepVm {
  return { vm: { id: vmGuid(n), tenant: 'tenant-a' }, name, observation: guest, kvp: { intrinsic: items } };
}

const minutes = (n: number) => new Date(START.getTime() + n * 60_000);

/** A host's sweep as the agent records it: host, facts, VMs, in one transaction. */
function sweep(store: Store, at: Date, vms: readonly SweepVm[]) {
  return store.transaction(async (tx) => {
    await tx.upsertHost('HV01', at);
    await tx.recordHostFacts('HV01', at, HOST_FACTS);
    return tx.recordSweep('HV01', at, vms);
  });
}

/** Two sweeps: the first writes the VMs' first rows, the second reads (and keeps) them. */
async function settled(store: Store, vms: readonly SweepVm[]): Promise<void> {
  await sweep(store, minutes(0), vms);
  await sweep(store, minutes(1), vms);
}

describe.each(STORE_BACKENDS)('agent/store/repos/open-rows ($name)', (backend) => {
  let place: BackendPlace;
  let store: Store;
  beforeEach(async () => {
    place = await backend.place();
    store = await storeWithHosts(place, ['HV01'], START, { staleAfterMs: STALE_AFTER_MS });
  });
  afterEach(async () => {
    vi.restoreAllMocks();
    await store.close();
    await place.remove();
  });

  it.runIf(backend.name === 'sqlite')(
    'a steady sweep reads no open name, interval, pool hash or facts once it has read them',
    async () => {
      const vms = [entry(1), entry(2)];
      await settled(store, vms);
      const statements: string[] = [];
      const seen = (sql: string) => statements.push(sql.replace(/\s+/g, ' '));
      const { all, get, run } = Connection.prototype;
      vi.spyOn(Connection.prototype, 'all').mockImplementation(function (this: Connection, sql, params) {
        seen(sql);
        return all.call(this, sql, params);
      });
      vi.spyOn(Connection.prototype, 'get').mockImplementation(function (this: Connection, sql, params) {
        seen(sql);
        return get.call(this, sql, params);
      });
      vi.spyOn(Connection.prototype, 'run').mockImplementation(function (this: Connection, sql, params) {
        seen(sql);
        return run.call(this, sql, params);
      });
      const summary = await sweep(store, minutes(2), vms);
      expect(summary.observations.unchanged).toBe(2);
      expect(statements.filter((sql) => sql.startsWith('SELECT'))).toEqual([]);
    },
  );

  it('sees a rename and a pool another process wrote between two sweeps, and writes them back', async () => {
    await settled(store, [entry(1)]);
    const operator = await place.open();
    await operator.transaction(async (tx) => {
      await tx.recordVmName(vmGuid(1), minutes(2), 'renamed-elsewhere');
      await tx.recordKvp(vmGuid(1), 'intrinsic', [{ name: 'OSBuildNumber', data: '1' }], minutes(2));
    });
    await operator.close();
    const summary = await sweep(store, minutes(3), [entry(1)]);
    expect(summary).toMatchObject({ renamed: 1, kvpWritten: 1 });
    const [status] = await store.listVmStatus();
    expect(status?.name).toBe('vm-1');
    expect(await store.transaction((tx) => tx.readKvp(vmGuid(1), 'intrinsic'))).toEqual(ITEMS);
  });

  it('sees an interval another process closed, even in a transaction that upserts no host first', async () => {
    await settled(store, [entry(1)]);
    const operator = await place.open();
    await operator.transaction((tx) => tx.markVmDeleted(vmGuid(1), minutes(2)));
    await operator.close();
    const summary = await store.transaction((tx) => tx.recordSweep('HV01', minutes(3), [entry(1)]));
    expect(summary.observations).toEqual({ opened: 1, unchanged: 0, changed: 0, resumed: 0 });
  });

  it("sees what this store's per-VM methods wrote in a transaction of their own", async () => {
    await settled(store, [entry(1)]);
    await store.transaction((tx) =>
      tx.recordKvp(vmGuid(1), 'intrinsic', [{ name: 'OSBuildNumber', data: '1' }], minutes(2)),
    );
    expect((await sweep(store, minutes(3), [entry(1)])).kvpWritten).toBe(1);
    expect(await store.transaction((tx) => tx.readKvp(vmGuid(1), 'intrinsic'))).toEqual(ITEMS);
  });

  it('decides against what a per-VM method wrote earlier in the same transaction', async () => {
    await settled(store, [entry(1)]);
    const summary = await store.transaction(async (tx) => {
      await tx.markVmDeleted(vmGuid(1), minutes(2));
      return tx.recordSweep('HV01', minutes(3), [entry(1)]);
    });
    expect(summary.observations).toEqual({ opened: 1, unchanged: 0, changed: 0, resumed: 0 });
  });

  it('decides against what is stored after a sweep was rolled back, not against what it wrote', async () => {
    await settled(store, [entry(1)]);
    const changedPool = [{ name: 'OSBuildNumber', data: '20348' }];
    // Seen again at 90 minutes with a new pool, then rolled back: the table keeps last_seen 1 and the old pool.
    await expect(
      store.transaction(async (tx) => {
        await tx.upsertHost('HV01', minutes(90));
        await tx.recordSweep('HV01', minutes(90), [entry(1, 'vm-1', changedPool)]);
        throw new Error('failed after the sweep');
      }),
    ).rejects.toThrow('failed after the sweep');
    // 190 minutes: more than the 180 stale minutes after the stored sighting, fewer after the rolled-back one.
    const summary = await sweep(store, minutes(190), [entry(1, 'vm-1', changedPool)]);
    expect(summary.observations).toEqual({ opened: 0, unchanged: 0, changed: 0, resumed: 1 });
    expect(summary.kvpWritten).toBe(1);
    expect(await store.transaction((tx) => tx.readKvp(vmGuid(1), 'intrinsic'))).toEqual(changedPool);
  });

  it('moves the bookmark from where another process left it', async () => {
    const events = (from: number, to: number) =>
      Array.from({ length: to - from + 1 }, (_, i) => ({
        recordId: from + i,
        eventId: 12310,
        time: minutes(from + i),
        vm: null,
        host: 'HV01',
        message: `record ${from + i}`,
      }));
    await store.transaction((tx) => tx.recordHostEvents('HV01', 'Hyper-V', events(1, 3), minutes(3)));
    const operator = await place.open();
    await operator.transaction((tx) => tx.restartBookmark('HV01', 'Hyper-V', minutes(4)));
    await operator.close();
    await store.transaction((tx) => tx.recordHostEvents('HV01', 'Hyper-V', events(1, 2), minutes(5)));
    expect(await store.transaction((tx) => tx.getBookmark('HV01', 'Hyper-V'))).toEqual({
      recordId: 2,
      logEpoch: 1,
    });
  });
});
