/**
 * The latest raw KVP items per VM and pool, kept for diagnosis ("what did the guest actually write?").
 * Rewritten only when the SHA-256 of the items changes, so a steady sweep writes nothing.
 */
import { hash } from 'node:crypto';
import { jsonColumn } from '../decode.js';
import { type DialectSql, sqlOf } from '../sql-connection.js';
import { KVP_POOLS, type KvpItemRecord, type KvpPool } from '../types.js';
import { checkOneOf, invalid } from '../validate.js';
import { type TxContext, vmIdOf } from './context.js';
import { writeJsonBatches } from './json-batch.js';

/**
 * Caps from the host's wire limits (hyperv.h: keys 255 UTF-16 units, values 1023, HostOnly values
 * 8191) with headroom; a pool of more than 1024 items is not something Hyper-V guests produce.
 */
export const MAX_KVP_ITEMS = 1024;
export const MAX_KVP_NAME = 512;
export const MAX_KVP_DATA = 8192;

function byNameThenData(a: KvpItemRecord, b: KvpItemRecord): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : a.data < b.data ? -1 : a.data > b.data ? 1 : 0;
}

function isSorted(items: readonly KvpItemRecord[]): boolean {
  for (let i = 1; i < items.length; i++) {
    if (byNameThenData(items[i - 1] as KvpItemRecord, items[i] as KvpItemRecord) > 0) return false;
  }
  return true;
}

/** The items as stored (name and data only), validated; throws INVALID_ARGUMENT naming `field[i]`. */
export function checkKvpItems(items: unknown, field = 'items'): KvpItemRecord[] {
  if (!Array.isArray(items) || items.length > MAX_KVP_ITEMS) {
    throw invalid(field, items, `an array of at most ${MAX_KVP_ITEMS} items`);
  }
  return items.map((item: KvpItemRecord, i): KvpItemRecord => {
    if (typeof item !== 'object' || item === null)
      throw invalid(`${field}[${i}]`, item, 'an object { name, data }');
    if (typeof item.name !== 'string' || item.name.length > MAX_KVP_NAME) {
      throw invalid(`${field}[${i}].name`, item.name, `a string of at most ${MAX_KVP_NAME} characters`);
    }
    if (typeof item.data !== 'string' || item.data.length > MAX_KVP_DATA) {
      throw invalid(`${field}[${i}].data`, item.data, `a string of at most ${MAX_KVP_DATA} characters`);
    }
    return { name: item.name, data: item.data };
  });
}

function canonicalItems(items: unknown, field: string): string {
  const clean = checkKvpItems(items, field);
  // Sorted by name: Hyper-V returns items in no guaranteed order, and order must not look like change.
  // A pool usually arrives in the same order every time, so sorting is skipped when it already is.
  if (!isSorted(clean)) clean.sort(byNameThenData);
  return JSON.stringify(clean);
}

export interface KvpDigest {
  readonly json: string;
  readonly sha256: string;
}

/** Validates the items (errors name `field[i]`) and returns their canonical JSON and its SHA-256 (pure). */
export function kvpDigest(items: readonly KvpItemRecord[], field = 'items'): KvpDigest {
  const json = canonicalItems(items, field);
  // The one-shot hash: a Hash object per pool costs more than hashing a small pool's JSON.
  return Object.freeze({ json, sha256: hash('sha256', json, 'hex') });
}

/** An upsert in both dialects: two agents writing one pool at once both succeed, the later one last. */
const WRITE_POOL: DialectSql = {
  sqlite: `INSERT INTO kvp_latest (vm_id, pool, items, sha256, updated_at) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (vm_id, pool) DO UPDATE SET items = excluded.items, sha256 = excluded.sha256,
       updated_at = excluded.updated_at`,
  postgres: `INSERT INTO kvp_latest (vm_id, pool, items, sha256, updated_at) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (vm_id, pool) DO UPDATE SET items = excluded.items, sha256 = excluded.sha256,
       updated_at = excluded.updated_at`,
};

/** SQLite's `WHERE true` keeps its parser from reading ON CONFLICT as a join's ON; PostgreSQL needs none. */
export const WRITE_POOLS: DialectSql = {
  sqlite: `INSERT INTO kvp_latest (vm_id, pool, items, sha256, updated_at)
     SELECT j.value ->> '$[0]', j.value ->> '$[1]', j.value ->> '$[2]', j.value ->> '$[3]', ?2
     FROM json_each(?1) AS j WHERE true
     ON CONFLICT (vm_id, pool) DO UPDATE SET items = excluded.items, sha256 = excluded.sha256,
       updated_at = excluded.updated_at`,
  postgres: `INSERT INTO kvp_latest (vm_id, pool, items, sha256, updated_at)
     SELECT (j.value ->> 0)::bigint, j.value ->> 1, j.value ->> 2, j.value ->> 3, $2::bigint
     FROM jsonb_array_elements($1::jsonb) AS j
     ON CONFLICT (vm_id, pool) DO UPDATE SET items = excluded.items, sha256 = excluded.sha256,
       updated_at = excluded.updated_at`,
};

const POOL_COLUMN = (column: 'sha256' | 'items'): DialectSql => ({
  sqlite: `SELECT ${column} FROM kvp_latest WHERE vm_id = ? AND pool = ?`,
  postgres: `SELECT ${column} FROM kvp_latest WHERE vm_id = $1 AND pool = $2`,
});

/** Writes (inserts or replaces) a pool's items. */
export async function writeKvp(
  ctx: TxContext,
  vmId: number,
  pool: KvpPool,
  digest: KvpDigest,
  atMs: number,
): Promise<void> {
  await ctx.conn.run(sqlOf(ctx.conn, WRITE_POOL), [vmId, pool, digest.json, digest.sha256, atMs]);
}

/** A pool a sweep rewrites. */
export interface KvpWrite {
  readonly vmId: number;
  readonly pool: KvpPool;
  readonly digest: KvpDigest;
}

/**
 * `writeKvp` for many pools in one statement per 8 MiB of items. The canonical JSON is ASCII-safe for
 * the round trip (JSON.stringify escapes lone surrogates), so the stored text and hash are the same as
 * `writeKvp`'s. Rejects with the connection's StoreError.
 */
export async function writeKvps(ctx: TxContext, writes: readonly KvpWrite[], atMs: number): Promise<void> {
  await writeJsonBatches(
    ctx,
    sqlOf(ctx.conn, WRITE_POOLS),
    writes.map((w) => [w.vmId, w.pool, w.digest.json, w.digest.sha256]),
    [atMs],
  );
}

/**
 * Stores the pool's items when they differ from the stored ones. Resolves to true when written, false
 * when the hash matched (no write). Rejects with INVALID_ARGUMENT for a bad pool or oversized items,
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
  const digest = kvpDigest(items);
  const vmId = await vmIdOf(ctx, guid);
  const stored = await ctx.conn.get(sqlOf(ctx.conn, POOL_COLUMN('sha256')), [vmId, pool]);
  if (stored?.sha256 === digest.sha256) return false;
  await writeKvp(ctx, vmId, pool, digest, atMs);
  return true;
}

/** The stored items of one pool, or null. */
export async function readKvp(ctx: TxContext, guid: string, pool: KvpPool): Promise<KvpItemRecord[] | null> {
  checkOneOf(pool, 'pool', KVP_POOLS);
  const vmId = await vmIdOf(ctx, guid);
  const row = await ctx.conn.get(sqlOf(ctx.conn, POOL_COLUMN('items')), [vmId, pool]);
  return row === undefined ? null : jsonColumn(row, 'kvp_latest', 'items', itemsOrNull);
}

/** A parsed `items` column when it is an array of {name, data}, else null (caller reports CORRUPT). */
export function itemsOrNull(value: unknown): KvpItemRecord[] | null {
  if (!Array.isArray(value)) return null;
  const ok = value.every((item) => typeof item?.name === 'string' && typeof item?.data === 'string');
  return ok ? (value as KvpItemRecord[]) : null;
}
