/**
 * Online backups and checks of a database file, for operators (`avma db backup`, `avma db check`) and
 * for the upgrade path (a backup before migrations).
 *
 * Why `VACUUM INTO`: it writes a consistent snapshot of the last committed state through an ordinary
 * read transaction, so it works while the agent sweeps (a reader never waits for the writer in WAL mode,
 * and the writer lock `<db>-writer.lock` is not touched), and the copy is compact and self-contained
 * (no -wal beside it). node-sqlite3 does expose the page-by-page backup API too, but that one restarts
 * whenever the writer commits, which an agent sweeping every minute may do in the middle of a copy.
 */
import { randomUUID } from 'node:crypto';
import { rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { AVMA_APPLICATION_ID } from './application-id.js';
import { Connection } from './connection.js';
import { StoreError, toStoreError } from './errors.js';
import { pragmaNumber } from './migrate.js';
import { LATEST_SCHEMA_VERSION } from './migrations/index.js';
import { readTableSizes, type StoreTable } from './queries/table-sizes.js';

export interface BackupResult {
  readonly database: string;
  readonly backup: string;
  readonly bytes: number;
  readonly schemaVersion: number;
}

async function refuseExisting(target: string): Promise<void> {
  const existing = await stat(target).catch(() => null);
  if (existing !== null) {
    throw new StoreError(
      'CONFLICT',
      `backup target ${target} already exists; choose a new file name (a backup never overwrites a file)`,
    );
  }
  const folder = await stat(dirname(target)).catch(() => null);
  if (folder === null || !folder.isDirectory()) {
    throw new StoreError('NOT_FOUND', `directory ${dirname(target)} of the backup does not exist`);
  }
}

/**
 * Writes a consistent copy of the open database behind `conn` to `target` (which must not exist): the
 * copy is written under a temporary name in the same folder and renamed when complete, so a backup
 * interrupted by a full disk or a crash never leaves a half file under the name the operator expects.
 * Rejects with StoreError (CONFLICT target exists, NOT_FOUND its folder is missing, DISK_FULL, IO).
 */
export async function vacuumInto(conn: Connection, target: string): Promise<number> {
  await refuseExisting(target);
  const partial = join(dirname(target), `.${basename(target)}.${randomUUID()}.partial`);
  try {
    await conn.run('VACUUM INTO ?', [partial]);
    await rename(partial, target);
  } catch (error) {
    await rm(partial, { force: true }).catch(() => undefined);
    throw toStoreError(error, conn.path, `backing up to ${target}`);
  }
  return (await stat(target)).size;
}

async function withReader<T>(path: string, work: (conn: Connection) => Promise<T>): Promise<T> {
  const info = await stat(path).catch(() => null);
  if (info === null || !info.isFile()) {
    throw new StoreError(
      'NOT_FOUND',
      `database file ${path} does not exist; expected an avma-agent database`,
    );
  }
  const conn = await Connection.open(path, { readOnly: true, create: false });
  try {
    conn.setBusyTimeout(5000);
    return await work(conn);
  } finally {
    await conn.close().catch(() => undefined);
  }
}

/** Backs up `database` to `target` while it may be in use (a reader only). Rejects with StoreError. */
export function backupDatabase(database: string, target: string): Promise<BackupResult> {
  return withReader(database, async (conn) => {
    const schemaVersion = await pragmaNumber(conn, 'user_version');
    const bytes = await vacuumInto(conn, target);
    return Object.freeze({ database, backup: target, bytes, schemaVersion });
  });
}

/** The answer of `avma db check`. */
export interface DatabaseCheck {
  readonly database: string;
  /** True when the integrity check passed and the schema is one this version can use. */
  readonly ok: boolean;
  /** `PRAGMA integrity_check`: `["ok"]`, or the first problems it found. */
  readonly integrity: readonly string[];
  readonly schemaVersion: number;
  readonly latestSchemaVersion: number;
  /**
   * `current`, `behind` (the agent upgrades it when it starts), `newer` (a newer agent wrote it), or
   * `not-avma` (an SQLite database of another application).
   */
  readonly schema: 'current' | 'behind' | 'newer' | 'not-avma';
  /** Row counts per table (null when the schema is not current: the tables may differ). */
  readonly rows: Readonly<Record<StoreTable, number>> | null;
  readonly bytes: number;
}

/** How many problems integrity_check lists at most; one is enough to say "restore a backup". */
const MAX_INTEGRITY_LINES = 20;

/**
 * Checks `database` without changing it: integrity, schema level and row counts. Resolves even for a
 * damaged file (ok false, with SQLite's reason); rejects with StoreError NOT_FOUND for a missing file,
 * CORRUPT for a file that is not SQLite at all.
 */
export function checkDatabase(database: string): Promise<DatabaseCheck> {
  return withReader(database, async (conn) => {
    let integrity: string[];
    try {
      const rows = await conn.all(`PRAGMA integrity_check(${MAX_INTEGRITY_LINES})`);
      integrity = rows.map((row) => String(Object.values(row)[0]));
    } catch (error) {
      const failure = toStoreError(error, database, 'checking');
      if (failure.code !== 'CORRUPT') throw failure;
      integrity = [failure.message];
    }
    const intact = integrity.length === 1 && integrity[0] === 'ok';
    const schemaVersion = intact ? await pragmaNumber(conn, 'user_version') : 0;
    const ours = !intact || (await pragmaNumber(conn, 'application_id')) === AVMA_APPLICATION_ID;
    const schema = !ours
      ? 'not-avma'
      : schemaVersion === LATEST_SCHEMA_VERSION
        ? 'current'
        : schemaVersion > LATEST_SCHEMA_VERSION
          ? 'newer'
          : 'behind';
    const sizes = intact && schema === 'current' ? await readTableSizes(conn) : null;
    return Object.freeze({
      database,
      ok: intact && (schema === 'current' || schema === 'behind'),
      integrity,
      schemaVersion,
      latestSchemaVersion: LATEST_SCHEMA_VERSION,
      schema,
      rows: sizes?.rows ?? null,
      bytes: sizes?.bytes ?? (await stat(database)).size,
    });
  });
}

/** Where the backup before an upgrade goes: beside the database, named after both schemas and the time. */
export function upgradeBackupPath(database: string, from: number, to: number, at: Date): string {
  const stamp = at
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}Z$/, 'Z');
  return `${database}.schema-${from}-before-${to}.${stamp}.backup`;
}
