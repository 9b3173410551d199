/**
 * PostgreSQL migration 2: SQLite's migration 7 (migrations/0007-kvp-items.ts), a stored pool as a
 * kvp_items row per item, in PostgreSQL's types.
 */
import { moveKvpItemsOut } from '../../migrations/kvp-items-conversion.js';
import type { SqlConnection } from '../../sql-connection.js';

export const PG_MIGRATION_0002_KVP_ITEMS = `
CREATE TABLE kvp_items (
  id      bigint  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  vm_id   bigint  NOT NULL,
  pool    text    NOT NULL,
  name    text    NOT NULL,
  nth     integer NOT NULL CHECK (nth >= 0),
  data    text    NOT NULL,
  UNIQUE (vm_id, pool, name, nth)
);
`;

export async function afterPgMigration0002(conn: SqlConnection): Promise<void> {
  await moveKvpItemsOut(conn);
  await conn.exec('ALTER TABLE kvp_latest DROP COLUMN items, DROP COLUMN sha256');
}
