/**
 * The numbered migrations, in order. They are TypeScript modules exporting SQL text (not .sql files)
 * so `tsc` carries them into dist/ with the code that applies them. Append only: a released migration
 * is never edited, because databases in the field have already applied it.
 */

import type { SqlConnection } from '../sql-connection.js';
import { MIGRATION_0001_INIT } from './0001-init.js';
import { MIGRATION_0002_LICENCE_EVIDENCE } from './0002-licence-evidence.js';
import { MIGRATION_0003_TOKENS } from './0003-tokens.js';
import { MIGRATION_0004_VM_SIZE } from './0004-vm-size.js';
import { MIGRATION_0005_MONTH_CLOSE_CHAIN } from './0005-month-close-chain.js';
import { MIGRATION_0006_AVMA_SUCCESS_INDEX } from './0006-avma-success-index.js';
import { afterMigration0007, MIGRATION_0007_KVP_ITEMS } from './0007-kvp-items.js';
import { MIGRATION_0008_OBSERVATIONS_TIME_INDEX } from './0008-observations-time-index.js';

export interface Migration {
  /** 1-based; stored in `PRAGMA user_version` once applied. */
  readonly version: number;
  readonly name: string;
  readonly sql: string;
  /**
   * Run after `sql`, in the same transaction: data that SQL alone cannot convert exactly (migration
   * 7's items), and statements that must follow it.
   */
  readonly after?: (conn: SqlConnection) => Promise<void>;
}

export const MIGRATIONS: readonly Migration[] = Object.freeze([
  Object.freeze({ version: 1, name: '0001-init', sql: MIGRATION_0001_INIT }),
  Object.freeze({ version: 2, name: '0002-licence-evidence', sql: MIGRATION_0002_LICENCE_EVIDENCE }),
  Object.freeze({ version: 3, name: '0003-tokens', sql: MIGRATION_0003_TOKENS }),
  Object.freeze({ version: 4, name: '0004-vm-size', sql: MIGRATION_0004_VM_SIZE }),
  Object.freeze({ version: 5, name: '0005-month-close-chain', sql: MIGRATION_0005_MONTH_CLOSE_CHAIN }),
  Object.freeze({ version: 6, name: '0006-avma-success-index', sql: MIGRATION_0006_AVMA_SUCCESS_INDEX }),
  Object.freeze({
    version: 7,
    name: '0007-kvp-items',
    sql: MIGRATION_0007_KVP_ITEMS,
    after: afterMigration0007,
  }),
  Object.freeze({
    version: 8,
    name: '0008-observations-time-index',
    sql: MIGRATION_0008_OBSERVATIONS_TIME_INDEX,
  }),
]);

/** The schema version this build writes: the number of the newest migration (numbers may have gaps). */
export const LATEST_SCHEMA_VERSION = MIGRATIONS.reduce((latest, m) => Math.max(latest, m.version), 0);
