/**
 * A host's sweep decides against each VM's open name, open observation interval and stored pool
 * hashes. Rows the store keeps from earlier transactions (open-rows.ts) are not read again; the rest
 * are read in one statement per table, only for the VMs not kept, and then kept. Where nothing is kept
 * (PostgreSQL) every VM's rows are read, into maps that live for this one sweep.
 */
import { type DialectSql, type SqlRow, sqlOf } from '../sql-connection.js';
import type { KvpPool } from '../types.js';
import { keptRows, type TxContext } from './context.js';
import { OPEN_INTERVAL_COLUMNS } from './observations-repo.js';
import { type KeptRow, unknownVms } from './open-rows.js';

const OPEN_NAMES: DialectSql = {
  sqlite:
    'SELECT id, vm_id, name, valid_from FROM vm_names WHERE valid_to IS NULL AND vm_id IN (SELECT value FROM json_each(?))',
  postgres:
    'SELECT id, vm_id, name, valid_from FROM vm_names WHERE valid_to IS NULL AND vm_id IN (SELECT value::bigint FROM jsonb_array_elements_text($1::jsonb))',
};

const OPEN_INTERVALS: DialectSql = {
  sqlite: `SELECT ${OPEN_INTERVAL_COLUMNS} FROM observations WHERE valid_to IS NULL AND vm_id IN (SELECT value FROM json_each(?))`,
  postgres: `SELECT ${OPEN_INTERVAL_COLUMNS} FROM observations WHERE valid_to IS NULL AND vm_id IN (SELECT value::bigint FROM jsonb_array_elements_text($1::jsonb))`,
};

const STORED_POOLS: DialectSql = {
  sqlite: 'SELECT vm_id, pool, sha256 FROM kvp_latest WHERE vm_id IN (SELECT value FROM json_each(?))',
  postgres:
    'SELECT vm_id, pool, sha256 FROM kvp_latest WHERE vm_id IN (SELECT value::bigint FROM jsonb_array_elements_text($1::jsonb))',
};

/** Reads the rows of the VMs `map` does not hold, one per VM (null for none), into it. */
async function readUnknown<Row extends SqlRow>(
  ctx: TxContext,
  sql: DialectSql,
  map: Map<number, Row | null>,
  vmIds: readonly number[],
): Promise<Map<number, Row | null>> {
  const unknown = unknownVms(map, vmIds);
  if (unknown.length === 0) return map;
  const rows = await ctx.conn.all(sqlOf(ctx.conn, sql), [JSON.stringify(unknown)]);
  for (const id of unknown) map.set(id, null);
  for (const row of rows) map.set(Number(row.vm_id), row as Row);
  return map;
}

/** VM id -> its open vm_names row (id, vm_id, name, valid_from), or null, for every VM given. */
export async function openNames(
  ctx: TxContext,
  vmIds: readonly number[],
): Promise<Map<number, SqlRow | null>> {
  return readUnknown(ctx, OPEN_NAMES, (await keptRows(ctx))?.names ?? new Map(), vmIds);
}

/** VM id -> its open observation interval (OPEN_INTERVAL_COLUMNS), or null, for every VM given. */
export async function openIntervals(
  ctx: TxContext,
  vmIds: readonly number[],
): Promise<Map<number, KeptRow | null>> {
  return readUnknown(
    ctx,
    OPEN_INTERVALS,
    (await keptRows(ctx))?.intervals ?? new Map<number, KeptRow | null>(),
    vmIds,
  );
}

/** VM id -> the sha256 of each of its stored pools, for every VM given. */
export async function storedPools(
  ctx: TxContext,
  vmIds: readonly number[],
): Promise<Map<number, Map<KvpPool, string>>> {
  const map = (await keptRows(ctx))?.pools ?? new Map<number, Map<KvpPool, string>>();
  const unknown = unknownVms(map, vmIds);
  if (unknown.length === 0) return map;
  const rows = await ctx.conn.all(sqlOf(ctx.conn, STORED_POOLS), [JSON.stringify(unknown)]);
  for (const id of unknown) map.set(id, new Map());
  for (const row of rows) map.get(Number(row.vm_id))?.set(String(row.pool) as KvpPool, String(row.sha256));
  return map;
}
