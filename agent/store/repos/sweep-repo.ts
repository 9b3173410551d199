/**
 * One host's sweep in a handful of statements: the per-VM methods cost several round trips each
 * through node-sqlite3's thread pool, which for 1,024 VMs is most of the sweep's time budget
 * (architecture §11). Here the open rows of all VMs are read in one query per table, steady-state
 * `last_seen` moves in one UPDATE, and the changes (every row, on a new host's first sweep) are
 * written as JSON batches, a few statements per table. The decisions are the same functions the
 * per-VM methods use.
 */
import { type DialectSql, type SqlValue, sqlOf } from '../sql-connection.js';
import { storedName } from '../stored-name.js';
import type { KvpItemRecord, KvpPool, ObservationChange, ObservationFields, VmInput } from '../types.js';
import { KVP_POOLS } from '../types.js';
import { checkGuid, checkOptionalText, checkText, invalid } from '../validate.js';
import { hostIdOf, type TxContext } from './context.js';
import { boundText } from './json-batch.js';
import { canonicalKvpItems, type KvpItems, writeKvps } from './kvp-repo.js';
import {
  applyObservations,
  decideObservation,
  fieldColumns,
  type ObservationWrite,
} from './observations-repo.js';
import type { KeptRow } from './open-rows.js';
import {
  changedNames,
  changedPools,
  forgetNames,
  type KvpCandidate,
  keepWrittenPools,
  openIntervals,
} from './sweep-open-rows.js';
import { type CheckedSweepVm, isCheckedSweepVm } from './sweep-vm-check.js';
import { MAX_TENANT, MAX_VM_NAME, writeVmNames } from './vms-repo.js';

/** Hyper-V runs at most 1,024 VMs per host; a host may hold more that are off. */
export const MAX_SWEEP_VMS = 10_000;

export interface SweepVm {
  readonly vm: VmInput;
  readonly name: string;
  /** What the sweep saw; the host is the sweep's host. */
  readonly observation: Omit<ObservationFields, 'host'>;
  /** Raw items per pool; pools left out are not touched. */
  readonly kvp?: Readonly<Partial<Record<KvpPool, readonly KvpItemRecord[]>>>;
}

export interface SweepSummary {
  readonly vms: number;
  /** VMs whose name was recorded for the first time or changed. */
  readonly renamed: number;
  readonly observations: Readonly<Record<ObservationChange, number>>;
  /** Pools whose items changed and were rewritten. */
  readonly kvpWritten: number;
}

interface PreparedVm {
  readonly guid: string;
  readonly tenant: string | null;
  readonly name: string;
  readonly values: readonly SqlValue[];
  readonly kvp: readonly (readonly [KvpPool, KvpItems])[];
}

/** An entry not checked by checkSweepVm: validated here, with the field names of `vms[i]`. */
function checkEntry(entry: SweepVm, i: number): CheckedSweepVm {
  if (typeof entry !== 'object' || entry === null) throw invalid(`vms[${i}]`, entry, 'an object');
  const guid = checkGuid(entry.vm?.id, `vms[${i}].vm.id`);
  const kvp = KVP_POOLS.flatMap((pool) => {
    const items = entry.kvp?.[pool];
    return items === undefined ? [] : [[pool, canonicalKvpItems(items)] as const];
  });
  return {
    guid,
    tenant: checkOptionalText(entry.vm.tenant, `vms[${i}].vm.tenant`, MAX_TENANT),
    name: storedName(checkText(entry.name, `vms[${i}].name`, MAX_VM_NAME)),
    columns: fieldColumns({ ...entry.observation, host: '' }),
    kvp,
  };
}

/**
 * `[hostId, ...columns]` by a loop: spreading a frozen array takes V8's generic iterator path, which
 * allocated an iterator result per column (6 MB a round at 8,000 VMs).
 */
function withHost(hostId: SqlValue, columns: readonly SqlValue[]): SqlValue[] {
  const values: SqlValue[] = new Array(columns.length + 1);
  values[0] = hostId;
  for (let i = 0; i < columns.length; i++) values[i + 1] = columns[i] as SqlValue;
  return values;
}

/**
 * Every entry validated (those made by checkSweepVm were, when they were made) before anything is
 * written; the host is checked once for all of them.
 */
async function prepare(
  ctx: TxContext,
  host: string,
  entries: readonly (SweepVm | CheckedSweepVm)[],
): Promise<PreparedVm[]> {
  if (!Array.isArray(entries) || entries.length > MAX_SWEEP_VMS) {
    throw invalid('vms', entries, `an array of at most ${MAX_SWEEP_VMS} VMs`);
  }
  if (entries.length === 0) return [];
  const hostId = await hostIdOf(ctx, host, 'fields.host');
  const seen = new Set<string>();
  const prepared: PreparedVm[] = [];
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i];
    const checked = isCheckedSweepVm(entry) ? entry : checkEntry(entry as SweepVm, i);
    const { guid, tenant, name, columns, kvp } = checked;
    if (seen.has(guid)) throw invalid(`vms[${i}].vm.id`, guid, 'each VM once per sweep');
    seen.add(guid);
    prepared.push({ guid, tenant, name, values: withHost(hostId, columns), kvp });
  }
  return prepared;
}

/**
 * In PostgreSQL the upsert locks each VM's row until COMMIT: two agents sweeping a VM that migrates
 * between their hosts take turns on it, and everything after (names, intervals, pools) reads what
 * the other committed. The rows go in GUID order so two such sweeps lock shared VMs in the same order
 * and cannot deadlock each other.
 */
export const UPSERT_VMS: DialectSql = {
  sqlite: `INSERT INTO vms (guid, tenant, first_seen, last_seen)
     SELECT j.value ->> '$[0]', j.value ->> '$[1]', ?1, ?1 FROM jsonb_each(?2) AS j WHERE true
     ON CONFLICT (guid) DO UPDATE SET last_seen = max(last_seen, excluded.last_seen),
       tenant = excluded.tenant, deleted_at = NULL
     RETURNING id, guid`,
  postgres: `INSERT INTO vms (guid, tenant, first_seen, last_seen)
     SELECT j.value ->> 0, j.value ->> 1, $1::bigint, $1::bigint FROM jsonb_array_elements($2::jsonb) AS j
     ORDER BY j.value ->> 0
     ON CONFLICT (guid) DO UPDATE SET last_seen = GREATEST(vms.last_seen, excluded.last_seen),
       tenant = excluded.tenant, deleted_at = NULL
     RETURNING id, guid`,
};

/** Upserts every VM in one statement, which returns each VM's id; resolves to GUID -> id. */
async function upsertVms(
  ctx: TxContext,
  vms: readonly PreparedVm[],
  atMs: number,
): Promise<Map<string, number>> {
  const rows = await ctx.conn.all(sqlOf(ctx.conn, UPSERT_VMS), [
    atMs,
    JSON.stringify(vms.map((vm) => [vm.guid, boundText(vm.tenant)])),
  ]);
  const ids = new Map(rows.map((row) => [String(row.guid), Number(row.id)]));
  const kept = ctx.openRows?.rows.vmIds;
  for (const [guid, id] of ids) {
    ctx.vmIds.set(guid, id);
    kept?.set(guid, id);
  }
  return ids;
}

/** VMs whose open name differs from the sweep's, or who have none, get a new one. */
async function recordNames(
  ctx: TxContext,
  vms: readonly PreparedVm[],
  ids: Map<string, number>,
  atMs: number,
) {
  const changes = await changedNames(
    ctx,
    vms.map((vm) => [ids.get(vm.guid) ?? -1, vm.name] as const),
  );
  await writeVmNames(ctx, changes, atMs);
  await forgetNames(
    ctx,
    changes.map((change) => change.vmId),
  );
  return changes.length;
}

export const SEEN_AGAIN: DialectSql = {
  sqlite: 'UPDATE observations SET last_seen = ? WHERE id IN (SELECT value FROM json_each(?))',
  postgres:
    'UPDATE observations SET last_seen = $1 WHERE id IN (SELECT value::bigint FROM jsonb_array_elements_text($2::jsonb))',
};

async function recordObservations(
  ctx: TxContext,
  vms: readonly PreparedVm[],
  ids: Map<string, number>,
  atMs: number,
) {
  const open = await openIntervals(ctx, [...ids.values()]);
  const counts: Record<ObservationChange, number> = { opened: 0, unchanged: 0, changed: 0, resumed: 0 };
  const unchanged: number[] = [];
  const writes: ObservationWrite[] = [];
  for (const vm of vms) {
    const vmId = ids.get(vm.guid) ?? -1;
    const current = open.get(vmId) ?? undefined;
    const change = decideObservation(current, atMs, vm.values, ctx.staleAfterMs, ctx.memoryChangeRatio);
    counts[change]++;
    if (change === 'unchanged') {
      // What SEEN_AGAIN writes below, in the row later sweeps decide against ('unchanged' has one).
      const kept = current as KeptRow;
      unchanged.push(Number(kept.id));
      kept.last_seen = atMs;
    } else writes.push({ vmId, open: current, values: vm.values, change });
  }
  await applyObservations(ctx, writes, atMs);
  // The new intervals' ids are not known here: the next sweep reads them.
  for (const write of writes) open.delete(write.vmId);
  await ctx.conn.run(sqlOf(ctx.conn, SEEN_AGAIN), [atMs, JSON.stringify(unchanged)]);
  return counts;
}

async function recordPools(
  ctx: TxContext,
  vms: readonly PreparedVm[],
  ids: Map<string, number>,
  atMs: number,
) {
  const candidates: KvpCandidate[] = [];
  for (const vm of vms) {
    const vmId = ids.get(vm.guid) ?? -1;
    for (const [pool, items] of vm.kvp) candidates.push({ vmId, pool, items });
  }
  const writes = await changedPools(ctx, candidates);
  await writeKvps(ctx, writes, atMs);
  await keepWrittenPools(ctx, writes);
  return writes.length;
}

/**
 * Records one host's sweep: every VM's tenant, name, observation and KVP pools, with exactly the
 * semantics of upsertVm / recordVmName / recordObservation / recordKvp. Every entry is validated
 * before the first write (INVALID_ARGUMENT names the entry and field); NOT_FOUND when the host was
 * never upserted. Resolves to counts of what changed.
 */
export async function recordSweep(
  ctx: TxContext,
  host: string,
  atMs: number,
  entries: readonly (SweepVm | CheckedSweepVm)[],
): Promise<SweepSummary> {
  const vms = await prepare(ctx, host, entries);
  if (vms.length === 0) {
    return {
      vms: 0,
      renamed: 0,
      observations: { opened: 0, unchanged: 0, changed: 0, resumed: 0 },
      kvpWritten: 0,
    };
  }
  const ids = await upsertVms(ctx, vms, atMs);
  const renamed = await recordNames(ctx, vms, ids, atMs);
  const observations = await recordObservations(ctx, vms, ids, atMs);
  const kvpWritten = await recordPools(ctx, vms, ids, atMs);
  return Object.freeze({ vms: vms.length, renamed, observations: Object.freeze(observations), kvpWritten });
}
