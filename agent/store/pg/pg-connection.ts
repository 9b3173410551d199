/**
 * The PostgreSQL backend's connection: one node-postgres `Client`, reconnected on the next call after
 * it was lost (never inside a transaction: a lost connection fails that transaction, whose work the
 * server rolled back). It is the only module that calls `pg`; every failure leaves as a `StoreError`.
 * Values are always bound parameters (`$1`...), never SQL text.
 *
 * Types come back as the SQLite backend returns them, so the decoding above the SQL is shared:
 * bigint and numeric as numbers (times are integer milliseconds, far below 2^53), booleans as 1/0,
 * json and jsonb as their text.
 */
import { createHash } from 'node:crypto';
import pg from 'pg';
import { StoreError } from '../errors.js';
import type { RunResult, SqlConnection, SqlRow, SqlValue } from '../sql-connection.js';
import { pgStoreError } from './pg-errors.js';

const INT8 = 20;
const NUMERIC = 1700;
const BOOL = 16;

function safeNumber(text: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value) && Number.isInteger(value)) {
    throw new StoreError('IO', `PostgreSQL returned ${text}, beyond the integers this store keeps exactly`);
  }
  return value;
}

const TYPES = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === INT8 || oid === NUMERIC) return safeNumber;
    if (oid === BOOL) return (text: string) => (text === 't' ? 1 : 0);
    // json/jsonb stay text: the decoders parse (and validate) them like SQLite's TEXT columns.
    if (oid === 114 || oid === 3802) return (text: string) => text;
    return pg.types.getTypeParser(oid, format as 'text');
  },
} as unknown as pg.CustomTypesConfig;

/** The URL as error messages may show it: the password replaced by `***`. */
export function redactedUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'postgres://(unparsable URL)';
  }
}

/** Prepared statement names: one per SQL text, stable across reconnects. */
const statementNames = new Map<string, string>();
function statementName(sql: string): string {
  let name = statementNames.get(sql);
  if (name === undefined) {
    name = `avma_${createHash('sha1').update(sql).digest('hex').slice(0, 20)}`;
    statementNames.set(sql, name);
  }
  return name;
}

export interface PgConnectionOptions {
  /** Milliseconds to wait for a connection before failing with UNAVAILABLE. */
  readonly connectTimeoutMs?: number;
  /** Shown in pg_stat_activity. */
  readonly applicationName?: string;
  /**
   * Longest wait for a row or advisory lock another agent holds before the statement fails with
   * LOCKED (PostgreSQL's lock_timeout; the store's busyTimeoutMs, as SQLite's busy timeout). Unset:
   * wait as long as it takes.
   */
  readonly lockTimeoutMs?: number;
  /** Every transaction read-only (default_transaction_read_only): a read-only store cannot write. */
  readonly readOnly?: boolean;
}

/**
 * Session settings as startup options, so a connection made again after a loss has them too (a SET
 * would be gone with the lost session).
 */
function startupOptions(options: PgConnectionOptions): string | undefined {
  const settings: string[] = [];
  if (options.lockTimeoutMs !== undefined) {
    settings.push(`-c lock_timeout=${Math.max(1, Math.trunc(options.lockTimeoutMs))}`);
  }
  if (options.readOnly === true) settings.push('-c default_transaction_read_only=on');
  return settings.length === 0 ? undefined : settings.join(' ');
}

export class PgConnection implements SqlConnection {
  readonly dialect = 'postgres' as const;
  readonly path: string;
  readonly #url: string;
  readonly #options: PgConnectionOptions;
  #client: pg.Client | null = null;
  #connecting: Promise<pg.Client> | null = null;
  #closed = false;
  /** A transaction is open on the current session (BEGIN ran, COMMIT or ROLLBACK not yet). */
  #inTransaction = false;
  /**
   * The session was lost with a transaction open: the server rolled it back. Every statement until
   * the caller's ROLLBACK fails, so none of the rest of that transaction runs on a new session
   * (where it would commit piecemeal, outside any transaction).
   */
  #lostTransaction = false;

  constructor(url: string, options: PgConnectionOptions = {}) {
    this.#url = url;
    this.path = redactedUrl(url);
    this.#options = options;
  }

  /** Connects now (openStore calls it, so a wrong URL fails at open with UNAVAILABLE or IO). */
  async connect(): Promise<void> {
    await this.#ready();
  }

  #ready(): Promise<pg.Client> {
    if (this.#closed) return Promise.reject(new StoreError('CLOSED', `store ${this.path} is closed`));
    if (this.#client !== null) return Promise.resolve(this.#client);
    this.#connecting ??= this.#open().finally(() => {
      this.#connecting = null;
    });
    return this.#connecting;
  }

  async #open(): Promise<pg.Client> {
    const client = new pg.Client({
      connectionString: this.#url,
      types: TYPES,
      connectionTimeoutMillis: this.#options.connectTimeoutMs ?? 10_000,
      application_name: this.#options.applicationName ?? 'avma-agent',
      options: startupOptions(this.#options),
    });
    // A connection lost between calls (server restart) must not crash the process: forget it; the
    // next call connects again.
    client.on('error', () => this.#forget(client));
    client.on('end', () => this.#forget(client));
    try {
      await client.connect();
    } catch (error) {
      client.end().catch(() => undefined);
      throw pgStoreError(error, this.path, 'connecting to');
    }
    this.#client = client;
    return client;
  }

  #forget(client: pg.Client): void {
    if (this.#client !== client) return;
    this.#client = null;
    if (this.#inTransaction) this.#lostTransaction = true;
    this.#inTransaction = false;
  }

  /**
   * Whether `sql` may run now; false for the ROLLBACK that ends a lost transaction (nothing to do).
   * Its COMMIT fails (nothing was committed) and ends it too, so the next BEGIN starts afresh.
   */
  #admit(sql: string, doing: string): boolean {
    if (!this.#lostTransaction) return true;
    const ends = /^\s*(ROLLBACK|COMMIT)\b/i.exec(sql)?.[1]?.toUpperCase();
    if (ends !== undefined) this.#lostTransaction = false;
    if (ends === 'ROLLBACK') return false;
    throw pgStoreError(new Error('Connection terminated inside the transaction'), this.path, doing);
  }

  /** Follows BEGIN / COMMIT / ROLLBACK, which the store sends as plain statements. */
  #track(sql: string): void {
    if (/^\s*BEGIN\b/i.test(sql)) this.#inTransaction = true;
    else if (/^\s*(COMMIT|ROLLBACK)\b/i.test(sql)) this.#inTransaction = false;
  }

  async #query(
    sql: string,
    params: readonly SqlValue[],
    doing: string,
    prepare: boolean,
  ): Promise<pg.QueryResult> {
    if (!this.#admit(sql, doing)) return { rows: [], rowCount: 0 } as unknown as pg.QueryResult;
    const client = await this.#ready();
    try {
      const result = prepare
        ? await client.query({ name: statementName(sql), text: sql, values: params as SqlValue[] })
        : await client.query(sql);
      this.#track(sql);
      return result;
    } catch (error) {
      const storeError = pgStoreError(error, this.path, doing);
      if (storeError.code === 'UNAVAILABLE') {
        this.#forget(client);
        client.end().catch(() => undefined);
      }
      throw storeError;
    }
  }

  async run(sql: string, params: readonly SqlValue[] = []): Promise<RunResult> {
    const result = await this.#query(sql, params, 'writing', true);
    return { changes: result.rowCount ?? 0 };
  }

  async get(sql: string, params: readonly SqlValue[] = []): Promise<SqlRow | undefined> {
    const result = await this.#query(sql, params, 'reading', true);
    return result.rows[0] as SqlRow | undefined;
  }

  async all(sql: string, params: readonly SqlValue[] = []): Promise<SqlRow[]> {
    const result = await this.#query(sql, params, 'reading', true);
    return result.rows as SqlRow[];
  }

  async exec(sql: string): Promise<void> {
    await this.#query(sql, [], 'writing', false);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const client = this.#client ?? (await this.#connecting?.catch(() => null)) ?? null;
    this.#client = null;
    await client?.end().catch(() => undefined);
  }
}
