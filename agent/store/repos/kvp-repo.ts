/**
 * The latest raw KVP items per VM and pool, kept for diagnosis ("what did the guest actually write?"):
 * a kvp_latest row per pool (when it last changed) and a kvp_items row per item. A pool is written
 * only when its items differ from the stored ones, and then only the items that changed.
 *
 * Names and data are stored as stored-name.ts stores VM names (storedKvpText): text as it is, but text
 * with a lone surrogate (which SQLite's driver would turn into U+FFFD) or a NUL (which PostgreSQL's
 * text cannot hold) escaped, so every item reads back exactly as the guest wrote it.
 */
import { jsonColumn } from '../decode.js';
import { type DialectSql, type SqlConnection, sqlOf } from '../sql-connection.js';
import { nameFromStored, storedKvpText } from '../stored-name.js';
import { KVP_POOLS, type KvpItemRecord, type KvpPool } from '../types.js';
import { checkOneOf } from '../validate.js';
import { type TxContext, vmIdOf } from './context.js';
import { writeJsonBatches } from './json-batch.js';
import {
  canonicalKvpItems,
  type KvpItems,
  type KvpItemVisitor,
  NO_KVP_ITEMS,
  sameKvpItems,
  sortedCanonical,
  walkKvpItemChanges,
} from './kvp-items.js';

export {
  canonicalKvpItems,
  checkKvpItems,
  type KvpItems,
  MAX_KVP_DATA,
  MAX_KVP_ITEMS,
  MAX_KVP_NAME,
} from './kvp-items.js';

/** A pool a sweep writes: its new items and the stored ones (none: NO_KVP_ITEMS) they replace. */
export interface KvpWrite {
  readonly vmId: number;
  readonly pool: KvpPool;
  readonly items: KvpItems;
  readonly stored: KvpItems;
}

/**
 * The pool rows ([vm id, pool]) that changed, with the time; an upsert, so two agents writing one pool
 * at once both succeed. SQLite's `WHERE true` keeps its parser from reading ON CONFLICT as a join's ON.
 * SQLite reads the batches with jsonb_each (json-batch.ts says why).
 */
export const TOUCH_POOLS: DialectSql = {
  sqlite: `INSERT INTO kvp_latest (vm_id, pool, updated_at)
     SELECT j.value ->> '$[0]', j.value ->> '$[1]', ?2 FROM jsonb_each(?1) AS j WHERE true
     ON CONFLICT (vm_id, pool) DO UPDATE SET updated_at = excluded.updated_at`,
  postgres: `INSERT INTO kvp_latest (vm_id, pool, updated_at)
     SELECT (j.value ->> 0)::bigint, j.value ->> 1, $2::bigint FROM jsonb_array_elements($1::jsonb) AS j
     ON CONFLICT (vm_id, pool) DO UPDATE SET updated_at = excluded.updated_at`,
};

/** Item rows gone, as [vm id, pool, stored name, nth]: exactly one row each. */
export const DELETE_ITEMS: DialectSql = {
  sqlite: `DELETE FROM kvp_items WHERE id IN (SELECT i.id FROM jsonb_each(?1) AS j JOIN kvp_items i
     ON i.vm_id = j.value ->> '$[0]' AND i.pool = j.value ->> '$[1]' AND i.name = j.value ->> '$[2]'
       AND i.nth = j.value ->> '$[3]')`,
  postgres: `DELETE FROM kvp_items i USING jsonb_array_elements($1::jsonb) AS j
     WHERE i.vm_id = (j.value ->> 0)::bigint AND i.pool = j.value ->> 1 AND i.name = j.value ->> 2
       AND i.nth = (j.value ->> 3)::integer`,
};

/** Item rows new or with new data, as [vm id, pool, stored name, nth, stored data]. */
export const UPSERT_ITEMS: DialectSql = {
  sqlite: `INSERT INTO kvp_items (vm_id, pool, name, nth, data)
     SELECT j.value ->> '$[0]', j.value ->> '$[1]', j.value ->> '$[2]', j.value ->> '$[3]', j.value ->> '$[4]'
     FROM jsonb_each(?1) AS j WHERE true
     ON CONFLICT (vm_id, pool, name, nth) DO UPDATE SET data = excluded.data`,
  postgres: `INSERT INTO kvp_items (vm_id, pool, name, nth, data)
     SELECT (j.value ->> 0)::bigint, j.value ->> 1, j.value ->> 2, (j.value ->> 3)::integer, j.value ->> 4
     FROM jsonb_array_elements($1::jsonb) AS j
     ON CONFLICT (vm_id, pool, name, nth) DO UPDATE SET data = excluded.data`,
};

/**
 * Every stored item of the VMs given, as one JSON array of [vm id, pool, name, data] (a pool without
 * items as one element of null name and data). One row: node-sqlite3 builds a JavaScript object per
 * row, and a restarted agent reads every item of a host once (141,000 at 8,000 VMs).
 */
export const STORED_POOLS: DialectSql = {
  sqlite: `SELECT json_group_array(json_array(k.vm_id, k.pool, i.name, i.data)) AS items FROM kvp_latest k
     LEFT JOIN kvp_items i ON i.vm_id = k.vm_id AND i.pool = k.pool
     WHERE k.vm_id IN (SELECT value FROM json_each(?))`,
  postgres: `SELECT coalesce(json_agg(json_build_array(k.vm_id, k.pool, i.name, i.data)), '[]')::text AS items
     FROM kvp_latest k LEFT JOIN kvp_items i ON i.vm_id = k.vm_id AND i.pool = k.pool
     WHERE k.vm_id IN (SELECT value::bigint FROM jsonb_array_elements_text($1::jsonb))`,
};

type StoredItem = [number, string, string | null, string | null];

/** STORED_POOLS' array when every element has its shape, else null (the caller reports CORRUPT). */
function storedItemsOrNull(value: unknown): StoredItem[] | null {
  if (!Array.isArray(value)) return null;
  for (const e of value) {
    const ok =
      Array.isArray(e) &&
      typeof e[0] === 'number' &&
      typeof e[1] === 'string' &&
      (e[2] === null ? e[3] === null : typeof e[2] === 'string' && typeof e[3] === 'string');
    if (!ok) return null;
  }
  return value as StoredItem[];
}

/** Writes the changed rows: the pools' rows first (every item's pool has one), then items gone, then new. */
export async function writeKvps(ctx: TxContext, writes: readonly KvpWrite[], atMs: number): Promise<void> {
  if (writes.length === 0) return;
  const deletes: (string | number)[][] = [];
  const upserts: (string | number)[][] = [];
  let [vmId, pool] = [0, ''];
  const rows: KvpItemVisitor = {
    deleted: (name, nth) => deletes.push([vmId, pool, storedKvpText(name), nth]),
    upserted: (name, nth, data) => upserts.push([vmId, pool, storedKvpText(name), nth, storedKvpText(data)]),
  };
  for (const write of writes) {
    [vmId, pool] = [write.vmId, write.pool];
    walkKvpItemChanges(write.stored, write.items, rows);
  }
  await writeJsonBatches(
    ctx,
    sqlOf(ctx.conn, TOUCH_POOLS),
    writes.map((w) => [w.vmId, w.pool]),
    [atMs],
  );
  await writeJsonBatches(ctx, sqlOf(ctx.conn, DELETE_ITEMS), deletes);
  await writeJsonBatches(ctx, sqlOf(ctx.conn, UPSERT_ITEMS), upserts);
}

/** The write that turns the stored pool (`undefined`: none) into `items`, or null when they are the same. */
export function kvpWrite(
  vmId: number,
  pool: KvpPool,
  items: KvpItems,
  stored: KvpItems | undefined,
): KvpWrite | null {
  if (stored !== undefined && sameKvpItems(stored, items)) return null;
  return { vmId, pool, items, stored: stored ?? NO_KVP_ITEMS };
}

/** STORED_POOLS' items into VM id -> pool -> canonical items (VMs `into` holds an empty map for). */
function keepStoredPools(stored: readonly StoredItem[], into: Map<number, Map<KvpPool, KvpItems>>): void {
  const building = new Map<string, { vm: Map<KvpPool, KvpItems>; items: KvpItemRecord[] }>();
  for (const [vmId, poolName, name, data] of stored) {
    const key = `${vmId} ${poolName}`;
    let pool = building.get(key);
    if (pool === undefined) {
      pool = { vm: into.get(vmId) ?? new Map(), items: [] };
      building.set(key, pool);
      pool.vm.set(poolName as KvpPool, pool.items);
    }
    if (name !== null && data !== null) {
      pool.items.push({ name: nameFromStored(name), data: nameFromStored(data) });
    }
  }
  for (const { items } of building.values()) Object.freeze(sortedCanonical(items));
}

/** VM id -> each stored pool's canonical items, for every VM given (a VM without pools: an empty map). */
export async function readStoredPools(
  conn: SqlConnection,
  vmIds: readonly number[],
  into = new Map<number, Map<KvpPool, KvpItems>>(),
): Promise<Map<number, Map<KvpPool, KvpItems>>> {
  if (vmIds.length === 0) return into;
  const row = await conn.get(sqlOf(conn, STORED_POOLS), [JSON.stringify(vmIds)]);
  const stored = row === undefined ? [] : jsonColumn(row, 'kvp_items', 'items', storedItemsOrNull);
  for (const id of vmIds) into.set(id, new Map());
  keepStoredPools(stored, into);
  return into;
}

/**
 * Stores the pool's items when they differ from the stored ones. Resolves to true when written, false
 * when they were the same (no write). Rejects with INVALID_ARGUMENT for a bad pool or oversized items,
 * NOT_FOUND for an unknown VM.
 */
export async function recordKvp(
  ctx: TxContext,
  guid: string,
  pool: KvpPool,
  items: readonly KvpItemRecord[],
  atMs: number,
): Promise<boolean> {
  checkOneOf(pool, 'pool', KVP_POOLS);
  const canonical = canonicalKvpItems(items);
  const vmId = await vmIdOf(ctx, guid);
  const stored = (await readStoredPools(ctx.conn, [vmId])).get(vmId)?.get(pool);
  const write = kvpWrite(vmId, pool, canonical, stored);
  if (write === null) return false;
  await writeKvps(ctx, [write], atMs);
  return true;
}

/** The stored items of one pool in canonical order, or null when the pool was never stored. */
export async function readKvp(ctx: TxContext, guid: string, pool: KvpPool): Promise<KvpItemRecord[] | null> {
  checkOneOf(pool, 'pool', KVP_POOLS);
  const vmId = await vmIdOf(ctx, guid);
  const items = (await readStoredPools(ctx.conn, [vmId])).get(vmId)?.get(pool);
  return items === undefined ? null : [...items];
}
