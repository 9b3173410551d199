/**
 * Opening a database file safely: refuse what is not ours or is damaged BEFORE anything writes to it,
 * then set the pragmas and apply migrations. A refused file is never overwritten, truncated or migrated.
 */
import { constants } from 'node:fs';
import { access, open, rm, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { AVMA_APPLICATION_ID } from './application-id.js';
import { Connection } from './connection.js';
import { isPostgresUrl } from './db-target.js';
import { StoreError, toStoreError } from './errors.js';
import { pragmaNumber } from './migrate.js';
import { MIGRATIONS, type Migration } from './migrations/index.js';
import { ONE_STATEMENT_SCHEMA } from './repos/one-statement.js';
import { Store, type StoreSettings } from './store.js';
import { latestOf, type UpgradeBackupListener, upgradeSchema } from './upgrade.js';
import { checkBoolean, checkInteger, invalid } from './validate.js';
import { claimWriterLock, type WriterLock } from './writer-lock.js';

export { AVMA_APPLICATION_ID };

/** The first 16 bytes of every SQLite 3 database file (sqlite.org/fileformat.html §1.3.1). */
const SQLITE_HEADER = Buffer.from('SQLite format 3\0', 'latin1');

export const DEFAULT_BUSY_TIMEOUT_MS = 5000;
/** A VM not observed for longer than this (host or agent down) has its interval closed at last_seen. */
export const DEFAULT_STALE_AFTER_MS = 10 * 60_000;

export interface StoreOptions {
  /** Open without writing anything (the read-only CLI commands); implies `create: false`. */
  readonly readOnly?: boolean;
  /** Create a missing database file (default: true unless read-only). Its directory must exist. */
  readonly create?: boolean;
  readonly busyTimeoutMs?: number;
  /**
   * Longest gap between two observations of a VM that still counts as continuous; a longer gap
   * closes the interval at its last sighting so downtime is never counted as running. Set it to a few
   * sweep intervals.
   */
  readonly staleAfterMs?: number;
  /**
   * Under Dynamic Memory a VM's assigned memory moves at nearly every sweep; a new interval each time
   * would add a row per VM per sweep. A change of at most this fraction of the recorded value keeps the
   * interval and its recorded value, so memory GB-hours are within this fraction of what was assigned.
   * Default 0.05 (UNCONFIRMED how often Dynamic Memory moves by more; 0 records every change).
   */
  readonly memoryChangeRatio?: number;
  /**
   * Open as the database's one writer, the agent that sweeps (`avma run`, `avma sweep`, `avma lab run`):
   * rejects with WRITER_BUSY, naming the holder, while another store holds it; released by `close`.
   * `command` is what a refused agent is shown. Readers and short operator transactions leave it out.
   * (A PostgreSQL store would take per-host leases for the same promise: no host swept twice.)
   */
  readonly writer?: { readonly command: string };
  /**
   * The migrations this build applies (default: `MIGRATIONS`). Tests inject a failing one to prove an
   * upgrade that fails leaves the old database usable.
   */
  readonly migrations?: readonly Migration[];
  /**
   * SQLite: a steady sweep's transaction is written as one statement (repos/one-statement.ts; default
   * true). Off, every sweep runs its statements one by one, as before; tests compare the two.
   */
  readonly oneStatement?: boolean;
  /** Called with the backup file written before an upgrade (the agent logs it). */
  readonly onUpgradeBackup?: UpgradeBackupListener;
}

/**
 * Refuses a missing file (unless creating), a missing directory, or a file that is not SQLite.
 * Resolves to true when the file is missing and will be created.
 */
async function checkFile(path: string, create: boolean): Promise<boolean> {
  let size: number;
  try {
    const info = await stat(path);
    if (!info.isFile()) throw new StoreError('IO', `database path ${path} is not a file`);
    size = info.size;
  } catch (error) {
    if (error instanceof StoreError) throw error;
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw toStoreError(error, path, 'inspecting');
    if (!create) {
      throw new StoreError(
        'NOT_FOUND',
        `database file ${path} does not exist; expected an avma-agent database`,
      );
    }
    await checkDirectory(path);
    return true;
  }
  // An empty file is an empty database to SQLite; anything else must start with the SQLite header.
  if (size > 0) await checkHeader(path);
  return false;
}

/**
 * Removes a database this process just created and that holds no records (its -wal and -shm too), so
 * a command that failed while starting leaves no file behind. Callers guarantee both conditions; an
 * existing database is never passed here. Never rejects.
 */
export async function removeCreatedDatabase(path: string): Promise<void> {
  await Promise.all(
    ['', '-wal', '-shm', '-journal'].map((suffix) =>
      rm(`${path}${suffix}`, { force: true }).catch(() => undefined),
    ),
  );
}

async function checkDirectory(path: string): Promise<void> {
  const directory = dirname(path);
  const info = await stat(directory).catch(() => null);
  if (info === null || !info.isDirectory()) {
    throw new StoreError(
      'NOT_FOUND',
      `directory ${directory} does not exist; create it first (the agent does not create directories)`,
    );
  }
}

async function checkHeader(path: string): Promise<void> {
  const header = Buffer.alloc(SQLITE_HEADER.length);
  const file = await open(path, 'r').catch((error: unknown) => {
    throw toStoreError(error, path, 'inspecting');
  });
  try {
    await file.read(header, 0, header.length, 0);
  } finally {
    await file.close();
  }
  if (!header.equals(SQLITE_HEADER)) {
    throw new StoreError(
      'CORRUPT',
      `${path} is not an SQLite database (its first bytes are not "SQLite format 3"); refusing to open it, the file was not changed`,
    );
  }
}

/** quick_check before anything writes: a damaged file is refused, never migrated. */
async function checkIntegrity(conn: Connection): Promise<void> {
  let rows: readonly Record<string, unknown>[];
  try {
    rows = await conn.all('PRAGMA quick_check');
  } catch (error) {
    if (error instanceof StoreError && error.code === 'CORRUPT') throw corrupt(conn.path, error.message);
    throw error;
  }
  const verdicts = rows.map((row) => String(Object.values(row)[0]));
  if (verdicts.length !== 1 || verdicts[0] !== 'ok') {
    throw corrupt(conn.path, `quick_check: ${verdicts.slice(0, 3).join('; ')}`);
  }
}

function corrupt(path: string, detail: string): StoreError {
  return new StoreError(
    'CORRUPT',
    `database ${path} is damaged (${detail}); refusing to open it, the file was not changed; restore it from a backup`,
  );
}

/** Refuses newer schemas, other applications' databases, and (read-only) databases needing migration. */
async function checkIdentity(conn: Connection, readOnly: boolean, latest: number): Promise<number> {
  const version = await pragmaNumber(conn, 'user_version');
  const applicationId = await pragmaNumber(conn, 'application_id');
  if (version > latest) {
    throw new StoreError(
      'NEWER_SCHEMA',
      `this database was written by a newer avma-agent (schema ${version}, this version knows ${latest}); refusing to open it`,
    );
  }
  const tables = await conn.get("SELECT count(*) AS n FROM sqlite_schema WHERE type = 'table'");
  const foreign =
    (applicationId !== 0 && applicationId !== AVMA_APPLICATION_ID) ||
    (version > 0 && applicationId !== AVMA_APPLICATION_ID) ||
    (version === 0 && Number(tables?.n ?? 0) > 0);
  if (foreign) {
    throw new StoreError(
      'NOT_AVMA_DATABASE',
      `${conn.path} is an SQLite database of another application (application_id ${applicationId}, schema ${version}); refusing to change it`,
    );
  }
  if (readOnly && version < latest) {
    throw new StoreError(
      'OUTDATED_SCHEMA',
      `database ${conn.path} has schema ${version}, this version reads ${latest}; run the agent once (avma run) to upgrade it`,
    );
  }
  return version;
}

/**
 * Whether a read-only open must treat the file as immutable. A WAL database is read through its -shm
 * index, which SQLite creates next to it; in a directory this user cannot write (the agent's data
 * directory read by an unprivileged operator) and with no -wal/-shm left there (the writer is not
 * running: its last close removes them), a plain read-only open fails with SQLITE_READONLY
 * (sqlite.org/wal.html, "Read-Only Databases"). No -wal (or an empty one) means every commit is in the
 * database file, so `immutable=1` reads it without any -shm. While a writer runs, its -wal and -shm
 * exist and SQLite reads them read-only instead. Only for reads: an immutable reader does not notice a
 * writer that starts later, so a long-lived reader should have a writable directory.
 */
export async function readAsImmutable(path: string): Promise<boolean> {
  const writable = await access(dirname(path), constants.W_OK).then(
    () => true,
    () => false,
  );
  if (writable) return false;
  const wal = await stat(`${path}-wal`).catch(() => null);
  return wal === null || wal.size === 0;
}

async function configure(
  conn: Connection,
  readOnly: boolean,
  options: StoreOptions,
  version: number,
): Promise<void> {
  if (readOnly) {
    await conn.exec('PRAGMA query_only = ON');
    return;
  }
  const mode = await conn.get('PRAGMA journal_mode = WAL');
  if (String(mode === undefined ? '' : Object.values(mode)[0]).toLowerCase() !== 'wal') {
    throw new StoreError('IO', `database ${conn.path} cannot use write-ahead logging (WAL)`);
  }
  // NORMAL in WAL mode: a crash of the process never loses a committed transaction; only a power
  // loss may roll back the last few, and never corrupts (sqlite.org/pragma.html#pragma_synchronous).
  // temp_store MEMORY: the temporary tables this connection keeps (the sweep-state notes, a few
  // thousand rows between prunes) would otherwise spill into a temporary file, written and truncated
  // again at every prune (about 1,000 writes a round on an 8,000-VM fleet).
  await conn.exec('PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; PRAGMA temp_store = MEMORY');
  await upgradeSchema(conn, options.migrations ?? MIGRATIONS, version, options.onUpgradeBackup);
  // Temporary: this connection's, never in the file, so no migration.
  await conn.exec(ONE_STATEMENT_SCHEMA);
}

export { isPostgresUrl };

export function storeSettings(options: StoreOptions, readOnly: boolean): StoreSettings {
  return {
    busyTimeoutMs: checkInteger(
      options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS,
      'busyTimeoutMs',
      0,
      600_000,
    ),
    staleAfterMs: checkInteger(
      options.staleAfterMs ?? DEFAULT_STALE_AFTER_MS,
      'staleAfterMs',
      1,
      366 * 86_400_000,
    ),
    memoryChangeRatio: checkRatio(options.memoryChangeRatio ?? DEFAULT_MEMORY_CHANGE_RATIO),
    readOnly,
    oneStatement: checkBoolean(options.oneStatement ?? true, 'oneStatement'),
  };
}

/** See `StoreOptions.memoryChangeRatio`. */
export const DEFAULT_MEMORY_CHANGE_RATIO = 0.05;

function checkRatio(value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > 0.5) {
    throw invalid('memoryChangeRatio', value, 'a number 0..0.5');
  }
  return value;
}

/**
 * Opens (or creates) an avma-agent database: a SQLite file, or a `postgres://` URL (pg/open-pg-store.ts,
 * which has its own checks and migrations). Resolves to a `Store` whose schema is current. Rejects
 * with `StoreError`: NOT_FOUND (missing file when not creating, or missing directory), CORRUPT (not
 * SQLite, damaged, quick_check failing), NEWER_SCHEMA, NOT_AVMA_DATABASE, OUTDATED_SCHEMA (read-only
 * and behind), WRITER_BUSY (`writer` asked and another agent is the writer), LOCKED, IO. A refused
 * file is left exactly as it was.
 */
export async function openStore(path: string, options: StoreOptions = {}): Promise<Store> {
  if (isPostgresUrl(path)) {
    // Loaded only when asked: `pg` stays out of every SQLite agent's and CLI command's start-up.
    const { openPgStore } = await import('./pg/open-pg-store.js');
    return openPgStore(path, options);
  }
  const readOnly = options.readOnly ?? false;
  const create = !readOnly && (options.create ?? true);
  const settings = storeSettings(options, readOnly);
  if (typeof path !== 'string' || path === '' || path === ':memory:') {
    throw new StoreError(
      'INVALID_ARGUMENT',
      `database path is ${JSON.stringify(path)}, expected a file path`,
    );
  }
  const writer = writerCommand(options.writer, readOnly);
  const creating = await checkFile(path, create);
  const immutable = readOnly && (await readAsImmutable(path));
  const conn = await Connection.open(path, { readOnly, create, immutable });
  let lock: WriterLock | null = null;
  try {
    conn.setBusyTimeout(settings.busyTimeoutMs);
    await checkIntegrity(conn);
    const version = await checkIdentity(conn, readOnly, latestOf(options.migrations ?? MIGRATIONS));
    // Claimed before migrations, so a refused agent has changed nothing.
    if (writer !== null) lock = await claimWriterLock(path, writer);
    await configure(conn, readOnly, options, version);
  } catch (error) {
    await conn.close().catch(() => undefined);
    await lock?.release();
    // Opening writes no records, so a file created just now holds nothing worth keeping.
    if (creating) await removeCreatedDatabase(path);
    throw error;
  }
  return new Store(conn, settings, lock);
}

export function writerCommand(writer: StoreOptions['writer'], readOnly: boolean): string | null {
  if (writer === undefined) return null;
  const command = typeof writer?.command === 'string' ? writer.command.trim() : '';
  if (command === '' || command.length > 200 || /[\p{Cc}]/u.test(command)) {
    throw new StoreError('INVALID_ARGUMENT', 'writer.command must be one line of 1 to 200 characters');
  }
  if (readOnly) {
    throw new StoreError(
      'INVALID_ARGUMENT',
      'a read-only store cannot be the writer; leave out writer or readOnly',
    );
  }
  return command;
}
