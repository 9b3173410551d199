/**
 * Direct SQLite access for store tests only: it builds the hostile files the store must refuse (a
 * newer schema, another application's database, a tampered closed month) and checks what is on disk
 * without going through the code under test.
 */
import sqlite3 from 'sqlite3';

export interface RawDb {
  run(sql: string, params?: readonly (string | number | null)[]): Promise<void>;
  all(sql: string, params?: readonly (string | number | null)[]): Promise<Record<string, unknown>[]>;
  exec(sql: string): Promise<void>;
  close(): Promise<void>;
}

export function openRaw(path: string, mode = sqlite3.OPEN_READWRITE | sqlite3.OPEN_CREATE): Promise<RawDb> {
  return new Promise((resolve, reject) => {
    const db: sqlite3.Database = new sqlite3.Database(path, mode, (error) => {
      if (error !== null) {
        reject(error);
        return;
      }
      resolve({
        run: (sql, params = []) =>
          new Promise((ok, fail) => db.run(sql, params, (e: Error | null) => (e === null ? ok() : fail(e)))),
        all: (sql, params = []) =>
          new Promise((ok, fail) =>
            db.all(sql, params, (e: Error | null, rows: Record<string, unknown>[]) =>
              e === null ? ok(rows) : fail(e),
            ),
          ),
        exec: (sql) =>
          new Promise((ok, fail) => db.exec(sql, (e: Error | null) => (e === null ? ok() : fail(e)))),
        close: () => new Promise((ok, fail) => db.close((e) => (e === null ? ok() : fail(e)))),
      });
    });
  });
}

/** Runs one query on a fresh connection and closes it. */
export async function queryOnce(path: string, sql: string): Promise<Record<string, unknown>[]> {
  const db = await openRaw(path, sqlite3.OPEN_READONLY);
  try {
    return await db.all(sql);
  } finally {
    await db.close();
  }
}

/**
 * Rewrites a closed month's report behind the store's back, the way someone with the sqlite3 shell
 * could: drop the immutability trigger, update, and leave. For tamper-detection tests.
 */
export async function tamperMonthClose(path: string, month: string, report: string): Promise<void> {
  const db = await openRaw(path);
  try {
    await db.exec('DROP TRIGGER month_closes_no_update');
    await db.run('UPDATE month_closes SET report = ? WHERE month = ?', [report, month]);
  } finally {
    await db.close();
  }
}
