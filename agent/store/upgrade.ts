/** Upgrading a database's schema when a newer agent opens it: a backup first, then the migrations. */
import { upgradeBackupPath, vacuumInto } from './backup.js';
import type { Connection } from './connection.js';
import { StoreError } from './errors.js';
import { applyMigrations } from './migrate.js';
import type { Migration } from './migrations/index.js';

/** Told of the copy taken before an upgrade (the agent logs it). */
export type UpgradeBackupListener = (backup: string, from: number, to: number) => void;

/** The schema version `migrations` lead to. */
export function latestOf(migrations: readonly Migration[]): number {
  return migrations.reduce((latest, migration) => Math.max(latest, migration.version), 0);
}

/**
 * Upgrades an existing database (at schema `version`) only after an online backup beside it, so even
 * an upgrade that fails in a way SQLite cannot roll back (power loss, a damaged disk) leaves a copy of
 * the old data; a failure names the backup. A new, empty database needs none. Rejects with StoreError
 * (MIGRATION_FAILED, or the backup's own failure: nothing is migrated without its copy).
 */
export async function upgradeSchema(
  conn: Connection,
  migrations: readonly Migration[],
  version: number,
  onBackup?: UpgradeBackupListener,
): Promise<void> {
  const latest = latestOf(migrations);
  // Still one (empty) write transaction: a database another process holds locked is refused (LOCKED)
  // when it is opened, not at the first sweep.
  if (version >= latest) return applyMigrations(conn, migrations);
  let backup: string | null = null;
  if (version > 0) {
    backup = upgradeBackupPath(conn.path, version, latest, new Date());
    await vacuumInto(conn, backup);
    onBackup?.(backup, version, latest);
  }
  try {
    await applyMigrations(conn, migrations);
  } catch (error) {
    if (backup === null || !(error instanceof StoreError) || error.code !== 'MIGRATION_FAILED') throw error;
    throw new StoreError('MIGRATION_FAILED', `${error.message}; a copy taken before is ${backup}`, {
      cause: error.cause,
    });
  }
}
