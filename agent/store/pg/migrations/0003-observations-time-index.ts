/**
 * PostgreSQL migration 3: `observations_time` on `valid_from` alone, as SQLite's migration 8. Every
 * sweep moves each open interval's `last_seen`; an indexed column changed defeats PostgreSQL's
 * heap-only (HOT) updates, so each move also wrote every index of the row. No query reads `last_seen`
 * from this index (see the SQLite migration).
 */
export const PG_MIGRATION_0003_OBSERVATIONS_TIME_INDEX = `
DROP INDEX observations_time;
CREATE INDEX observations_time ON observations(valid_from);
`;
