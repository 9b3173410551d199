/**
 * Migration 7: a stored pool is a kvp_items row per item instead of one JSON text (issue 14, long
 * run). A pool whose status item changed was rewritten whole, hashed and compared every round, so a
 * sweep cost more as the guest agent's event ring filled; now only the items that changed are written.
 * - kvp_items: one row per item, keyed by (vm_id, pool, name, nth): `nth` counts the items of the same
 *   name before it in canonical order (0 unless a pool repeats a name). Names and data in their stored
 *   form (stored-name.ts). Each item's pool has its kvp_latest row (when the pool last changed), which
 *   the store writes first; no foreign key says so, because checking it cost a first sweep of 8,000
 *   VMs (141,000 items) 30-65 ms of its 2 s budget (measured), for rows no one deletes.
 * - kvp_latest keeps one row per pool and its `updated_at`; `items` and `sha256` go (a pool is compared
 *   item by item now).
 * The items are moved in JavaScript (kvp-items-conversion.ts), between the two statements below.
 */
import type { SqlConnection } from '../sql-connection.js';
import { moveKvpItemsOut } from './kvp-items-conversion.js';

export const MIGRATION_0007_KVP_ITEMS = `
CREATE TABLE kvp_items (
  id      INTEGER PRIMARY KEY,
  vm_id   INTEGER NOT NULL,
  pool    TEXT    NOT NULL,
  name    TEXT    NOT NULL,
  nth     INTEGER NOT NULL CHECK (nth >= 0),
  data    TEXT    NOT NULL,
  UNIQUE (vm_id, pool, name, nth)
);
`;

export async function afterMigration0007(conn: SqlConnection): Promise<void> {
  await moveKvpItemsOut(conn);
  await conn.exec('ALTER TABLE kvp_latest DROP COLUMN items; ALTER TABLE kvp_latest DROP COLUMN sha256;');
}
