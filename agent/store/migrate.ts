/** Applying the numbered migrations: all pending ones in one transaction, recorded in user_version. */
import type { Connection } from './connection.js';
import { StoreError } from './errors.js';
import type { Migration } from './migrations/index.js';

/** Reads an integer pragma (`user_version`, `application_id`). Rejects with StoreError on failure. */
export async function pragmaNumber(
  conn: Connection,
  pragma: 'user_version' | 'application_id',
): Promise<number> {
  const row = await conn.get(`PRAGMA ${pragma}`);
  return Number(row === undefined ? 0 : Object.values(row)[0]);
}

function migrationFailed(conn: Connection, migration: Migration, from: number, error: unknown): StoreError {
  const reason = error instanceof Error ? error.message : String(error);
  return new StoreError(
    'MIGRATION_FAILED',
    `upgrading database ${conn.path} failed in migration ${migration.name}: ${reason}; every migration was rolled back, the database is unchanged at schema ${from}`,
    { cause: error },
  );
}

/**
 * Applies every migration above the database's `user_version`, in order, inside ONE IMMEDIATE
 * transaction that also sets `user_version`. SQLite's DDL is transactional, so a failure in any of them
 * rolls all of them back: the database stays at the schema it had, which the previous agent version
 * still opens (one transaction per migration would leave it half-upgraded, at a schema no released
 * version reads). Rejects with StoreError MIGRATION_FAILED naming the migration and SQLite's reason.
 */
export async function applyMigrations(conn: Connection, migrations: readonly Migration[]): Promise<void> {
  await conn.exec('BEGIN IMMEDIATE');
  // Re-read inside the write lock: another process may have migrated meanwhile.
  const from = await pragmaNumber(conn, 'user_version').catch(async (error: unknown) => {
    await conn.exec('ROLLBACK').catch(() => undefined);
    throw error;
  });
  let current: Migration | null = null;
  try {
    for (const migration of migrations) {
      if (migration.version <= from) continue;
      current = migration;
      await conn.exec(migration.sql);
      await migration.after?.(conn);
      // PRAGMA takes no bound parameters; the version is an integer constant of this build, not input.
      await conn.exec(`PRAGMA user_version = ${Math.trunc(migration.version)}`);
    }
    await conn.exec('COMMIT');
  } catch (error) {
    await conn.exec('ROLLBACK').catch(() => undefined);
    throw current === null ? error : migrationFailed(conn, current, from, error);
  }
}
