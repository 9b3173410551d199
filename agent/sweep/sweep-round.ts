/**
 * One round: every configured host swept (phase one concurrently, at most `concurrency` hosts at a
 * time), then each host recorded in its own transaction, in configuration order. Recording waits for
 * the whole round so a VM that left a host is marked deleted only when no host listed it (a live
 * migration shows it on its new host in the same round). Failures stay with their host: a host that
 * does not answer is stale, a transaction that fails (locked or full database) leaves that host
 * unrecorded, and the round goes on.
 *
 * Shared hosts (PostgreSQL, `claims`: host-claims.ts): the round first claims its hosts and sweeps
 * only those it holds; the others are reported `held`. Each host's transaction is fenced by its lease,
 * retried with backoff when the store is briefly gone (`retry`: store-retry.ts), and a VM missing from
 * its host is marked deleted only once unseen for `deleteUnseenAfterMs` (another agent may list it
 * on its new host later in the same round).
 */
import type { HypervDriver } from '../driver/hyperv-driver.js';
import {
  KVP_POOLS,
  type Store,
  StoreError,
  type StoreErrorCode,
  type SweepState,
  type VmMemory,
} from '../store/index.js';
import { describeError, elapsedMs } from './collector.js';
import { claimHosts, type HostClaim, type HostClaims, heldReport, SOLE_WRITER } from './host-claims.js';
import { type HostSweep, type SweepSettings, sweepHost } from './host-sweep.js';
import { mapLimit } from './map-limit.js';
import { type RecordedHost, recordHost } from './record-host.js';
import { type StoreRetry, withStoreRetry } from './store-retry.js';
import type { SweepCache } from './sweep-cache.js';
import { SweepError } from './sweep-error.js';
import { type HostReport, type SweepReport, sweepTotals } from './sweep-report.js';
import type { SweptVm } from './vm-sweep.js';

export const DEFAULT_CONCURRENCY = 4;
export const MAX_CONCURRENCY = 64;

export interface RoundOptions {
  readonly drivers: readonly HypervDriver[];
  readonly store: Store;
  /** The round's time on the driver's clock; raised to the store's latest sighting if behind it. */
  readonly at: Date;
  readonly settings: SweepSettings;
  readonly cache: SweepCache;
  readonly concurrency?: number;
  /** `false` (dry run): sweep and decide, record nothing. */
  readonly record?: boolean;
  /** Called as each host is done (progress), in configuration order. */
  readonly onHost?: (report: HostReport, index: number, total: number) => void;
  /** Which hosts this agent may sweep; default every host (SQLite: the only writer). */
  readonly claims?: HostClaims;
  /** Retries of a host's transaction within the round; default none. */
  readonly retry?: StoreRetry;
  /** Every store failure of a host's transaction (metrics), retried or not. */
  readonly onStoreError?: (error: StoreError) => void;
  /**
   * Shared hosts only: a VM missing from its host is marked deleted once its last sighting on any host
   * is more than this long ago (default 0: at once). The runtime passes 1.5 sweep intervals.
   */
  readonly deleteUnseenAfterMs?: number;
}

async function readState(store: Store): Promise<SweepState> {
  try {
    return await store.readSweepState();
  } catch (error) {
    throw new SweepError('STORE_UNAVAILABLE', `cannot read the agent database: ${describeError(error)}`, {
      cause: error,
    });
  }
}

/** Deletions in the store must not precede the latest sighting, so a clock that stepped back waits. */
function roundTime(at: Date, state: SweepState): Date {
  const latest = Math.max(0, ...state.hosts.map((host) => host.lastSeenMs));
  return new Date(Math.max(at.getTime(), latest));
}

/** VMs not deleted, by the lower-cased host they were last seen on: grouped once per round. */
function lastSeenByHost(memory: readonly VmMemory[]): Map<string, VmMemory[]> {
  const byHost = new Map<string, VmMemory[]>();
  for (const vm of memory) {
    if (vm.deleted || vm.last === null) continue;
    const host = vm.last.host.toLowerCase();
    const vms = byHost.get(host);
    if (vms === undefined) byHost.set(host, [vm]);
    else vms.push(vm);
  }
  return byHost;
}

/**
 * VMs last seen on the host and listed by no host of this round. `unseenBeforeMs`: only those whose
 * last sighting is older (shared hosts: another agent may still list the VM on its new host).
 */
function deletedOn(
  sweep: HostSweep,
  lastSeen: ReadonlyMap<string, readonly VmMemory[]>,
  seen: ReadonlySet<string>,
  unseenBeforeMs: number,
): string[] {
  if (sweep.host === null || sweep.vms === null) return [];
  const onHost = lastSeen.get(sweep.host.toLowerCase()) ?? [];
  return onHost
    .filter((vm) => !seen.has(vm.id) && (vm.last?.lastSeenMs ?? 0) < unseenBeforeMs)
    .map((vm) => vm.id);
}

/** How many of the host's VMs were eligible, pushed, wiped and had problems: one pass. */
function vmCounts(vms: readonly SweptVm[]) {
  const counts = { eligible: 0, pushed: 0, wiped: 0, problems: 0 };
  for (const vm of vms) {
    if (vm.eligible) counts.eligible++;
    if (vm.pushed) counts.pushed++;
    if (vm.wiped) counts.wiped++;
    if (vm.record.observation.problems.length > 0) counts.problems++;
  }
  return counts;
}

function hostReport(
  sweep: HostSweep,
  recorded: RecordedHost | null,
  error: string | null,
  deleted: number,
  ms: number,
): HostReport {
  const vms = sweep.vms ?? [];
  const stale = sweep.host === null || sweep.vms === null;
  const collectorFailed = sweep.outcomes.some((outcome) => !outcome.success);
  const failure = sweep.outcomes.find((outcome) => !outcome.success)?.error ?? null;
  const { eligible, pushed, wiped, problems } = vmCounts(vms);
  return Object.freeze({
    host: sweep.host ?? sweep.driverHost,
    outcome: stale ? 'stale' : recorded === null ? 'not-recorded' : collectorFailed ? 'partial' : 'ok',
    vms: vms.length,
    eligible,
    pushed,
    wiped,
    newEvents: recorded === null ? 0 : recorded.hostEvents + recorded.guestEvents,
    problems,
    deleted,
    durationMs: ms,
    collectors: sweep.outcomes,
    error: stale ? failure : error,
  });
}

/** After a commit: what the cache may now skip next sweep. */
function rememberCommitted(cache: SweepCache, sweep: HostSweep): void {
  for (const vm of sweep.vms ?? []) {
    cache.rememberRing(vm.id, vm.ringSignature);
    // The pools by name, not Object.entries: no array of pairs per VM (8,000 a round at fleet scale).
    for (const pool of KVP_POOLS) cache.rememberCommitted(vm.id, pool, vm.recordedXml[pool]);
  }
}

/** Store failures that no other host's transaction would escape; the rest of the round is not tried. */
const STORE_DOWN: readonly StoreErrorCode[] = ['LOCKED', 'DISK_FULL', 'IO', 'CORRUPT', 'READ_ONLY', 'CLOSED'];

interface Recording {
  readonly recorded: RecordedHost | null;
  readonly error: string | null;
  readonly ms: number;
  /** The store itself failed (locked, full, closed): later hosts of the round are not tried. */
  readonly storeDown: boolean;
}

/** One attempt: fence, record, seal, in one transaction. */
function recordUnderClaim(
  options: RoundOptions,
  sweep: HostSweep,
  deleted: readonly string[],
  at: Date,
  claim: HostClaim,
): Promise<RecordedHost> {
  const claims = options.claims ?? SOLE_WRITER;
  const host = sweep.host as string;
  // One agent per database (no shared claims): a steady host is written in one statement.
  return options.store.transaction(
    async (tx) => {
      await claims.fence(tx, host);
      const recorded = await recordHost(tx, sweep, deleted, at);
      await claims.seal(tx, host, claim, at);
      return recorded;
    },
    { oneStatement: !claims.shared },
  );
}

/** Claims the host again after its lease lapsed; true when it is still (or again) this agent's. */
async function reclaim(options: RoundOptions, host: string, claim: { current: HostClaim }): Promise<boolean> {
  const claims = options.claims ?? SOLE_WRITER;
  const again = (await claims.claim([host]).catch(() => null))?.get(host.toLowerCase());
  if (again === undefined) return false;
  claim.current = again;
  return again.held;
}

async function recordSweep(
  options: RoundOptions,
  sweep: HostSweep,
  deleted: readonly string[],
  at: Date,
  claim: HostClaim,
): Promise<Recording> {
  const start = performance.now();
  if (options.record === false)
    return { recorded: null, error: 'dry run: nothing recorded', ms: 0, storeDown: false };
  // A host that answered neither its facts nor its inventory is not touched: its last sighting stays.
  if (sweep.host === null || (!sweep.factsFresh && sweep.vms === null)) {
    return { recorded: null, error: null, ms: 0, storeDown: false };
  }
  const current = { current: claim };
  try {
    const recorded = await withStoreRetry(
      () => recordUnderClaim(options, sweep, deleted, at, current.current),
      options.retry,
      {
        ...(options.onStoreError === undefined ? {} : { onStoreError: options.onStoreError }),
        reclaim: () => reclaim(options, sweep.host as string, current),
      },
    );
    rememberCommitted(options.cache, sweep);
    return { recorded, error: null, ms: elapsedMs(start), storeDown: false };
  } catch (error) {
    const storeDown = error instanceof StoreError && STORE_DOWN.includes(error.code);
    return { recorded: null, error: describeError(error), ms: elapsedMs(start), storeDown };
  }
}

/**
 * Sweeps every host once and records each in its own transaction. Resolves with the round's report;
 * rejects only with SweepError STORE_UNAVAILABLE when the store cannot be read at the start, or
 * INVALID_ARGUMENT for a concurrency outside 1..64.
 */
export async function sweepRound(options: RoundOptions): Promise<SweepReport> {
  const started = performance.now();
  const concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > MAX_CONCURRENCY) {
    throw new SweepError(
      'INVALID_ARGUMENT',
      `concurrency is ${String(concurrency)}, expected an integer 1..${MAX_CONCURRENCY}`,
    );
  }
  // Claims first: the state read after them holds every commit of a host's previous holder.
  const claims = await claimHosts(
    options.claims ?? SOLE_WRITER,
    options.drivers.map((driver) => driver.hostName),
    options.onStoreError,
  );
  // Read while the hosts answer for their facts and VMs, which do not depend on it.
  const reading = readState(options.store).then((state) => ({
    at: roundTime(options.at, state),
    state,
    vmMemory: new Map(state.vms.map((vm) => [vm.id, vm])),
  }));
  const round = reading.catch(() => null);
  const ours = options.drivers.filter((driver) => claims.get(driver.hostName.toLowerCase())?.held === true);
  // A host (re)gained from another agent: what this agent's cache remembers may be older than the store.
  if ([...claims.values()].some((claim) => claim.held && claim.fresh === true))
    options.cache.retainOnly(new Set());
  const base = { settings: options.settings, cache: options.cache };
  const swept = await mapLimit(ours, concurrency, (driver) => sweepHost(driver, base, round));
  // A failed read fails the round (STORE_UNAVAILABLE) once every host stopped after its inventory.
  const { at, state } = await reading;
  const sweeps = new Map(swept.map((sweep) => [sweep.driverHost, sweep]));
  const seen = new Set(swept.flatMap((sweep) => (sweep.vms ?? []).map((vm) => vm.id)));
  if (swept.every((sweep) => sweep.vms !== null)) options.cache.retainOnly(seen);
  const lastSeen = lastSeenByHost(state.vms);
  const unseenBefore =
    options.claims?.shared === true ? at.getTime() - (options.deleteUnseenAfterMs ?? 0) : Infinity;
  const hosts: HostReport[] = [];
  let storeDown: string | null = null;
  for (const [index, driver] of options.drivers.entries()) {
    const claim = claims.get(driver.hostName.toLowerCase());
    const sweep = sweeps.get(driver.hostName);
    let report: HostReport;
    if (sweep === undefined || claim === undefined) {
      report = heldReport(driver.hostName, claim);
    } else {
      const deleted = deletedOn(sweep, lastSeen, seen, unseenBefore);
      const recording: Recording =
        storeDown === null
          ? await recordSweep(options, sweep, deleted, at, claim)
          : { recorded: null, error: `not tried: ${storeDown}`, ms: 0, storeDown: true };
      if (recording.storeDown && storeDown === null) storeDown = recording.error;
      const { recorded, error, ms } = recording;
      report = hostReport(
        sweep,
        recorded,
        error,
        recorded?.deleted ?? 0,
        Math.round((sweep.durationMs + ms) * 1000) / 1000,
      );
    }
    hosts.push(report);
    options.onHost?.(report, index, options.drivers.length);
  }
  return Object.freeze({
    at: at.toISOString(),
    dryRun: options.record === false,
    hosts: Object.freeze(hosts),
    totals: sweepTotals(hosts),
    durationMs: elapsedMs(started),
  });
}
