/**
 * The PostgreSQL backend's numbered migrations: its own series (PostgreSQL started at the schema SQLite
 * had reached), applied like SQLite's: all pending ones in one transaction, recorded in
 * `avma_schema`. Append only.
 */
import type { Migration } from '../../migrations/index.js';
import { PG_MIGRATION_0001_INIT } from './0001-init.js';
import { afterPgMigration0002, PG_MIGRATION_0002_KVP_ITEMS } from './0002-kvp-items.js';
import { PG_MIGRATION_0003_OBSERVATIONS_TIME_INDEX } from './0003-observations-time-index.js';

export const PG_MIGRATIONS: readonly Migration[] = Object.freeze([
  Object.freeze({ version: 1, name: 'pg-0001-init', sql: PG_MIGRATION_0001_INIT }),
  Object.freeze({
    version: 2,
    name: 'pg-0002-kvp-items',
    sql: PG_MIGRATION_0002_KVP_ITEMS,
    after: afterPgMigration0002,
  }),
  Object.freeze({
    version: 3,
    name: 'pg-0003-observations-time-index',
    sql: PG_MIGRATION_0003_OBSERVATIONS_TIME_INDEX,
  }),
]);
