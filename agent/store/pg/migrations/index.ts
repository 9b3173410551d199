/**
 * The PostgreSQL backend's numbered migrations: its own series (PostgreSQL started at the schema SQLite
 * had reached), applied like SQLite's: all pending ones in one transaction, recorded in
 * `avma_schema`. Append only.
 */
import type { Migration } from '../../migrations/index.js';
import { PG_MIGRATION_0001_INIT } from './0001-init.js';

export const PG_MIGRATIONS: readonly Migration[] = Object.freeze([
  Object.freeze({ version: 1, name: 'pg-0001-init', sql: PG_MIGRATION_0001_INIT }),
]);
