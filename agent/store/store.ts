/**
 * The store: one SQLite connection, one queue. node-sqlite3 is asynchronous, so without the queue the
 * statements of two concurrent transactions would interleave on the one connection; every transaction
 * and every read runs alone, in order of request.
 */
import { hashToken, looksLikeToken, sameDigest } from '../tokens/index.js';
import { StoreError, toStoreError } from './errors.js';
import { type LeaseRow, readLeaseHolders } from './pg/lease-sql.js';
import { listAudit } from './queries/audit-query.js';
import { EVENTS_PAGE_SIZE, type EventOrder, listEventsPage } from './queries/events-query.js';
import { getHost, listHosts } from './queries/host-query.js';
import { readMetricsSnapshot } from './queries/metrics-query.js';
import { getMonthClose, listClosedMonths, listMonthCloses } from './queries/month-query.js';
import { listNewVms } from './queries/new-vms-query.js';
import { findVmsByName, readLicenceHistory, readReportInputs } from './queries/report-query.js';
import { listVmStatus } from './queries/status-query.js';
import { SweepStateTracker } from './queries/sweep-state-delta.js';
import { readSweepState } from './queries/sweep-state-query.js';
import { readTableSizes, type TableSizes } from './queries/table-sizes.js';
import { findTokenByDigest, listTokens } from './queries/tokens-query.js';
import { readUsageInputs } from './queries/usage-query.js';
import { getVmDetail } from './queries/vm-detail-query.js';
import { listVmPage } from './queries/vm-list-query.js';
import type {
  AuditFilter,
  AuditRow,
  EventCursor,
  EventFilter,
  EventPage,
  EventRow,
  HostRow,
  MetricsSnapshot,
  NewVm,
  ReportInputs,
  ReportLicenceSpan,
  SweepState,
  UsageInputs,
  VmCursor,
  VmDetail,
  VmListFilter,
  VmPage,
  VmStatus,
  VmStatusFilter,
} from './read-types.js';
import { inOneStatement } from './repos/one-statement.js';
import { OpenRows } from './repos/open-rows.js';
import { lastRawPrune, planRawPrune, type RawPruneOptions } from './repos/retention-repo.js';
import { LAST_USED_RESOLUTION_MS } from './repos/tokens-repo.js';
import type { SqlConnection as Connection } from './sql-connection.js';
import { type DialectSql, sqlOf } from './sql-connection.js';
import { insideStoreQueue, queueAfter } from './store-queue.js';
import { Transaction } from './transaction.js';
import type {
  ChangeRequest,
  CreatedToken,
  MonthCloseRecord,
  RawPruneRecord,
  RawPruneResult,
  TokenInput,
  TokenRecord,
} from './types.js';
import { checkTime } from './validate.js';
import type { WriterLock } from './writer-lock.js';

export interface StoreSettings {
  readonly busyTimeoutMs: number;
  readonly staleAfterMs: number;
  readonly memoryChangeRatio: number;
  readonly readOnly: boolean;
  /** StoreOptions.oneStatement. */
  readonly oneStatement: boolean;
}

/** Failures of the last-use write that leave authentication unaffected. */
const BOOKKEEPING_SKIPPED: ReadonlySet<string> = new Set(['LOCKED', 'READ_ONLY', 'DISK_FULL']);

export interface TransactionOptions {
  /**
   * A sweep's transaction: SQLite first records it and writes it as one statement when it is a steady
   * sweep's (repos/one-statement.ts); anything else runs the usual way. PostgreSQL ignores it.
   */
  readonly oneStatement?: boolean;
}

const BEGIN_WRITE: DialectSql = { sqlite: 'BEGIN IMMEDIATE', postgres: 'BEGIN' };
/** One snapshot for every statement of a read (SQLite's deferred read transaction is one already). */
const BEGIN_READ: DialectSql = {
  sqlite: 'BEGIN',
  postgres: 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY',
};
/**
 * Changes when any connection commits: SQLite's data_version; in PostgreSQL the `store_changes`
 * sequence every write transaction of every agent draws from before COMMIT.
 */
const CHANGE_VERSION: DialectSql = {
  sqlite: 'PRAGMA data_version',
  postgres: 'SELECT last_value FROM store_changes',
};

export class Store {
  readonly #conn: Connection;
  readonly #writerLock: WriterLock | null;
  readonly settings: StoreSettings;
  #tail: Promise<unknown> = Promise.resolve();
  #closed = false;
  /** Transactions this store committed: with SQLite's data_version, what `changeStamp` reports. */
  #commits = 0;
  readonly #oneStatements = { written: 0, refused: 0 };
  /**
   * The rows sweeps read before they write, kept between transactions (repos/open-rows.ts): SQLite
   * only, where `data_version` tells when another connection wrote. A read-only store writes nothing.
   */
  readonly #openRows: OpenRows | null;
  /** The sweep state kept between rounds (queries/sweep-state-delta.ts): writable SQLite stores only. */
  readonly #sweepState: SweepStateTracker | null;

  /** Use `openStore`; the constructor expects a checked, migrated connection. */
  constructor(conn: Connection, settings: StoreSettings, writerLock: WriterLock | null = null) {
    this.#conn = conn;
    this.#writerLock = writerLock;
    this.settings = Object.freeze({ ...settings });
    this.#openRows = conn.dialect === 'sqlite' && !settings.readOnly ? new OpenRows() : null;
    this.#sweepState = conn.dialect === 'sqlite' && !settings.readOnly ? new SweepStateTracker() : null;
  }

  /** The database file, or the PostgreSQL URL without its password. */
  get path(): string {
    return this.#conn.path;
  }

  #exclusive<T>(work: () => Promise<T>): Promise<T> {
    if (this.#closed) return Promise.reject(new StoreError('CLOSED', `store ${this.path} is closed`));
    if (insideStoreQueue()) {
      return Promise.reject(
        new StoreError(
          'INVALID_ARGUMENT',
          'store used inside its own transaction; use the transaction object',
        ),
      );
    }
    const result = queueAfter(this.#tail, work);
    this.#tail = result.catch(() => undefined);
    return result;
  }

  /**
   * Runs `work` in one IMMEDIATE transaction and resolves to its result after COMMIT. If `work` (or
   * COMMIT) fails, the transaction is rolled back and the error rethrown: nothing of it is visible.
   * Transactions run one at a time in request order. Rejects with StoreError READ_ONLY on a read-only
   * store, LOCKED when another process holds the lock past the busy timeout. With `oneStatement` (a
   * sweep's) SQLite may instead record `work` and write it as one statement: as atomic, see
   * `TransactionOptions`.
   */
  transaction<T>(work: (tx: Transaction) => Promise<T>, options: TransactionOptions = {}): Promise<T> {
    if (this.settings.readOnly) {
      return Promise.reject(new StoreError('READ_ONLY', `store ${this.path} was opened read-only`));
    }
    return this.#exclusive(async () => {
      if (options.oneStatement === true && this.#openRows !== null && this.settings.oneStatement) {
        const recorded = await inOneStatement(this.#conn, this.#openRows, this.settings, work);
        this.#oneStatements[recorded.done ? 'written' : 'refused'] += 1;
        if (recorded.done) {
          if (recorded.wrote) this.#commits += 1;
          return recorded.value;
        }
      }
      // SQLite: IMMEDIATE takes the write lock now, so a busy database fails before any work.
      // PostgreSQL: READ COMMITTED with row locks; the ON CONFLICT upserts are written for it.
      await this.#conn.exec(sqlOf(this.#conn, BEGIN_WRITE));
      const { staleAfterMs, memoryChangeRatio } = this.settings;
      const tx = new Transaction(this.#conn, staleAfterMs, memoryChangeRatio, this.#openRows);
      try {
        const result = await work(tx);
        tx.finish();
        if (this.#conn.dialect === 'postgres') await this.#conn.get("SELECT nextval('store_changes')");
        await this.#conn.exec('COMMIT');
        this.#commits += 1;
        return result;
      } catch (error) {
        tx.finish();
        // What it kept up to date may have been rolled back (or, if COMMIT failed, may not have been).
        this.#openRows?.clear();
        await this.#conn.exec('ROLLBACK').catch(() => undefined);
        throw error;
      }
    });
  }

  /** Transactions asked to run as one statement: how many did, and how many ran the usual way. */
  get oneStatements(): Readonly<{ written: number; refused: number }> {
    return { ...this.#oneStatements };
  }

  /**
   * A stamp that changes whenever the database changed: this store's own commits, and any other
   * connection's or process's (SQLite's `PRAGMA data_version`, which changes on their commits). Readers
   * that cache an answer (the API) keep it while the stamp stays the same. Never writes.
   */
  changeStamp(): Promise<string> {
    return this.#exclusive(async () => {
      const row = await this.#conn.get(sqlOf(this.#conn, CHANGE_VERSION));
      const version = row === undefined ? '' : String(Object.values(row)[0]);
      return `${this.#commits}.${version}`;
    });
  }

  /** Several reads in one snapshot (a deferred read transaction), queued like transactions. */
  #read<T>(work: (conn: Connection) => Promise<T>): Promise<T> {
    return this.#exclusive(async () => {
      await this.#conn.exec(sqlOf(this.#conn, BEGIN_READ));
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

  /**
   * One page of at most `limit` (1..1000) VMs matching the filter, ordered by GUID, after the VM
   * `after` (null: the first page); `next` is null on the last page. Stable while sweeps insert and
   * rename VMs between pages. Rejects with INVALID_ARGUMENT naming the bad field. Never writes.
   */
  listVmPage(filter: VmListFilter = {}, after: VmCursor | null = null, limit = 1000): Promise<VmPage> {
    return this.#read((conn) => listVmPage(conn, filter, after, limit));
  }

  /** The VM with its history, KVP pools, latest events and audit, or null when unknown. Never writes. */
  getVmDetail(id: string): Promise<VmDetail | null> {
    return this.#read((conn) => getVmDetail(conn, id));
  }

  /** Every host with its current facts, live VM counts and event bookmarks, by name. Never writes. */
  listHosts(): Promise<HostRow[]> {
    return this.#read((conn) => listHosts(conn));
  }

  /** At most `limit` VMs first seen at or after `since`, newest first. Never writes. */
  listNewVms(since: Date, limit = 100): Promise<NewVm[]> {
    return this.#read((conn) => listNewVms(conn, since, limit));
  }

  /**
   * Every host lease (PostgreSQL: which agent holds each host, until when, its last sweep), by host;
   * empty for SQLite, whose one writer sweeps every host. Never writes.
   */
  listHostLeases(): Promise<LeaseRow[]> {
    return this.#read((conn) => readLeaseHolders(conn));
  }

  /** The host of that name (case-insensitive), or null when unknown. Never writes. */
  getHost(name: string): Promise<HostRow | null> {
    return this.#read((conn) => getHost(conn, name));
  }

  /** One page of stored events, oldest first (or newest), after `after` (null: the first page). Never writes. */
  listEventsPage(
    filter: EventFilter = {},
    after: EventCursor | null = null,
    pageSize = EVENTS_PAGE_SIZE,
    order: EventOrder = 'oldest-first',
  ): Promise<EventPage> {
    return this.#read((conn) => listEventsPage(conn, filter, after, pageSize, order));
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
    // SQLite reads it in one statement (one snapshot by itself); a writable store only what changed.
    const tracker = this.#sweepState;
    if (tracker !== null) return this.#exclusive(() => tracker.read(this.#conn));
    if (this.#conn.dialect === 'sqlite') return this.#exclusive(() => readSweepState(this.#conn));
    return this.#read((conn) => readSweepState(conn));
  }

  /**
   * The fleet in aggregate for a metrics scrape (host facts; VM counts by licence state, reason and
   * problem; stored 12309/12310 events by outcome), read in one snapshot. Its size grows with hosts ×
   * vocabularies, never with VMs. Never writes.
   */
  metricsSnapshot(renewedBefore: Date = new Date(0)): Promise<MetricsSnapshot> {
    return this.#read((conn) => readMetricsSnapshot(conn, renewedBefore));
  }

  /** Everything the SPLA month report needs for [from, to), read in one snapshot. Never writes. */
  readUsageInputs(from: Date, to: Date): Promise<UsageInputs> {
    return this.#read((conn) => readUsageInputs(conn, from, to));
  }

  /**
   * What the licence reports read, in one snapshot: live VMs with their latest observation, guest
   * status item and latest host-granted AVMA success; hosts with their current facts. Never writes.
   */
  readReportInputs(): Promise<ReportInputs> {
    return this.#read((conn) => readReportInputs(conn));
  }

  /** Observation intervals of live VMs (or of the VM `vm`, a GUID), by VM then time. Never writes. */
  readLicenceHistory(vm: string | null = null): Promise<ReportLicenceSpan[]> {
    return this.#read((conn) => readLicenceHistory(conn, vm));
  }

  /** GUIDs of the VMs that are or were called `name` (case-insensitive). Never writes. */
  findVmsByName(name: string): Promise<string[]> {
    return this.#read((conn) => findVmsByName(conn, name));
  }

  /** The closed month, or null when it was not closed. Never writes. */
  getMonthClose(month: string): Promise<MonthCloseRecord | null> {
    return this.#read((conn) => getMonthClose(conn, month));
  }

  /** The closed months in closing order, without contents (read each with getMonthClose). Never writes. */
  listClosedMonths(): Promise<string[]> {
    return this.#read((conn) => listClosedMonths(conn));
  }

  /** Every close in closing order, the order of the hash chain. Never writes. */
  listMonthCloses(): Promise<MonthCloseRecord[]> {
    return this.#read((conn) => listMonthCloses(conn));
  }

  /**
   * Deletes raw host/guest events and closed observation intervals before the retention horizon (the
   * month `rawMonths` >= 36 before `now`), held back to the first month that is not closed; records the
   * prune and audits it in the same transaction. With `dryRun` it only counts (works read-only).
   */
  pruneRawData(options: RawPruneOptions & { readonly dryRun?: boolean }): Promise<RawPruneResult> {
    if (options.dryRun === true) return this.#read((conn) => planRawPrune(conn, options));
    return this.transaction((tx) => tx.pruneRawData(options));
  }

  /** The latest prune (raw data before its `before` is gone), or null. Never writes. */
  lastRawPrune(): Promise<RawPruneRecord | null> {
    return this.#read((conn) => lastRawPrune(conn));
  }

  /**
   * Creates an API token: generates it, stores only its SHA-256, audits `token-create` with the actor.
   * The token is in the result and nowhere else: show it once. Rejects with INVALID_ARGUMENT (name,
   * role, actor, expiry not after `at`), CONFLICT (name taken, case-insensitively, even by a revoked
   * token), READ_ONLY, LOCKED. Needs no writer lock: it works beside a running agent.
   */
  createToken(input: TokenInput): Promise<CreatedToken> {
    return this.transaction((tx) => tx.createToken(input));
  }

  /** Every token, oldest first (revoked and expired too); never a token or its hash. Never writes. */
  listTokens(): Promise<TokenRecord[]> {
    return this.#read((conn) => listTokens(conn));
  }

  /**
   * Revokes a token (audited `token-revoke`). Resolves to false, writing nothing, when it was already
   * revoked; rejects with NOT_FOUND for an unknown name.
   */
  revokeToken(name: string, request: ChangeRequest): Promise<boolean> {
    return this.transaction((tx) => tx.revokeToken(name, request));
  }

  /**
   * The token's record when `token` is a current token at `at`; null when it is malformed, unknown,
   * revoked or expired (the caller answers 401, without saying which). Looks the SHA-256 up by its
   * unique index, then compares digests in constant time. Records the use at most once a minute per
   * token; a read-only store, or a database locked by another process, still authenticates without it.
   */
  async authenticateToken(token: string, at: Date): Promise<TokenRecord | null> {
    const atMs = checkTime(at, 'at');
    if (!looksLikeToken(token)) return null;
    const digest = hashToken(token);
    const stored = await this.#read((conn) => findTokenByDigest(conn, digest));
    if (stored === null || !sameDigest(stored.sha256, digest)) return null;
    const { record } = stored;
    if (record.revokedAt !== null) return null;
    if (record.expiresAt !== null && Date.parse(record.expiresAt) <= atMs) return null;
    const lastUsedMs = record.lastUsedAt === null ? null : Date.parse(record.lastUsedAt);
    if (this.settings.readOnly || (lastUsedMs !== null && lastUsedMs >= atMs - LAST_USED_RESOLUTION_MS)) {
      return record;
    }
    const written = await this.transaction((tx) => tx.recordTokenUse(record.name, at)).catch(
      (error: unknown) => {
        // The last use is bookkeeping: a busy, full or unwritable database must not turn a valid token away.
        if (error instanceof StoreError && BOOKKEEPING_SKIPPED.has(error.code)) return false;
        throw error;
      },
    );
    return written ? Object.freeze({ ...record, lastUsedAt: at.toISOString() }) : record;
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
