/**
 * Opening a PostgreSQL database: connect, refuse what is not ours or is newer BEFORE anything writes,
 * then apply the pending migrations of PG_MIGRATIONS in one transaction under an advisory lock (several
 * agents starting at once: one migrates, the others wait and find nothing left to do).
 * The schema's identity lives in `avma_schema` (application, version): PostgreSQL has no
 * application_id/user_version header like an SQLite file.
 */

import { StoreError } from '../errors.js';
import type { Migration } from '../migrations/index.js';
import { type StoreOptions, storeSettings, writerCommand } from '../open-store.js';
import { Store } from '../store.js';
import { PG_MIGRATIONS } from './migrations/index.js';
import { PgConnection } from './pg-connection.js';

export const AVMA_PG_APPLICATION = 'avma-agent';
/** pg_advisory_xact_lock key for migrations: 'AVMA' in ASCII, like SQLite's application_id. */
export const PG_MIGRATION_LOCK = 1096174913;

/**
 * The schema version recorded, 0 for a database without avma tables; refuses other applications'.
 * Whether avma_schema exists and how many tables there are come from ONE statement, so from one
 * snapshot: read in two, another agent's first migration could commit in between, and the second read
 * would count its tables as another application's (seen with three agents starting at once).
 */
export async function schemaVersion(conn: PgConnection): Promise<number> {
  const tables = await conn.get(
    "SELECT count(*) AS n, count(*) FILTER (WHERE table_name = 'avma_schema') AS ours FROM information_schema.tables WHERE table_schema = 'public'",
  );
  if (Number(tables?.ours ?? 0) > 0) {
    const row = await conn.get('SELECT application, version FROM avma_schema');
    if (row === undefined || row.application !== AVMA_PG_APPLICATION) {
      throw new StoreError(
        'NOT_AVMA_DATABASE',
        `${conn.path} has an avma_schema table of another application; refusing to change it`,
      );
    }
    return Number(row.version);
  }
  if (Number(tables?.n ?? 0) > 0) {
    throw new StoreError(
      'NOT_AVMA_DATABASE',
      `${conn.path} already holds ${Number(tables?.n)} tables of another application; give the agent a database of its own (CREATE DATABASE avma)`,
    );
  }
  return 0;
}

function latestOf(migrations: readonly Migration[]): number {
  return migrations.reduce((latest, m) => Math.max(latest, m.version), 0);
}

/**
 * Applies every migration above the recorded version in ONE transaction (PostgreSQL's DDL is
 * transactional: a failure leaves the old schema, which the previous agent version still opens).
 * Rejects with MIGRATION_FAILED naming the migration and PostgreSQL's reason.
 */
export async function applyPgMigrations(
  conn: PgConnection,
  migrations: readonly Migration[],
): Promise<number> {
  await conn.exec('BEGIN');
  let current: Migration | null = null;
  let from = 0;
  try {
    // Another agent migrating holds the lock for as long as its migrations take: wait for it, whatever
    // the store's lock timeout.
    await conn.exec('SET LOCAL lock_timeout = 0');
    await conn.get('SELECT pg_advisory_xact_lock($1)', [PG_MIGRATION_LOCK]);
    from = await schemaVersion(conn);
    if (from === 0) {
      await conn.exec('CREATE TABLE avma_schema (application text NOT NULL, version integer NOT NULL)');
      await conn.run('INSERT INTO avma_schema (application, version) VALUES ($1, 0)', [AVMA_PG_APPLICATION]);
    }
    for (const migration of [...migrations].sort((a, b) => a.version - b.version)) {
      if (migration.version <= from) continue;
      current = migration;
      await conn.exec(migration.sql);
      await migration.after?.(conn);
      await conn.run('UPDATE avma_schema SET version = $1', [migration.version]);
    }
    await conn.exec('COMMIT');
    return latestOf(migrations);
  } catch (error) {
    await conn.exec('ROLLBACK').catch(() => undefined);
    if (current === null || (error instanceof StoreError && error.code === 'UNAVAILABLE')) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw new StoreError(
      'MIGRATION_FAILED',
      `upgrading database ${conn.path} failed in migration ${current.name}: ${reason}; every migration was rolled back, the database is unchanged at schema ${from}`,
      { cause: error },
    );
  }
}

/**
 * Opens an avma-agent PostgreSQL database (the URL's database must exist: the agent never creates
 * databases or roles). Rejects with StoreError UNAVAILABLE (unreachable, authentication, no such
 * database), NOT_AVMA_DATABASE, NEWER_SCHEMA, OUTDATED_SCHEMA (read-only and behind),
 * MIGRATION_FAILED, INVALID_ARGUMENT. `writer` takes no database-wide lock here: agents sharing a
 * PostgreSQL sweep each host under its lease (leases.ts).
 */
export async function openPgStore(url: string, options: StoreOptions = {}): Promise<Store> {
  const readOnly = options.readOnly ?? false;
  const settings = storeSettings(options, readOnly);
  writerCommand(options.writer, readOnly);
  const migrations = options.migrations ?? PG_MIGRATIONS;
  const latest = latestOf(migrations);
  const conn = new PgConnection(url, {
    connectTimeoutMs: settings.busyTimeoutMs || 10_000,
    lockTimeoutMs: settings.busyTimeoutMs,
    readOnly,
  });
  try {
    await conn.connect();
    const version = await schemaVersion(conn);
    if (version > latest) {
      throw new StoreError(
        'NEWER_SCHEMA',
        `this database was written by a newer avma-agent (schema ${version}, this version knows ${latest}); refusing to open it`,
      );
    }
    if (readOnly) {
      if (version < latest) {
        throw new StoreError(
          'OUTDATED_SCHEMA',
          `database ${conn.path} has schema ${version}, this version reads ${latest}; run avma db migrate --db URL first`,
        );
      }
    } else if (version < latest) {
      await applyPgMigrations(conn, migrations);
    }
  } catch (error) {
    await conn.close().catch(() => undefined);
    throw error;
  }
  return new Store(conn, settings, null);
}
