/**
 * The repository API of one transaction: every write the sweep makes goes through these methods.
 * Times are `Date`s; VMs are addressed by GUID and hosts by name. A method called after its
 * transaction ended rejects with StoreError CLOSED.
 */

import { StoreError } from './errors.js';
import { lockLease, stampLeaseSwept } from './pg/lease-fence.js';
import { listVmStatus } from './queries/status-query.js';
import type { VmStatus, VmStatusFilter } from './read-types.js';
import { insertAudit, insertAudits } from './repos/audit-repo.js';
import { getBookmark, recordHostEvents, restartBookmark, setBookmark } from './repos/bookmarks-repo.js';
import { forgetOpenRows, type TxContext } from './repos/context.js';
import { insertEvents } from './repos/events-repo.js';
import { recordHostFacts, upsertHost } from './repos/hosts-repo.js';
import { readKvp, recordKvp } from './repos/kvp-repo.js';
import { insertMonthClose, lastMonthClose } from './repos/month-repo.js';
import { recordObservation } from './repos/observations-repo.js';
import type { OpenRows } from './repos/open-rows.js';
import { pruneRawData, type RawPruneOptions } from './repos/retention-repo.js';
import { recordSweep, type SweepSummary, type SweepVm } from './repos/sweep-repo.js';
import type { CheckedSweepVm } from './repos/sweep-vm-check.js';
import { insertToken, recordTokenUse, revokeToken } from './repos/tokens-repo.js';
import { markVmDeleted, recordVmName, setAvmaBlocked, setOptOut, upsertVm } from './repos/vms-repo.js';
import type { SqlConnection as Connection } from './sql-connection.js';
import type {
  AuditInput,
  Bookmark,
  ChangeRequest,
  CreatedToken,
  EventInput,
  HostFacts,
  KvpItemRecord,
  KvpPool,
  MonthCloseInput,
  MonthCloseRecord,
  ObservationChange,
  ObservationFields,
  RawPruneResult,
  TokenInput,
  VmInput,
} from './types.js';
import { checkTime } from './validate.js';

/** A host event as the sweep passes it to `recordHostEvents` (source, origin and epoch are implied). */
export type HostEventInput = Omit<EventInput, 'source' | 'origin' | 'logEpoch'>;

export class Transaction {
  readonly #ctx: TxContext;
  #active = true;

  /** `openRows`: the rows the store keeps between transactions (repos/open-rows.ts), or null. */
  constructor(conn: Connection, staleAfterMs: number, memoryChangeRatio: number, openRows: OpenRows | null) {
    this.#ctx = {
      conn,
      staleAfterMs,
      memoryChangeRatio,
      hostIds: new Map(),
      vmIds: new Map(),
      openRows: openRows === null ? null : { rows: openRows, checked: false },
    };
  }

  /**
   * For the methods that write tables whose rows the store keeps without keeping them up to date (the
   * per-VM methods, deletions, prunes): the kept rows are forgotten (repos/open-rows.ts). The sweep's
   * own methods (upsertHost, recordHostFacts, recordSweep, the bookmarks) keep them up to date.
   */
  #forgetOpenRows(): TxContext {
    const ctx = this.#use();
    forgetOpenRows(ctx);
    return ctx;
  }

  /** Called by the store at COMMIT or ROLLBACK. */
  finish(): void {
    this.#active = false;
  }

  #use(): TxContext {
    if (!this.#active) throw new StoreError('CLOSED', 'transaction object used after its transaction ended');
    return this.#ctx;
  }

  /** Creates the host or moves its last sighting. */
  async upsertHost(name: string, at: Date): Promise<void> {
    await upsertHost(this.#use(), name, checkTime(at, 'at'));
  }

  /** True when the facts changed (new interval), false when they are the current ones (no write). */
  async recordHostFacts(host: string, at: Date, facts: HostFacts): Promise<boolean> {
    return recordHostFacts(this.#use(), host, checkTime(at, 'at'), facts);
  }

  /** Creates the VM or moves its last sighting and sets its tenant; clears a deleted mark. */
  async upsertVm(vm: VmInput, at: Date): Promise<void> {
    await upsertVm(this.#forgetOpenRows(), vm, checkTime(at, 'at'));
  }

  /** True when the name changed (name history grows), false otherwise. */
  async recordVmName(vm: string, at: Date, name: string): Promise<boolean> {
    return recordVmName(this.#forgetOpenRows(), vm, checkTime(at, 'at'), name);
  }

  /** See `ObservationChange`: only `opened`, `changed` and `resumed` add a row. */
  async recordObservation(vm: string, at: Date, fields: ObservationFields): Promise<ObservationChange> {
    return recordObservation(this.#forgetOpenRows(), vm, checkTime(at, 'at'), fields);
  }

  /** True when the pool's items changed and were written, false when they were the same. */
  async recordKvp(vm: string, pool: KvpPool, items: readonly KvpItemRecord[], at: Date): Promise<boolean> {
    return recordKvp(this.#forgetOpenRows(), vm, pool, items, checkTime(at, 'at'));
  }

  async readKvp(vm: string, pool: KvpPool): Promise<KvpItemRecord[] | null> {
    return readKvp(this.#use(), vm, pool);
  }

  /**
   * One host's sweep in a few statements (the fast path for fleets): same effect as upsertVm,
   * recordVmName, recordObservation and recordKvp for each entry, all validated before any write
   * (entries made by `checkSweepVm` were validated when they were made, and are not again).
   */
  async recordSweep(
    host: string,
    at: Date,
    vms: readonly (SweepVm | CheckedSweepVm)[],
  ): Promise<SweepSummary> {
    return recordSweep(this.#use(), host, checkTime(at, 'at'), vms);
  }

  /** Inserts events; duplicates are skipped. Resolves to the number inserted. */
  async insertEvents(events: readonly EventInput[]): Promise<number> {
    return insertEvents(this.#use(), events);
  }

  /** Host events after the bookmark: stored, and the bookmark advanced, in this transaction. */
  async recordHostEvents(
    host: string,
    log: string,
    events: readonly HostEventInput[],
    at: Date,
  ): Promise<number> {
    return recordHostEvents(this.#use(), host, log, events, checkTime(at, 'at'));
  }

  async getBookmark(host: string, log: string): Promise<Bookmark> {
    return getBookmark(this.#use(), host, log);
  }

  /** Moves the bookmark forward; moving it backwards is refused (use `restartBookmark`). */
  async setBookmark(host: string, log: string, recordId: number, at: Date): Promise<void> {
    return setBookmark(this.#use(), host, log, recordId, checkTime(at, 'at'));
  }

  /** The log was cleared: start a new epoch at record 0. */
  async restartBookmark(host: string, log: string, at: Date): Promise<Bookmark> {
    return restartBookmark(this.#use(), host, log, checkTime(at, 'at'));
  }

  /** Appends an audit record (and its `agent` event); resolves to its id. */
  async audit(action: AuditInput): Promise<number> {
    return insertAudit(this.#use(), action);
  }

  /** `audit` for many records in a few statements, in order; resolves to their ids in that order. */
  async auditAll(actions: readonly AuditInput[]): Promise<number[]> {
    return insertAudits(this.#use(), actions);
  }

  /** True (and audited) when the flag changed; repeating a request changes and records nothing. */
  async setOptOut(vm: string, optedOut: boolean, request: ChangeRequest): Promise<boolean> {
    return setOptOut(this.#use(), vm, optedOut, request);
  }

  /** True (and audited) when the flag changed. */
  async setAvmaBlocked(vm: string, blocked: boolean, request: ChangeRequest): Promise<boolean> {
    return setAvmaBlocked(this.#use(), vm, blocked, request);
  }

  /**
   * PostgreSQL only, first in a host's recording transaction: locks the host's lease row until COMMIT
   * and resolves to the database time; rejects with LEASE_LOST unless `owner` holds it unexpired.
   */
  async lockLease(host: string, owner: string): Promise<number> {
    return lockLease(this.#use().conn, host, owner);
  }

  /** PostgreSQL only, last before COMMIT: the host's last sweep := the database time (resolved). */
  async stampLeaseSwept(host: string, owner: string): Promise<number> {
    return stampLeaseSwept(this.#use().conn, host, owner);
  }

  /** True when newly marked; the open observation closes at the VM's last sighting. */
  async markVmDeleted(vm: string, at: Date): Promise<boolean> {
    return markVmDeleted(this.#forgetOpenRows(), vm, checkTime(at, 'at'));
  }

  /**
   * Statuses as of this transaction (its own writes included): e.g. `{ host }` gives the VMs last seen
   * on a host with their flags and latest channel, which a sweep needs to spot deletions and key
   * replacements.
   */
  async listVmStatus(filter: VmStatusFilter = {}): Promise<VmStatus[]> {
    return listVmStatus(this.#use().conn, filter);
  }

  /**
   * Stores a chained month close; CONFLICT when the month is already closed or `previousSha256` is not
   * the hash of `lastMonthClose()` read in this same transaction.
   */
  async insertMonthClose(input: MonthCloseInput): Promise<void> {
    return insertMonthClose(this.#use(), input);
  }

  /** The close stored last (the head of the hash chain), or null. */
  async lastMonthClose(): Promise<MonthCloseRecord | null> {
    return lastMonthClose(this.#use());
  }

  /** Prunes raw data past retention (see `Store.pruneRawData`), in this transaction. */
  async pruneRawData(options: RawPruneOptions): Promise<RawPruneResult> {
    return pruneRawData(this.#forgetOpenRows(), options);
  }

  /** Creates an API token (audited); CONFLICT when the name is taken. See `Store.createToken`. */
  async createToken(input: TokenInput): Promise<CreatedToken> {
    return insertToken(this.#use(), input);
  }

  /** True (and audited) when the token was active; false when already revoked; NOT_FOUND if unknown. */
  async revokeToken(name: string, request: ChangeRequest): Promise<boolean> {
    return revokeToken(this.#use(), name, request);
  }

  /** Moves the token's last use to `at` unless it moved less than a minute before; true when written. */
  async recordTokenUse(name: string, at: Date): Promise<boolean> {
    return recordTokenUse(this.#use(), name, at);
  }
}
