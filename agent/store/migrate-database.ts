/**
 * `avma db migrate`: bring a database's schema up to this version without running an agent, and say
 * from which version to which. An SQLite file is upgraded as `avma run` would (backup beside it first);
 * a PostgreSQL database is created or upgraded under the migration advisory lock. Either is opened by
 * `openStore`, so everything it refuses (another application's database, a newer schema) is refused.
 */
import { Connection } from './connection.js';
import { pragmaNumber } from './migrate.js';
import { MIGRATIONS } from './migrations/index.js';
import { isPostgresUrl, openStore } from './open-store.js';
import { latestOf, type UpgradeBackupListener } from './upgrade.js';

export interface DatabaseMigration {
  /** The SQLite file, or the PostgreSQL URL without its password. */
  readonly database: string;
  readonly backend: 'sqlite' | 'postgres';
  /** The schema before (0: a PostgreSQL database without avma tables). */
  readonly from: number;
  readonly to: number;
}

/** The PostgreSQL schema version recorded (0: no avma tables); refuses another application's database. */
async function pgVersion(url: string): Promise<number> {
  const { PgConnection } = await import('./pg/pg-connection.js');
  const { schemaVersion } = await import('./pg/open-pg-store.js');
  const conn = new PgConnection(url, { applicationName: 'avma db migrate' });
  try {
    await conn.connect();
    return await schemaVersion(conn);
  } finally {
    await conn.close();
  }
}

/** The SQLite file's user_version, or null when it cannot be read (openStore then says why). */
async function sqliteVersion(path: string): Promise<number | null> {
  try {
    const conn = await Connection.open(path, { readOnly: true, create: false });
    try {
      return await pragmaNumber(conn, 'user_version');
    } finally {
      await conn.close();
    }
  } catch {
    return null;
  }
}

/**
 * Upgrades the database `target` (an existing SQLite file, or a postgres:// URL of an existing
 * database) to this version's schema; `onUpgradeBackup` is told of the SQLite copy taken first.
 * Rejects with StoreError like `openStore`: NOT_FOUND, CORRUPT, NOT_AVMA_DATABASE, NEWER_SCHEMA,
 * MIGRATION_FAILED, UNAVAILABLE, LOCKED.
 */
export async function migrateDatabase(
  target: string,
  onUpgradeBackup?: UpgradeBackupListener,
): Promise<DatabaseMigration> {
  const postgres = isPostgresUrl(target);
  const from = postgres ? await pgVersion(target) : await sqliteVersion(target);
  const store = await openStore(target, {
    create: false,
    ...(onUpgradeBackup === undefined ? {} : { onUpgradeBackup }),
  });
  const database = store.path;
  await store.close();
  const { PG_MIGRATIONS } = postgres ? await import('./pg/migrations/index.js') : { PG_MIGRATIONS: [] };
  const to = latestOf(postgres ? PG_MIGRATIONS : MIGRATIONS);
  return Object.freeze({ database, backend: postgres ? 'postgres' : 'sqlite', from: from ?? 0, to });
}
