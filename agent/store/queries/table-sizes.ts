/** Row counts and file size, for store-growth checks and benchmarks. */
import { type SqlConnection as Connection, sqlOf } from '../sql-connection.js';

export const STORE_TABLES = [
  'hosts',
  'host_facts',
  'vms',
  'vm_names',
  'observations',
  'kvp_latest',
  'kvp_items',
  'events',
  'actions',
  'bookmarks',
  'month_closes',
  'raw_prunes',
  'tokens',
] as const;
export type StoreTable = (typeof STORE_TABLES)[number];

export interface TableSizes {
  readonly rows: Readonly<Record<StoreTable, number>>;
  /** SQLite: page_count × page_size, the main file's logical size, WAL excluded; PostgreSQL: the database's size. */
  readonly bytes: number;
}

/** Row counts of every table and the file size. Rejects with StoreError on read failure. */
export async function readTableSizes(conn: Connection): Promise<TableSizes> {
  const rows = {} as Record<StoreTable, number>;
  for (const table of STORE_TABLES) {
    // Table names come from the constant list above, never from input.
    const row = await conn.get(`SELECT count(*) AS n FROM ${table}`);
    rows[table] = Number(row?.n ?? 0);
  }
  const pages = await conn.get(
    sqlOf(conn, {
      sqlite: 'SELECT page_count * page_size AS bytes FROM pragma_page_count(), pragma_page_size()',
      postgres: 'SELECT pg_database_size(current_database()) AS bytes',
    }),
  );
  return Object.freeze({ rows: Object.freeze(rows), bytes: Number(pages?.bytes ?? 0) });
}
