/**
 * What every repository and query speaks: one connection of either backend. SQL text differs between
 * SQLite and PostgreSQL (json_each against jsonb_array_elements, `?N` against `$N`, COLLATE NOCASE
 * against lower()), so a statement that differs is written once per dialect, side by side, and picked
 * with `sqlOf`; everything above the SQL (validation, decoding, transactions) is shared.
 */

export type Dialect = 'sqlite' | 'postgres';

/** A value either backend binds: booleans are stored as 0/1 and times as integer milliseconds. */
export type SqlValue = string | number | null;
export type SqlRow = Readonly<Record<string, unknown>>;

export interface RunResult {
  /** Rows the statement changed. */
  readonly changes: number;
}

export interface SqlConnection {
  readonly dialect: Dialect;
  /** What error messages name: the SQLite file, or the PostgreSQL URL without its password. */
  readonly path: string;
  /** Runs a write statement; resolves to the changed-row count. Use RETURNING for generated ids. */
  run(sql: string, params?: readonly SqlValue[]): Promise<RunResult>;
  /** The row of a query that yields one row at most (by key, an aggregate, LIMIT 1, RETURNING of one row), or undefined. */
  get(sql: string, params?: readonly SqlValue[]): Promise<SqlRow | undefined>;
  /** Every row of a query. */
  all(sql: string, params?: readonly SqlValue[]): Promise<SqlRow[]>;
  /** A script of statements without parameters (migrations, BEGIN/COMMIT). */
  exec(sql: string): Promise<void>;
  close(): Promise<void>;
}

/** One statement in both dialects: SQLite binds `?`/`?N`, PostgreSQL `$N`. */
export interface DialectSql {
  readonly sqlite: string;
  readonly postgres: string;
}

/** The statement's text for this connection's backend. */
export function sqlOf(conn: Pick<SqlConnection, 'dialect'>, statement: DialectSql): string {
  return statement[conn.dialect];
}
