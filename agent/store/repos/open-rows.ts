/**
 * The rows a host's sweep reads before it writes (the host's open facts and bookmarks; each VM's open
 * name, open observation interval and stored pool items), kept from one transaction to the next so
 * a steady sweep does not read them again. On SQLite each statement is a round trip through
 * node-sqlite3's thread pool, and these reads were four of a steady sweep's ten (issue 14).
 *
 * What is kept is only ever what this connection itself read or wrote, and it is trusted only while
 * nothing else can have changed those rows:
 * - another connection or process (an operator's `avma vm ...`, a second store in this process): its
 *   commits change SQLite's `data_version`, which each transaction reads first (with the host upsert,
 *   see hosts-repo.ts); a different value forgets everything;
 * - this store's own other writes: a transaction method that writes these tables without keeping them
 *   up to date (transaction.ts says which) forgets everything at once, the `data_version` included,
 *   so rows read again later in that transaction are dropped by the next transaction's check;
 * - a rolled-back transaction forgets everything, since it may have updated them before it failed.
 * PostgreSQL stores keep nothing: other agents write the same database, and no change counter there
 * is both cheap and free of races with their commits. Their sweeps read as before (sweep-open-rows.ts).
 */
import type { SqlRow } from '../sql-connection.js';
import type { Bookmark, KvpPool } from '../types.js';
import type { KvpItems } from './kvp-items.js';
import type { OBSERVATION_COLUMNS } from './observations-repo.js';

/**
 * A row the kept set owns. An unchanged interval's `last_seen` moves in it as SEEN_AGAIN moves it in
 * the table (sweep-repo.ts); nothing else changes a kept row.
 */
export type KeptRow = Record<string, unknown>;

/** Texts longer than this (a problem's message) are kept as they are, not shared. */
const MAX_SHARED_TEXT = 200;

export class OpenRows {
  /** The `data_version` seen when the rows were read; null while nothing is kept. */
  #dataVersion: number | null = null;
  /** Host id -> its open host_facts row, or null for none. */
  readonly facts = new Map<number, SqlRow | null>();
  /** `${host id} ${log}` -> the bookmark as stored, or null for none. */
  readonly bookmarks = new Map<string, Bookmark | null>();
  /** VM id -> its open vm_names row (id, vm_id, name, valid_from), or null for none. */
  readonly names = new Map<number, SqlRow | null>();
  /** VM id -> its open observations row (OPEN_INTERVAL_COLUMNS), or null for none. */
  readonly intervals = new Map<number, KeptRow | null>();
  /**
   * VM id -> each stored pool's items in canonical order (a pool not in the map has no row): a small
   * object an item, its strings shared with the agent's sweep cache, which holds them for its compare.
   */
  readonly pools = new Map<number, Map<KvpPool, KvpItems>>();
  /** Host name (lower case) -> id, and VM GUID -> id: what a one-statement sweep answers RETURNING with. */
  readonly hostIds = new Map<string, number>();
  readonly vmIds = new Map<string, number>();
  /** The short texts of kept intervals, one copy each (a fleet's intervals repeat a few words). */
  readonly #texts = new Map<string, string>();

  /**
   * The interval row as kept: a plain object of fixed shape with its short texts shared. node-sqlite3
   * builds rows of this many columns as dictionaries, about 1.9 KB each with their own copy of every
   * text; kept like this, about 215 bytes (measured on 8,000 rows). The literal names every column,
   * and `satisfies` checks it against OBSERVATION_COLUMNS.
   */
  keptInterval(row: SqlRow): KeptRow {
    const text = (value: unknown) => this.#sharedText(value);
    return {
      id: row.id,
      vm_id: row.vm_id,
      last_seen: row.last_seen,
      host_id: row.host_id,
      state: text(row.state),
      data_exchange: row.data_exchange,
      os: text(row.os),
      version: text(row.version),
      edition: text(row.edition),
      evaluation: row.evaluation,
      license_status: text(row.license_status),
      channel: text(row.channel),
      eligible: row.eligible,
      reasons: text(row.reasons),
      key_pushed: row.key_pushed,
      kvp_wiped: row.kvp_wiped,
      problems: text(row.problems),
      evidence: text(row.evidence),
      claimed_license_status: text(row.claimed_license_status),
      claimed_channel: text(row.claimed_channel),
      processor_count: row.processor_count,
      memory_assigned_bytes: row.memory_assigned_bytes,
    } satisfies Record<'id' | 'vm_id' | 'last_seen' | (typeof OBSERVATION_COLUMNS)[number], unknown>;
  }

  #sharedText(value: unknown): unknown {
    if (typeof value !== 'string' || value.length > MAX_SHARED_TEXT) return value;
    const shared = this.#texts.get(value);
    if (shared !== undefined) return shared;
    this.#texts.set(value, value);
    return value;
  }

  /** Forgets everything: the next transaction reads every row again. */
  clear(): void {
    this.#dataVersion = null;
    this.facts.clear();
    this.bookmarks.clear();
    this.names.clear();
    this.intervals.clear();
    this.pools.clear();
    this.hostIds.clear();
    this.vmIds.clear();
    this.#texts.clear();
  }

  /**
   * Forgets what is kept of these hosts (facts, bookmarks) and VMs (name, interval, pools): what a
   * transaction that never committed may have updated in advance. Everything else stays.
   */
  forget(hostIds: Iterable<number>, vmIds: Iterable<number>): void {
    for (const hostId of hostIds) {
      this.facts.delete(hostId);
      // Bookmarks are kept under `${hostId} ${log}` (bookmarks-repo.ts).
      for (const key of this.bookmarks.keys()) if (key.startsWith(`${hostId} `)) this.bookmarks.delete(key);
    }
    for (const vmId of vmIds) {
      this.names.delete(vmId);
      this.intervals.delete(vmId);
      this.pools.delete(vmId);
    }
  }

  /** The `data_version` the rows were checked against; null when nothing is kept. */
  get dataVersion(): number | null {
    return this.#dataVersion;
  }

  /** Called with the `data_version` a transaction read first: a different one forgets everything. */
  checkDataVersion(dataVersion: number): void {
    if (this.#dataVersion !== dataVersion) this.clear();
    this.#dataVersion = dataVersion;
  }
}

/** VM ids whose row `map` does not hold yet (their row, or its absence, must be read). */
export function unknownVms(map: ReadonlyMap<number, unknown>, vmIds: Iterable<number>): number[] {
  const unknown: number[] = [];
  for (const id of vmIds) if (!map.has(id)) unknown.push(id);
  return unknown;
}
