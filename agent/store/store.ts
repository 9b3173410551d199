/**
 * The store: one SQLite connection, one queue. node-sqlite3 is asynchronous, so without the queue the
 * statements of two concurrent transactions would interleave on the one connection; every transaction
 * and every read runs alone, in order of request.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Connection } from './connection.js';
import { StoreError, toStoreError } from './errors.js';
import { listAudit } from './queries/audit-query.js';
import { EVENTS_PAGE_SIZE, listEventsPage } from './queries/events-query.js';
import { readMetricsSnapshot } from './queries/metrics-query.js';
import { getMonthClose, listMonthCloses } from './queries/month-query.js';
import { listVmStatus } from './queries/status-query.js';
import { readSweepState } from './queries/sweep-state-query.js';
import { readTableSizes, type TableSizes } from './queries/table-sizes.js';
import { readUsageInputs } from './queries/usage-query.js';
import type {
  AuditFilter,
  AuditRow,
  EventCursor,
  EventFilter,
  EventPage,
  EventRow,
  MetricsSnapshot,
  SweepState,
  UsageInputs,
  VmStatus,
  VmStatusFilter,
} from './read-types.js';
import { Transaction } from './transaction.js';
import type { MonthCloseRecord } from './types.js';
import type { WriterLock } from './writer-lock.js';

export interface StoreSettings {
  readonly busyTimeoutMs: number;
  readonly staleAfterMs: number;
  readonly readOnly: boolean;
}

/** Marks async work running inside the queue, to refuse a nested call that would wait for itself. */
const insideQueue = new AsyncLocalStorage<true>();

export class Store {
  readonly #conn: Connection;
  readonly #writerLock: WriterLock | null;
  readonly settings: StoreSettings;
  #tail: Promise<unknown> = Promise.resolve();
  #closed = false;

  /** Use `openStore`; the constructor expects a checked, migrated connection. */
  constructor(conn: Connection, settings: StoreSettings, writerLock: WriterLock | null = null) {
    this.#conn = conn;
    this.#writerLock = writerLock;
    this.settings = Object.freeze({ ...settings });
  }

  /** The database file. */
  get path(): string {
    return this.#conn.path;
  }

  #exclusive<T>(work: () => Promise<T>): Promise<T> {
    if (this.#closed) return Promise.reject(new StoreError('CLOSED', `store ${this.path} is closed`));
    if (insideQueue.getStore() === true) {
      return Promise.reject(
        new StoreError(
          'INVALID_ARGUMENT',
          'store used inside its own transaction; use the transaction object',
        ),
      );
    }
    const result = this.#tail.then(() => insideQueue.run(true, work));
    this.#tail = result.catch(() => undefined);
    return result;
  }

  /**
   * Runs `work` in one IMMEDIATE transaction and resolves to its result after COMMIT. If `work` (or
   * COMMIT) fails, the transaction is rolled back and the error rethrown: nothing of it is visible.
   * Transactions run one at a time in request order. Rejects with StoreError READ_ONLY on a read-only
   * store, LOCKED when another process holds the lock past the busy timeout.
   */
  transaction<T>(work: (tx: Transaction) => Promise<T>): Promise<T> {
    if (this.settings.readOnly) {
      return Promise.reject(new StoreError('READ_ONLY', `store ${this.path} was opened read-only`));
    }
    return this.#exclusive(async () => {
      await this.#conn.exec('BEGIN IMMEDIATE');
      const tx = new Transaction(this.#conn, this.settings.staleAfterMs);
      try {
        const result = await work(tx);
        tx.finish();
        await this.#conn.exec('COMMIT');
        return result;
      } catch (error) {
        tx.finish();
        await this.#conn.exec('ROLLBACK').catch(() => undefined);
        throw error;
      }
    });
  }

  /** Several reads in one snapshot (a deferred read transaction), queued like transactions. */
  #read<T>(work: (conn: Connection) => Promise<T>): Promise<T> {
    return this.#exclusive(async () => {
      await this.#conn.exec('BEGIN');
      try {
        return await work(this.#conn);
      } finally {
        await this.#conn.exec('COMMIT').catch(() => undefined);
      }
    });
  }

  /** One row per VM with its latest observation (deleted VMs only when asked). Never writes. */
  listVmStatus(filter: VmStatusFilter = {}): Promise<VmStatus[]> {
    return this.#read((conn) => listVmStatus(conn, filter));
  }

  /** One page of stored events, oldest first, after `after` (null: the first page). Never writes. */
  listEventsPage(
    filter: EventFilter = {},
    after: EventCursor | null = null,
    pageSize = EVENTS_PAGE_SIZE,
  ): Promise<EventPage> {
    return this.#read((conn) => listEventsPage(conn, filter, after, pageSize));
  }

  /**
   * Every stored event matching the filter, oldest first, a page at a time: each page is read in its
   * own short snapshot, so a slow consumer never holds the database and memory holds one page.
   */
  async *eventPages(
    filter: EventFilter = {},
    pageSize = EVENTS_PAGE_SIZE,
  ): AsyncGenerator<readonly EventRow[]> {
    let after: EventCursor | null = null;
    do {
      const page: EventPage = await this.listEventsPage(filter, after, pageSize);
      if (page.rows.length > 0) yield page.rows;
      after = page.next;
    } while (after !== null);
  }

  /** Every stored event matching the filter, oldest first, in memory (tests and small stores). Never writes. */
  async listEvents(filter: EventFilter = {}): Promise<EventRow[]> {
    const rows: EventRow[] = [];
    for await (const page of this.eventPages(filter)) rows.push(...page);
    return rows;
  }

  /** Audit records (who, what, when, why), oldest first, optionally by VM, action and time. Never writes. */
  listAudit(filter: AuditFilter = {}): Promise<AuditRow[]> {
    return this.#read((conn) => listAudit(conn, filter));
  }

  /** Hosts' last sightings and every VM's flags, latest observation and last intent seq. Never writes. */
  readSweepState(): Promise<SweepState> {
    return this.#read((conn) => readSweepState(conn));
  }

  /**
   * The fleet in aggregate for a metrics scrape (host facts; VM counts by licence state, reason and
   * problem; stored 12309/12310 events by outcome), read in one snapshot. Its size grows with hosts ×
   * vocabularies, never with VMs. Never writes.
   */
  metricsSnapshot(): Promise<MetricsSnapshot> {
    return this.#read((conn) => readMetricsSnapshot(conn));
  }

  /** Everything the SPLA month report needs for [from, to), read in one snapshot. Never writes. */
  readUsageInputs(from: Date, to: Date): Promise<UsageInputs> {
    return this.#read((conn) => readUsageInputs(conn, from, to));
  }

  /** The closed month, or null when it was not closed. Never writes. */
  getMonthClose(month: string): Promise<MonthCloseRecord | null> {
    return this.#read((conn) => getMonthClose(conn, month));
  }

  listMonthCloses(): Promise<MonthCloseRecord[]> {
    return this.#read((conn) => listMonthCloses(conn));
  }

  /** Whether no table holds a row: nothing recorded yet (a database only just created). Never writes. */
  async holdsNothing(): Promise<boolean> {
    const sizes = await this.tableSizes();
    return Object.values(sizes.rows).every((rows) => rows === 0);
  }

  /** Row count per table and the database size in bytes: what store-growth benchmarks measure. */
  tableSizes(): Promise<TableSizes> {
    return this.#read((conn) => readTableSizes(conn));
  }

  /** Whether this store holds the database's writer lock (opened with `writer`). */
  get isWriter(): boolean {
    return this.#writerLock !== null;
  }

  /**
   * Waits for queued work, then closes the file (checkpointing the WAL) and only then releases the
   * writer lock, so the next writer starts after the last commit. Idempotent.
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    const pending = this.#tail;
    this.#closed = true;
    await pending;
    try {
      await this.#conn.close().catch((error: unknown) => {
        throw toStoreError(error, this.path, 'closing');
      });
    } finally {
      await this.#writerLock?.release();
    }
  }
}
