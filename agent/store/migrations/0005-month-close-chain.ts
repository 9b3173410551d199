/**
 * Migration 5: month closes become a hash chain (issue 11, "Month closes").
 * - A close now freezes, beside the report JSON, every CSV table (`csv`: a JSON object table -> text),
 *   the report settings it was built with (`settings`, JSON), who closed it (`actor`, and `actor_source`:
 *   `given` or `os-user` when the OS user name stood in), whether it was closed before the month ended
 *   (`forced`), and `previous_sha256`, the hash of the close stored before it (NULL for the first).
 * - `format` says which rule `sha256` follows: 1 = SHA-256 of the report JSON alone (every close made
 *   before this migration, marked so here and never rewritten), 2 = SHA-256 of the canonical
 *   serialisation of all the fields above (agent/usage/close-digest.ts). Closes of format 1 stay valid
 *   under their own rule; the chain starts with the first format-2 close, whose previous hash is the
 *   last close stored before it, so the old closes are anchored by the new chain.
 * - ALTER TABLE ... ADD COLUMN fires no trigger: the UPDATE/DELETE-refusing triggers of migration 1 stay
 *   in force for every row and column.
 * - `raw_prunes`: each retention prune (what was pruned before which instant), append-only like the
 *   closes, so a drift check knows a month's raw data is gone instead of reporting false drift.
 */
export const MIGRATION_0005_MONTH_CLOSE_CHAIN = `
ALTER TABLE month_closes ADD COLUMN format INTEGER NOT NULL DEFAULT 1 CHECK (format IN (1, 2));
ALTER TABLE month_closes ADD COLUMN csv TEXT;
ALTER TABLE month_closes ADD COLUMN settings TEXT;
ALTER TABLE month_closes ADD COLUMN actor TEXT;
ALTER TABLE month_closes ADD COLUMN actor_source TEXT CHECK (actor_source IS NULL OR actor_source IN ('given', 'os-user'));
ALTER TABLE month_closes ADD COLUMN forced INTEGER NOT NULL DEFAULT 0 CHECK (forced IN (0, 1));
ALTER TABLE month_closes ADD COLUMN previous_sha256 TEXT;

CREATE TABLE raw_prunes (
  id            INTEGER PRIMARY KEY,
  at            INTEGER NOT NULL,
  -- Raw events and closed observation intervals ending before this instant were deleted.
  before        INTEGER NOT NULL,
  events        INTEGER NOT NULL CHECK (events >= 0),
  observations  INTEGER NOT NULL CHECK (observations >= 0)
);
CREATE TRIGGER raw_prunes_no_update BEFORE UPDATE ON raw_prunes
BEGIN SELECT RAISE(ABORT, 'the prune record is append-only'); END;
CREATE TRIGGER raw_prunes_no_delete BEFORE DELETE ON raw_prunes
BEGIN SELECT RAISE(ABORT, 'the prune record is append-only'); END;
`;
