// SQLite only: node-sqlite3's error codes mapped to store codes; PostgreSQL's SQLSTATEs are mapped in pg-errors.ts.
import { describe, expect, it } from 'vitest';
import { toStoreError } from '../../../agent/store/errors.js';
import { StoreError } from '../../../agent/store/index.js';
import { openRaw } from './raw-sqlite.js';

/** Produces a real node-sqlite3 error by running `sql` on an in-memory database. */
async function sqliteFailure(setup: string, sql: string): Promise<unknown> {
  const db = await openRaw(':memory:');
  await db.exec(setup);
  const error = await db.exec(sql).then(
    () => null,
    (e: unknown) => e,
  );
  await db.close();
  return error;
}

describe('agent/store/errors', () => {
  it('maps a full disk (SQLITE_FULL) to DISK_FULL with the database path', async () => {
    // max_page_count makes SQLite report exactly what a full disk reports.
    const full = await sqliteFailure(
      'CREATE TABLE t (x TEXT); PRAGMA max_page_count = 2',
      'WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000) INSERT INTO t SELECT hex(randomblob(500)) FROM n',
    );
    const error = toStoreError(full, '/var/lib/avma/avma.db', 'writing');
    expect(error.code).toBe('DISK_FULL');
    expect(error.message).toBe(
      'database /var/lib/avma/avma.db cannot grow: the disk is full; free space and retry (nothing was written) (writing: SQLITE_FULL: database or disk is full)',
    );
    expect(error.cause).toBe(full);
  });

  it('maps a constraint violation to CONFLICT', async () => {
    const clash = await sqliteFailure(
      'CREATE TABLE t (x UNIQUE); INSERT INTO t VALUES (1)',
      'INSERT INTO t VALUES (1)',
    );
    expect(toStoreError(clash, 'a.db', 'writing').code).toBe('CONFLICT');
  });

  it('passes a StoreError through and treats anything else as IO', () => {
    const original = new StoreError('LOCKED', 'x');
    expect(toStoreError(original, 'a.db', 'reading')).toBe(original);
    const other = toStoreError(new Error('EACCES: permission denied'), 'a.db', 'opening');
    expect([other.code, other.message]).toEqual([
      'IO',
      'opening database a.db failed: EACCES: permission denied',
    ]);
  });
});
