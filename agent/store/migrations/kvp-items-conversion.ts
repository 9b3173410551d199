/**
 * Migration 7 (PostgreSQL 2): each pool's items move from kvp_latest's JSON `items` column to a
 * kvp_items row each. In JavaScript rather than SQL because the rows must hold exactly what the
 * store now writes: names and data in their stored form (stored-name.ts storedKvpText), which escapes a
 * lone surrogate that SQLite's JSON functions would turn into invalid UTF-8 and PostgreSQL's jsonb
 * refuses, and a NUL, which PostgreSQL's text cannot hold.
 */
import { StoreError } from '../errors.js';
import { canonicalKvpItems, type KvpItems, kvpItemChanges, NO_KVP_ITEMS } from '../repos/kvp-items.js';
import { type DialectSql, type SqlConnection, sqlOf } from '../sql-connection.js';
import { storedKvpText } from '../stored-name.js';

const POOLS_PER_READ = 500;
/** Characters of item text per insert, well below either backend's limit on a bound string. */
const MAX_INSERT_TEXT = 4 * 1024 * 1024;

const READ_POOLS: DialectSql = {
  sqlite: 'SELECT id, vm_id, pool, items FROM kvp_latest WHERE id > ? ORDER BY id LIMIT ?',
  postgres: 'SELECT id, vm_id, pool, items FROM kvp_latest WHERE id > $1 ORDER BY id LIMIT $2',
};

const INSERT_ITEMS: DialectSql = {
  sqlite: `INSERT INTO kvp_items (vm_id, pool, name, nth, data)
     SELECT j.value ->> '$[0]', j.value ->> '$[1]', j.value ->> '$[2]', j.value ->> '$[3]', j.value ->> '$[4]'
     FROM jsonb_each(?) AS j`,
  postgres: `INSERT INTO kvp_items (vm_id, pool, name, nth, data)
     SELECT (j.value ->> 0)::bigint, j.value ->> 1, j.value ->> 2, (j.value ->> 3)::integer, j.value ->> 4
     FROM jsonb_array_elements($1::jsonb) AS j`,
};

type ItemRow = readonly [number, string, string, number, string];

/** The pool's items as kvp_items rows; throws naming the kvp_latest row when `items` is not what the store wrote. */
function poolRows(id: number, vmId: number, pool: string, text: string): ItemRow[] {
  let items: KvpItems;
  try {
    items = canonicalKvpItems(JSON.parse(text), `kvp_latest id ${id} items`);
  } catch (error) {
    const reason = error instanceof StoreError ? error.message : 'not JSON';
    throw new StoreError('CORRUPT', `kvp_latest id ${id}: items is not what the store writes (${reason})`, {
      cause: error,
    });
  }
  return kvpItemChanges(NO_KVP_ITEMS, items).upserts.map(
    ([name, nth, data]) => [vmId, pool, storedKvpText(name), nth, storedKvpText(data)] as const,
  );
}

async function insertRows(conn: SqlConnection, rows: readonly ItemRow[]): Promise<void> {
  if (rows.length > 0) await conn.run(sqlOf(conn, INSERT_ITEMS), [JSON.stringify(rows)]);
}

/** Copies every stored pool's items into kvp_items, a few hundred pools at a time. */
export async function moveKvpItemsOut(conn: SqlConnection): Promise<void> {
  let after = 0;
  let batch: ItemRow[] = [];
  let text = 0;
  for (;;) {
    const pools = await conn.all(sqlOf(conn, READ_POOLS), [after, POOLS_PER_READ]);
    for (const pool of pools) {
      const id = Number(pool.id);
      for (const row of poolRows(id, Number(pool.vm_id), String(pool.pool), String(pool.items))) {
        batch.push(row);
        text += row[2].length + row[4].length + 32;
        if (text < MAX_INSERT_TEXT) continue;
        await insertRows(conn, batch);
        [batch, text] = [[], 0];
      }
      after = id;
    }
    if (pools.length < POOLS_PER_READ) break;
  }
  await insertRows(conn, batch);
}
