import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Store, StoreError, type Transaction } from '../../../agent/store/index.js';
import { type BackendPlace, STORE_BACKENDS } from './store-backends.js';
import { HOST_FACTS, observed, storeWithHosts, vmGuid } from './store-test-kit.js';

const AT = new Date('2026-11-01T00:00:00Z');

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  return error instanceof StoreError ? error.code : `not a StoreError: ${String(error)}`;
}

describe.each(STORE_BACKENDS)('agent/store/store ($name)', (backend) => {
  let place: BackendPlace;
  let store: Store;
  beforeEach(async () => {
    place = await backend.place();
    store = await storeWithHosts(place);
  });
  afterEach(async () => {
    await store.close();
    await place.remove();
  });

  it('rolls back every write of a transaction whose work throws, and rethrows', async () => {
    const failure = new Error('collector failed half-way');
    await expect(
      store.transaction(async (tx) => {
        await tx.upsertVm({ id: vmGuid(1), tenant: 'contoso' }, AT);
        await tx.recordObservation(vmGuid(1), AT, observed());
        await tx.insertEvents([{ source: 'host', origin: 'HV01', recordId: 7, eventId: 12310, time: AT }]);
        throw failure;
      }),
    ).rejects.toBe(failure);
    const { rows } = await store.tableSizes();
    expect([rows.vms, rows.observations, rows.events]).toEqual([0, 0, 0]);
  });

  it('runs concurrent transactions one after the other, so no update is lost', async () => {
    // Each transaction reads the bookmark, yields, then writes it + 10: interleaved, both would write 10.
    const bump = (tx: Transaction) =>
      tx.getBookmark('HV01', 'Application').then(async (current) => {
        await sleep(5);
        await tx.setBookmark('HV01', 'Application', current.recordId + 10, AT);
      });
    await Promise.all([store.transaction(bump), store.transaction(bump), store.transaction(bump)]);
    const final = await store.transaction((tx) => tx.getBookmark('HV01', 'Application'));
    expect(final.recordId).toBe(30);
  });

  it('refuses to use the store inside one of its own transactions instead of deadlocking', async () => {
    const code = await codeOf(store.transaction(() => store.listVmStatus()));
    expect(code).toBe('INVALID_ARGUMENT');
    // The store is still usable afterwards.
    expect(await store.listVmStatus()).toEqual([]);
  });

  it('still refuses a nested call after another store went idle during the transaction', async () => {
    // The guard's async context tracking is switched off only when every store's queue is idle.
    const other = await place.open({}, 'other.db');
    try {
      let release = () => {};
      const gate = new Promise<void>((resolve) => {
        release = resolve;
      });
      const nested = codeOf(
        store.transaction(async () => {
          await gate;
          await sleep(5);
          return store.listVmStatus();
        }),
      );
      expect(await other.listVmStatus()).toEqual([]);
      release();
      expect(await nested).toBe('INVALID_ARGUMENT');
    } finally {
      await other.close();
    }
  });

  it('rejects a transaction object used after its transaction ended', async () => {
    let kept: Transaction | undefined;
    await store.transaction(async (tx) => {
      kept = tx;
    });
    expect(await codeOf(kept?.upsertHost('HV02', AT) ?? Promise.resolve())).toBe('CLOSED');
  });

  it('keeps working after a failed transaction', async () => {
    await store.transaction(() => Promise.reject(new Error('boom'))).catch(() => undefined);
    await store.transaction(async (tx) => {
      await tx.upsertVm({ id: vmGuid(2), tenant: null }, AT);
    });
    expect((await store.tableSizes()).rows.vms).toBe(1);
  });

  it('rejects work after close with CLOSED, and closing twice is harmless', async () => {
    const other = await place.open({}, 'other.db');
    await other.close();
    await other.close();
    expect(await codeOf(other.listVmStatus())).toBe('CLOSED');
    expect(await codeOf(other.transaction(async () => undefined))).toBe('CLOSED');
  });

  it('waits for queued transactions before closing', async () => {
    const other = await place.open({}, 'queued.db');
    const pending = other.transaction(async (tx) => {
      await sleep(20);
      await tx.upsertHost('HV09', AT);
      await tx.recordHostFacts('HV09', AT, HOST_FACTS);
    });
    await other.close();
    await pending;
    const reopened = await place.open({ readOnly: true }, 'queued.db');
    expect((await reopened.tableSizes()).rows.host_facts).toBe(1);
    await reopened.close();
  });
});
