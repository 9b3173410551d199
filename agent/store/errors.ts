import { LayerError } from '../../shared/errors/index.js';

/**
 * The one error class of the store layer. Codes are a closed union so the CLI, the API and the sweep can
 * branch on them; messages are one line naming the database file or value that was wrong and what was
 * expected. SQLite's own errors are mapped here and nowhere else.
 */

export const STORE_ERROR_CODES = [
  /** The file is not an SQLite database, or it is damaged (`SQLITE_NOTADB`, `SQLITE_CORRUPT`, quick_check). */
  'CORRUPT',
  /** The database was written by a newer avma-agent (its schema is above the newest migration known here). */
  'NEWER_SCHEMA',
  /** The database needs migrations but was opened read-only. */
  'OUTDATED_SCHEMA',
  /** A valid SQLite database that belongs to something else (other application id, foreign tables). */
  'NOT_AVMA_DATABASE',
  /** Another process holds the write lock past the busy timeout (`SQLITE_BUSY`, `SQLITE_LOCKED`). */
  'LOCKED',
  /** Another agent is the database's writer (it sweeps); one writer per database (writer-lock.ts). */
  'WRITER_BUSY',
  /** The disk or the database's size limit is full (`SQLITE_FULL`). */
  'DISK_FULL',
  /** A missing database file (when not creating), directory, host or VM. */
  'NOT_FOUND',
  /** A caller passed a value outside the documented contract. */
  'INVALID_ARGUMENT',
  /** A write that would change something immutable (a closed month) or break a uniqueness rule. */
  'CONFLICT',
  /** The database file was opened read-only and a write was attempted (`SQLITE_READONLY`). */
  'READ_ONLY',
  /** The store was closed, or a transaction object was used after its transaction ended. */
  'CLOSED',
  /**
   * Upgrading the schema failed; every pending migration was rolled back, so the database is still at
   * its old schema (the message names the migration, SQLite's reason and the backup taken before).
   */
  'MIGRATION_FAILED',
  /**
   * PostgreSQL cannot be reached or the connection was lost (server restart): the running transaction
   * was rolled back by the server; the sweep retries with backoff and `avma_store_up` shows 0.
   */
  'UNAVAILABLE',
  /** This agent's lease on a host expired and another agent holds it: the host's sweep is not recorded. */
  'LEASE_LOST',
  /** Any other I/O or SQLite failure (`SQLITE_IOERR`, `SQLITE_CANTOPEN`, permissions ...). */
  'IO',
] as const;
export type StoreErrorCode = (typeof STORE_ERROR_CODES)[number];

export class StoreError extends LayerError<StoreErrorCode> {
  override readonly name = 'StoreError';
  readonly layer = 'store';
}

/** The SQLite primary result code names node-sqlite3 puts in `error.code`, mapped to store codes. */
const SQLITE_CODES: Readonly<Record<string, StoreErrorCode>> = Object.freeze({
  SQLITE_BUSY: 'LOCKED',
  SQLITE_LOCKED: 'LOCKED',
  SQLITE_FULL: 'DISK_FULL',
  SQLITE_NOTADB: 'CORRUPT',
  SQLITE_CORRUPT: 'CORRUPT',
  SQLITE_READONLY: 'READ_ONLY',
  SQLITE_CONSTRAINT: 'CONFLICT',
  SQLITE_CANTOPEN: 'IO',
  SQLITE_IOERR: 'IO',
  SQLITE_PERM: 'IO',
});

/** What a user should read for each mapped failure; `%` is replaced by the database path. */
const EXPLANATIONS: Readonly<Partial<Record<StoreErrorCode, string>>> = Object.freeze({
  LOCKED: 'database % is locked by another process; stop the other avma process or retry later',
  DISK_FULL: 'database % cannot grow: the disk is full; free space and retry (nothing was written)',
  CORRUPT: 'database % is damaged or not an SQLite database; restore it from a backup',
  READ_ONLY: 'database % was opened read-only or the file is not writable',
});

/** `SQLITE_BUSY: database is locked` -> `SQLITE_BUSY`; anything unrecognised -> null. */
function sqliteCodeOf(error: unknown): string | null {
  if (!(error instanceof Error)) return null;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && code.startsWith('SQLITE_') ? code : null;
}

/**
 * Converts any error thrown by node-sqlite3 into a `StoreError` naming the database path; a
 * `StoreError` passes through unchanged. `doing` says what the store was doing ("opening", "writing").
 * Never throws.
 */
export function toStoreError(error: unknown, path: string, doing: string): StoreError {
  if (error instanceof StoreError) return error;
  const sqliteCode = sqliteCodeOf(error);
  const code = (sqliteCode === null ? undefined : SQLITE_CODES[sqliteCode]) ?? 'IO';
  const detail = error instanceof Error ? error.message.replace(/\s*\n\s*/g, ' ') : String(error);
  const explanation = EXPLANATIONS[code];
  const message =
    explanation === undefined
      ? `${doing} database ${path} failed: ${detail}`
      : `${explanation.replace('%', path)} (${doing}: ${detail})`;
  return new StoreError(code, message, { cause: error });
}
