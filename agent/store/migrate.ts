/** Applying the numbered migrations: each one once, in its own transaction, recorded in user_version. */
import type { Connection } from './connection.js';
import type { Migration } from './migrations/index.js';

/** Reads an integer pragma (`user_version`, `application_id`). Rejects with StoreError on failure. */
export async function pragmaNumber(
  conn: Connection,
  pragma: 'user_version' | 'application_id',
): Promise<number> {
  const row = await conn.get(`PRAGMA ${pragma}`);
  return Number(row === undefined ? 0 : Object.values(row)[0]);
}

/**
 * Applies every migration above the database's `user_version`, in order, each in its own IMMEDIATE
 * transaction that also sets `user_version` to its number: a failing migration rolls back entirely,
 * leaving the database at the previous version, and the error is rethrown (StoreError).
 */
export async function applyMigrations(conn: Connection, migrations: readonly Migration[]): Promise<void> {
  for (const migration of migrations) {
    await conn.exec('BEGIN IMMEDIATE');
    try {
      // Re-read inside the write lock: another process may have migrated meanwhile.
      if ((await pragmaNumber(conn, 'user_version')) < migration.version) {
        await conn.exec(migration.sql);
        // PRAGMA takes no bound parameters; the version is an integer constant of this build, not input.
        await conn.exec(`PRAGMA user_version = ${Math.trunc(migration.version)}`);
      }
      await conn.exec('COMMIT');
    } catch (error) {
      await conn.exec('ROLLBACK').catch(() => undefined);
      throw error;
    }
  }
}
