/**
 * The table work of `avma db copy` (copy-sqlite.ts): each table's columns as both databases have them,
 * rows read in id order a batch at a time (keyset on the primary key, so memory holds one batch however
 * large the table), rows compared, rows inserted with their ids. Table and column names come from the
 * store's constant table list and the databases' own catalogues, checked against a plain-identifier
 * pattern before they enter SQL text; every value is a bound parameter.
 */
import type { Connection } from '../connection.js';
import { StoreError } from '../errors.js';
import type { StoreTable } from '../queries/table-sizes.js';
import type { SqlRow, SqlValue } from '../sql-connection.js';
import type { PgConnection } from './pg-connection.js';

const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

/** PostgreSQL binds at most 65,535 parameters a statement; a batch stays well below. */
const MAX_PARAMETERS = 30_000;

function identifier(name: string, what: string): string {
  if (!IDENTIFIER.test(name)) {
    throw new StoreError(
      'CORRUPT',
      `${what} ${JSON.stringify(name.slice(0, 64))} is not an avma column name`,
    );
  }
  return name;
}

/** The columns of `table` in PostgreSQL's order; refuses when SQLite's differ (schemas out of step). */
export async function tableColumns(
  source: Connection,
  target: PgConnection,
  table: StoreTable,
): Promise<string[]> {
  const pgRows = await target.all(
    `SELECT column_name FROM information_schema.columns
     WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position`,
    [table],
  );
  const sqliteRows = await source.all('SELECT name FROM pragma_table_info(?)', [table]);
  const pg = pgRows.map((row) => identifier(String(row.column_name), `${table} column`));
  const sqlite = new Set(sqliteRows.map((row) => String(row.name)));
  const differ = pg.length !== sqlite.size || pg.some((column) => !sqlite.has(column));
  if (differ || !pg.includes('id')) {
    throw new StoreError(
      'INVALID_ARGUMENT',
      `table ${table} has columns (${[...sqlite].join(', ')}) in the SQLite database and (${pg.join(', ')}) in PostgreSQL; this avma-agent cannot copy between these schemas`,
    );
  }
  return pg;
}

/** How many rows a batch of `columns` reads and inserts. */
export function batchRows(columns: readonly string[], wanted: number): number {
  return Math.max(1, Math.min(wanted, Math.floor(MAX_PARAMETERS / columns.length)));
}

/** The rows of `table` after id `afterId`, by id, at most `limit`: from either database. */
export function readBatch(
  conn: Connection | PgConnection,
  table: StoreTable,
  columns: readonly string[],
  afterId: number,
  limit: number,
): Promise<SqlRow[]> {
  const list = columns.join(', ');
  const sql =
    conn.dialect === 'sqlite'
      ? `SELECT ${list} FROM ${table} WHERE id > ? ORDER BY id LIMIT ?`
      : `SELECT ${list} FROM ${table} WHERE id > $1::bigint ORDER BY id LIMIT $2`;
  return conn.all(sql, [afterId, limit]);
}

/** A stored value as both databases return it: SQLite's integers and text, PostgreSQL's parsed alike. */
function comparable(value: unknown): unknown {
  return value === undefined ? null : value;
}

/** The first column whose value differs between two rows of `columns`, or null when they are equal. */
export function differingColumn(a: SqlRow, b: SqlRow, columns: readonly string[]): string | null {
  return columns.find((column) => comparable(a[column]) !== comparable(b[column])) ?? null;
}

/** Inserts `rows` keeping their ids (OVERRIDING SYSTEM VALUE), in one statement. */
export async function insertBatch(
  target: PgConnection,
  table: StoreTable,
  columns: readonly string[],
  rows: readonly SqlRow[],
): Promise<void> {
  if (rows.length === 0) return;
  const values: SqlValue[] = [];
  const tuples = rows.map((row) => {
    const placeholders = columns.map((column) => {
      values.push(toValue(row[column], table, column));
      return `$${values.length}`;
    });
    return `(${placeholders.join(', ')})`;
  });
  await target.run(
    `INSERT INTO ${table} (${columns.join(', ')}) OVERRIDING SYSTEM VALUE VALUES ${tuples.join(', ')}`,
    values,
  );
}

function toValue(value: unknown, table: string, column: string): SqlValue {
  if (value === null || value === undefined || typeof value === 'string' || typeof value === 'number') {
    return value ?? null;
  }
  throw new StoreError(
    'CORRUPT',
    `${table}.${column} holds a ${typeof value}, which avma-agent never writes`,
  );
}

/** Moves the table's identity past its largest id, so the next insert of an agent takes a new one. */
export async function moveIdentity(target: PgConnection, table: StoreTable): Promise<void> {
  await target.get(
    `SELECT setval(pg_get_serial_sequence($1, 'id'), coalesce(max(id), 1), max(id) IS NOT NULL) FROM ${table}`,
    [table],
  );
}
