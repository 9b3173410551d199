// Migration 7 (PostgreSQL 2) on a database written before it: every stored pool's items, exactly.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type KvpItemRecord, MIGRATIONS, type Store, StoreError } from '../../../../agent/store/index.js';
import { PG_MIGRATIONS } from '../../../../agent/store/pg/migrations/index.js';
import { type BackendPlace, rawQuery, STORE_BACKENDS } from '../store-backends.js';
import { vmGuid } from '../store-test-kit.js';

const START = new Date('2026-11-01T00:00:00Z');
const UPDATED_AT = START.getTime() + 5_000;

/** What the store before migration 7 wrote: canonical JSON (sorted, lone surrogates escaped by JSON.stringify). */
const POOLS: Record<string, KvpItemRecord[]> = {
  intrinsic: [
    { name: 'FullyQualifiedDomainName', data: 'app01.contoso.example' },
    { name: 'OSName', data: 'Windows Server 2022 Datacenter' },
  ],
  // A hostile guest: a name written twice, a lone surrogate, a NUL, the stored-name marker.
  guest: [
    { name: 'AvmaAgent.Status', data: '{"v":1}' },
    { name: 'Dup', data: 'a' },
    { name: 'Dup', data: 'b' },
    { name: 'Lone\uD800', data: 'x\uDC00y\0z' },
    { name: '\uFFFFmarked', data: '\\u0041' },
  ],
  host: [],
};

/** The migrations before the kvp_items one, per backend. */
const BEFORE = {
  sqlite: MIGRATIONS.filter((m) => m.version < 7),
  postgres: PG_MIGRATIONS.filter((m) => m.version < 2),
};

describe.each(STORE_BACKENDS)('agent/store/migrations/kvp-items-conversion ($name)', (backend) => {
  let place: BackendPlace;
  let store: Store | undefined;
  beforeEach(async () => {
    place = await backend.place();
  });
  afterEach(async () => {
    await store?.close();
    await place.remove();
  });

  /** A database at the schema before kvp_items, holding VM 1 with `pools` as that schema stored them. */
  async function oldDatabase(pools: Record<string, string>): Promise<void> {
    const old = await place.open({ migrations: BEFORE[backend.name] });
    await old.transaction((tx) => tx.upsertVm({ id: vmGuid(1), tenant: null }, START));
    await old.close();
    const raw = await place.raw();
    try {
      for (const [pool, items] of Object.entries(pools)) {
        await raw.run(
          {
            sqlite: 'INSERT INTO kvp_latest (vm_id, pool, items, sha256, updated_at) VALUES (1, ?, ?, ?, ?)',
            postgres:
              'INSERT INTO kvp_latest (vm_id, pool, items, sha256, updated_at) VALUES (1, $1, $2, $3, $4)',
          },
          [pool, items, 'f'.repeat(64), UPDATED_AT],
        );
      }
    } finally {
      await raw.close();
    }
  }

  it('moves every item into kvp_items, exactly as the guest wrote it, and keeps when each pool changed', async () => {
    await oldDatabase(
      Object.fromEntries(Object.entries(POOLS).map(([pool, items]) => [pool, JSON.stringify(items)])),
    );
    store = await place.open();
    const read = await store.transaction(async (tx) => ({
      intrinsic: await tx.readKvp(vmGuid(1), 'intrinsic'),
      guest: await tx.readKvp(vmGuid(1), 'guest'),
      host: await tx.readKvp(vmGuid(1), 'host'),
    }));
    expect(read).toEqual(POOLS);
    expect((await store.tableSizes()).rows).toMatchObject({ kvp_latest: 3, kvp_items: 7 });
    const columns = await rawQuery(place, {
      sqlite: "SELECT name FROM pragma_table_info('kvp_latest') ORDER BY cid",
      postgres:
        "SELECT column_name AS name FROM information_schema.columns WHERE table_name = 'kvp_latest' ORDER BY ordinal_position",
    });
    expect(columns.map((c) => c.name)).toEqual(['id', 'vm_id', 'pool', 'updated_at']);
    expect(await rawQuery(place, 'SELECT DISTINCT updated_at FROM kvp_latest')).toEqual([
      { updated_at: UPDATED_AT },
    ]);
    // Unchanged items are not written again: the sweep compares them with what the migration stored.
    expect(
      await store.transaction((tx) =>
        tx.recordKvp(vmGuid(1), 'guest', [...(POOLS.guest ?? [])].reverse(), START),
      ),
    ).toBe(false);
  });

  it('refuses a pool whose stored items are not what the store writes, naming it, and changes nothing', async () => {
    await oldDatabase({ intrinsic: JSON.stringify(POOLS.intrinsic), guest: '[{"name": 1}]' });
    const error = await place.open().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreError);
    expect((error as StoreError).code).toBe('MIGRATION_FAILED');
    expect((error as StoreError).message).toMatch(
      /kvp_latest id \d+: items is not what the store writes \(kvp_latest id \d+ items\[0\]\.name is 1/,
    );
    const items = await rawQuery(place, 'SELECT items FROM kvp_latest ORDER BY id');
    expect(items).toHaveLength(2);
  });
});
