/**
 * `avma db copy`: one avma SQLite database copied into a PostgreSQL avma database, every table in
 * foreign-key order with its ids, in ONE PostgreSQL transaction (a failure leaves the target as it
 * was). The source is read in one SQLite read transaction, so a running agent's later commits are not
 * half-copied. Idempotent: a target that already holds exactly the source's rows is left alone and
 * the result says so; a target holding anything else is refused with CONFLICT before anything is
 * written. Reports are compared above the store (agent/reports/compare-stores.ts).
 */
import { Connection } from '../connection.js';
import { StoreError } from '../errors.js';
import { isPostgresUrl, openStore, readAsImmutable } from '../open-store.js';
import { STORE_TABLES, type StoreTable } from '../queries/table-sizes.js';
import {
  batchRows,
  differingColumn,
  insertBatch,
  moveIdentity,
  readBatch,
  tableColumns,
} from './copy-tables.js';
import { PgConnection, redactedUrl } from './pg-connection.js';

/** Rows read and inserted at a time (fewer for wide tables): a few megabytes of events at most. */
export const COPY_BATCH_ROWS = 1000;

export interface CopiedTable {
  readonly table: StoreTable;
  readonly rows: number;
}

export interface SqliteCopy {
  /** The SQLite file. */
  readonly from: string;
  /** The PostgreSQL URL without its password. */
  readonly to: string;
  /** `copied`: the rows were inserted now; `unchanged`: the target already held exactly these rows. */
  readonly outcome: 'copied' | 'unchanged';
  /** Every table in copy order with its row count (the same in both databases afterwards). */
  readonly tables: readonly CopiedTable[];
}

export interface CopyOptions {
  /** Rows per batch (tests make it small to cross batch boundaries). Default COPY_BATCH_ROWS. */
  readonly batchRows?: number;
}

/** Table names from the constant list, never from input. */
async function countRows(conn: Connection | PgConnection, table: StoreTable): Promise<number> {
  const row = await conn.get(`SELECT count(*) AS n FROM ${table}`);
  return Number(row?.n ?? 0);
}

/** Refuses an SQLite database with tables this copy does not know (a newer schema than the list). */
async function checkSourceTables(source: Connection): Promise<void> {
  const rows = await source.all(
    "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
  );
  const unknown = rows
    .map((row) => String(row.name))
    .filter((name) => !(STORE_TABLES as readonly string[]).includes(name));
  if (unknown.length > 0) {
    throw new StoreError(
      'INVALID_ARGUMENT',
      `${source.path} has tables this avma-agent does not copy (${unknown.join(', ')}); use the avma-agent that wrote it`,
    );
  }
}

/** Copies one table; resolves to its row count. */
async function copyTable(
  source: Connection,
  target: PgConnection,
  table: StoreTable,
  wanted: number,
): Promise<number> {
  const columns = await tableColumns(source, target, table);
  const limit = batchRows(columns, wanted);
  let afterId = 0;
  let rows = 0;
  for (;;) {
    const batch = await readBatch(source, table, columns, afterId, limit);
    await insertBatch(target, table, columns, batch);
    rows += batch.length;
    if (batch.length < limit) break;
    afterId = Number(batch[batch.length - 1]?.id);
  }
  await moveIdentity(target, table);
  return rows;
}

function conflict(target: PgConnection, detail: string): StoreError {
  return new StoreError(
    'CONFLICT',
    `${target.path} already holds avma data that is not a copy of this source (${detail}); nothing was written; copy into an empty database`,
  );
}

/** Throws CONFLICT naming the first table, id and column where the target differs from the source. */
async function checkSameRows(
  source: Connection,
  target: PgConnection,
  table: StoreTable,
  wanted: number,
): Promise<number> {
  const [sourceRows, targetRows] = [await countRows(source, table), await countRows(target, table)];
  if (sourceRows !== targetRows) {
    throw conflict(target, `table ${table} has ${targetRows} rows there, ${sourceRows} in the source`);
  }
  const columns = await tableColumns(source, target, table);
  const limit = batchRows(columns, wanted);
  let afterId = 0;
  for (;;) {
    const a = await readBatch(source, table, columns, afterId, limit);
    const b = await readBatch(target, table, columns, afterId, limit);
    for (const [i, row] of a.entries()) {
      const other = b[i];
      const column = other === undefined ? 'id' : differingColumn(row, other, columns);
      if (column !== null) throw conflict(target, `${table} id ${String(row.id)} differs in ${column}`);
    }
    if (a.length < limit) return sourceRows;
    afterId = Number(a[a.length - 1]?.id);
  }
}

/**
 * Checks the source is an avma SQLite database at this version's schema (openStore read-only) and
 * brings the target's schema up to date (openStore, which refuses another application's database).
 */
async function prepare(from: string, to: string): Promise<void> {
  if (isPostgresUrl(from)) {
    throw new StoreError('INVALID_ARGUMENT', '--from is a PostgreSQL URL; expected the SQLite database file');
  }
  if (!isPostgresUrl(to)) {
    throw new StoreError(
      'INVALID_ARGUMENT',
      '--to is not a postgres:// URL; expected the PostgreSQL database',
    );
  }
  await (await openStore(from, { readOnly: true })).close();
  await (await openStore(to)).close();
}

/** In the target's open transaction: copies every table into an empty target, or checks it holds the same. */
async function copyOrCheck(
  source: Connection,
  target: PgConnection,
  wanted: number,
): Promise<Pick<SqliteCopy, 'outcome' | 'tables'>> {
  // No agent writes while the copy decides and inserts: it would turn a copy into a conflict.
  await target.exec(`LOCK TABLE ${STORE_TABLES.join(', ')} IN SHARE ROW EXCLUSIVE MODE`);
  let holds = 0;
  for (const table of STORE_TABLES) holds += await countRows(target, table);
  const tables: CopiedTable[] = [];
  for (const table of STORE_TABLES) {
    const rows =
      holds === 0
        ? await copyTable(source, target, table, wanted)
        : await checkSameRows(source, target, table, wanted);
    tables.push(Object.freeze({ table, rows }));
  }
  // Fresh statistics: without them the planner guesses table sizes and picks plans over every VM.
  if (holds === 0) await target.exec(`ANALYZE ${STORE_TABLES.join(', ')}`);
  const copied = holds === 0 && tables.some((t) => t.rows > 0);
  return { outcome: copied ? 'copied' : 'unchanged', tables: Object.freeze(tables) };
}

/**
 * Copies the SQLite database `from` into the PostgreSQL database `to` (created by the operator;
 * migrated here). Rejects with StoreError INVALID_ARGUMENT (wrong kinds of path), CONFLICT (the target
 * holds other data; nothing written), NOT_FOUND / CORRUPT / OUTDATED_SCHEMA / NOT_AVMA_DATABASE from
 * opening either side, UNAVAILABLE when PostgreSQL cannot be reached.
 */
export async function copySqliteToPostgres(
  from: string,
  to: string,
  options: CopyOptions = {},
): Promise<SqliteCopy> {
  await prepare(from, to);
  // As openStore reads it: a WAL database in a directory this user cannot write is read as immutable.
  const immutable = await readAsImmutable(from);
  const source = await Connection.open(from, { readOnly: true, create: false, immutable });
  const target = new PgConnection(to, { applicationName: 'avma db copy' });
  try {
    // One read transaction: the copy is one consistent snapshot of the source.
    await source.exec('PRAGMA query_only = ON; BEGIN');
    await checkSourceTables(source);
    await target.connect();
    await target.exec('BEGIN');
    try {
      const result = await copyOrCheck(source, target, options.batchRows ?? COPY_BATCH_ROWS);
      await target.exec('COMMIT');
      return Object.freeze({ from, to: redactedUrl(to), ...result });
    } catch (error) {
      await target.exec('ROLLBACK').catch(() => undefined);
      throw error;
    }
  } finally {
    await source.exec('COMMIT').catch(() => undefined);
    await source.close().catch(() => undefined);
    await target.close();
  }
}
