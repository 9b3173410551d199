/**
 * A promise wrapper around one node-sqlite3 `Database` with a prepared-statement cache. It is the only
 * module that calls the driver; every failure leaves as a `StoreError`. Values are always bound
 * parameters: no SQL text is ever built from values.
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import sqlite3 from 'sqlite3';
import { toStoreError } from './errors.js';
import type { RunResult, SqlConnection, SqlRow, SqlValue } from './sql-connection.js';

export type { RunResult, SqlRow, SqlValue } from './sql-connection.js';

export interface OpenMode {
  readonly readOnly: boolean;
  readonly create: boolean;
  /** Read-only, promising SQLite the file cannot change: no locks, no -shm (open-store.ts says when). */
  readonly immutable?: boolean;
}

/**
 * A statement that failed part-way (SQLITE_BUSY outside an explicit transaction: a one-statement sweep
 * while another process holds the write lock) is left active until its next use, and an active
 * statement holds its read snapshot: every later write of the connection would fail (BEGIN IMMEDIATE
 * "database is locked", COMMIT "SQL statements in progress"). Reset now; the error is what is reported.
 */
function resetAfter(statement: sqlite3.Statement, error: Error, reject: (error: Error) => void): void {
  statement.reset(() => reject(error));
}

/** The SQLite backend's connection (node-sqlite3). */
export class Connection implements SqlConnection {
  readonly dialect = 'sqlite' as const;
  readonly #db: sqlite3.Database;
  readonly #statements = new Map<string, Promise<sqlite3.Statement>>();
  readonly path: string;

  private constructor(db: sqlite3.Database, path: string) {
    this.#db = db;
    this.path = path;
  }

  /** Opens the file; rejects with a `StoreError` (IO for CANTOPEN, CORRUPT for NOTADB ...). */
  static open(path: string, mode: OpenMode): Promise<Connection> {
    const immutable = mode.immutable === true;
    const flags = immutable
      ? sqlite3.OPEN_READONLY | sqlite3.OPEN_URI
      : mode.readOnly
        ? sqlite3.OPEN_READONLY
        : sqlite3.OPEN_READWRITE | (mode.create ? sqlite3.OPEN_CREATE : 0);
    // A file: URL percent-encodes whatever in the path SQLite's URI syntax would misread (?, #, %).
    const name = immutable ? `${pathToFileURL(resolve(path)).href}?immutable=1` : path;
    return new Promise((resolve, reject) => {
      const db: sqlite3.Database = new sqlite3.Database(name, flags, (error) => {
        if (error === null) resolve(new Connection(db, path));
        else reject(toStoreError(error, path, 'opening'));
      });
    });
  }

  /** How long a statement waits for another process's lock before failing with LOCKED. */
  setBusyTimeout(ms: number): void {
    this.#db.configure('busyTimeout', ms);
  }

  /** The cached prepared statement for `sql`; a failed prepare is not cached and rejects. */
  #statement(sql: string): Promise<sqlite3.Statement> {
    let statement = this.#statements.get(sql);
    if (statement === undefined) {
      statement = new Promise<sqlite3.Statement>((resolve, reject) => {
        const prepared: sqlite3.Statement = this.#db.prepare(sql, (error: Error | null) =>
          error === null ? resolve(prepared) : reject(error),
        );
      });
      this.#statements.set(sql, statement);
      statement.catch(() => this.#statements.delete(sql));
    }
    return statement;
  }

  /** Runs a write statement; resolves to the changed-row count. */
  async run(sql: string, params: readonly SqlValue[] = []): Promise<RunResult> {
    try {
      const statement = await this.#statement(sql);
      return await new Promise<RunResult>((resolve, reject) => {
        statement.run(params, function (this: sqlite3.RunResult, error: Error | null) {
          if (error === null) resolve({ changes: this.changes });
          else resetAfter(statement, error, reject);
        });
      });
    } catch (error) {
      throw toStoreError(error, this.path, 'writing');
    }
  }

  /**
   * The first row of a query, or undefined. Every caller reads one row at most (by key, an aggregate,
   * LIMIT 1, RETURNING of one row), so the statement is stepped to its end, like `all`: that ends its
   * read by itself, where stopping after the first row needs a reset, a second round trip through
   * node-sqlite3's thread pool (a quarter of the bundled lab month's statements were such reads).
   */
  async get(sql: string, params: readonly SqlValue[] = []): Promise<SqlRow | undefined> {
    try {
      const rows = await this.#all(sql, params);
      return rows[0];
    } catch (error) {
      throw toStoreError(error, this.path, 'reading');
    }
  }

  async #all(sql: string, params: readonly SqlValue[]): Promise<SqlRow[]> {
    const statement = await this.#statement(sql);
    return new Promise<SqlRow[]>((resolve, reject) => {
      statement.all(params, (error: Error | null, rows: SqlRow[]) =>
        error === null ? resolve(rows) : resetAfter(statement, error, reject),
      );
    });
  }

  /** Every row of a query. */
  async all(sql: string, params: readonly SqlValue[] = []): Promise<SqlRow[]> {
    try {
      return await this.#all(sql, params);
    } catch (error) {
      throw toStoreError(error, this.path, 'reading');
    }
  }

  /** Runs a script of statements without parameters (migrations, pragmas, BEGIN/COMMIT). */
  exec(sql: string): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.#db.exec(sql, (error: Error | null) => (error === null ? resolve() : reject(error)));
    }).catch((error: unknown) => {
      throw toStoreError(error, this.path, 'writing');
    });
  }

  /** Finalizes cached statements and closes the file; a WAL checkpoint happens on the last close. */
  async close(): Promise<void> {
    const statements = [...this.#statements.values()];
    this.#statements.clear();
    const prepared = await Promise.all(statements.map((s) => s.catch(() => null)));
    await Promise.all(
      prepared.map((s) =>
        s === null ? undefined : new Promise<void>((resolve) => s.finalize(() => resolve())),
      ),
    );
    await new Promise<void>((resolve, reject) => {
      this.#db.close((error) =>
        error === null ? resolve() : reject(toStoreError(error, this.path, 'closing')),
      );
    });
  }
}
