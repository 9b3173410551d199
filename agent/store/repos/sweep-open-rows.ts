/**
 * A host's sweep decides against each VM's open name, open observation interval and stored pool
 * items. Rows the store keeps from earlier transactions (open-rows.ts) are not read again; the rest
 * are read in one statement per table, only for the VMs not kept, and then kept. Where nothing is kept
 * (PostgreSQL) the database itself finds the names that changed (most sweeps: none, so no row crosses
 * the wire), and every open interval and the stored items of every pool offered are read.
 */
import { jsonColumn } from '../decode.js';
import { type DialectSql, type SqlRow, type SqlValue, sqlOf } from '../sql-connection.js';
import type { KvpPool } from '../types.js';
import { keptRows, type TxContext } from './context.js';
import { type KvpItems, type KvpWrite, kvpWrite, readStoredPools } from './kvp-repo.js';
import { OPEN_INTERVAL_COLUMNS } from './observations-repo.js';
import { type KeptRow, unknownVms } from './open-rows.js';
import type { NameChange } from './vms-repo.js';

/** VMs whose open name differs from the sweep's (or who have none): steady state returns no row. */
const CHANGED_NAMES: DialectSql = {
  sqlite: `SELECT j.value ->> '$[0]' AS vm, n.id, n.vm_id, n.name, n.valid_from FROM json_each(?) AS j
  LEFT JOIN vm_names n ON n.vm_id = j.value ->> '$[0]' AND n.valid_to IS NULL
  WHERE n.name IS NOT j.value ->> '$[1]' ORDER BY j.key`,
  postgres: `SELECT (j.value ->> 0)::bigint AS vm, n.id, n.vm_id, n.name, n.valid_from
  FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS j(value, key)
  LEFT JOIN vm_names n ON n.vm_id = (j.value ->> 0)::bigint AND n.valid_to IS NULL
  WHERE n.name IS DISTINCT FROM j.value ->> 1 ORDER BY j.key`,
};

/** A read of open rows by VM: its table, its columns in SELECT order, its SQL (one JSON array of ids). */
interface OpenRowsRead {
  readonly table: string;
  readonly columns: readonly string[];
  readonly sql: DialectSql;
}

/** The open rows (`valid_to IS NULL`) of `table` for the VMs of a JSON array of ids, in both dialects. */
function openRowsRead(table: string, columns: string): OpenRowsRead {
  const select = `SELECT ${columns} FROM ${table} WHERE valid_to IS NULL AND vm_id IN`;
  return {
    table,
    columns: columns.split(', '),
    sql: {
      sqlite: `${select} (SELECT value FROM json_each(?))`,
      postgres: `${select} (SELECT value::bigint FROM jsonb_array_elements_text($1::jsonb))`,
    },
  };
}

const OPEN_NAMES = openRowsRead('vm_names', 'id, vm_id, name, valid_from');
const OPEN_INTERVALS = openRowsRead('observations', OPEN_INTERVAL_COLUMNS);

/**
 * SQLite: the rows as one JSON text of arrays, named by place. node-sqlite3 builds each row of a wide
 * result as a dictionary object on the main thread: the open intervals of 8,000 VMs (a restarted
 * agent's first round, or the round after a fleet's first) cost 135 ms that way.
 */
async function sqliteRows(ctx: TxContext, read: OpenRowsRead, param: string): Promise<SqlRow[]> {
  const { columns } = read;
  const row = await ctx.conn.get(
    `SELECT json_group_array(json_array(${columns.join(', ')})) AS rows FROM (${read.sql.sqlite})`,
    [param],
  );
  const arrays = jsonColumn(row ?? {}, read.table, 'rows', (value) =>
    Array.isArray(value) && value.every((entry) => Array.isArray(entry) && entry.length === columns.length)
      ? (value as SqlValue[][])
      : null,
  );
  return arrays.map((values) => Object.fromEntries(columns.map((column, i) => [column, values[i]])));
}

/** Reads the rows of the VMs `map` does not hold, one per VM (null for none), into it. */
async function readUnknown<Row extends SqlRow>(
  ctx: TxContext,
  read: OpenRowsRead,
  map: Map<number, Row | null>,
  vmIds: readonly number[],
  keep: (row: SqlRow) => Row = (row) => row as Row,
): Promise<Map<number, Row | null>> {
  const unknown = unknownVms(map, vmIds);
  if (unknown.length === 0) return map;
  const param = JSON.stringify(unknown);
  const rows =
    ctx.conn.dialect === 'sqlite'
      ? await sqliteRows(ctx, read, param)
      : await ctx.conn.all(sqlOf(ctx.conn, read.sql), [param]);
  for (const id of unknown) map.set(id, null);
  for (const row of rows) map.set(Number(row.vm_id), keep(row));
  return map;
}

/**
 * The sweep's VMs (as [vm id, name], in sweep order) whose open name differs from the sweep's, or who
 * have none. Names are as stored (storedName): well-formed, so JSON carries them unchanged, and they
 * compare in JavaScript as SQLite and PostgreSQL compare them.
 */
export async function changedNames(
  ctx: TxContext,
  named: readonly (readonly [number, string])[],
): Promise<NameChange[]> {
  const kept = await keptRows(ctx);
  if (kept === null) {
    const nameOf = new Map(named);
    const rows = await ctx.conn.all(sqlOf(ctx.conn, CHANGED_NAMES), [JSON.stringify(named)]);
    return rows.map((row) => {
      const vmId = Number(row.vm);
      return { vmId, open: row.id === null ? undefined : row, name: nameOf.get(vmId) as string };
    });
  }
  const names = await readUnknown(
    ctx,
    OPEN_NAMES,
    kept.names,
    named.map(([vmId]) => vmId),
  );
  const changes: NameChange[] = [];
  for (const [vmId, name] of named) {
    const open = names.get(vmId) ?? undefined;
    if (open?.name !== name) changes.push({ vmId, open, name });
  }
  return changes;
}

/** VM id -> its open observation interval (OPEN_INTERVAL_COLUMNS), or null, for every VM given. */
export async function openIntervals(
  ctx: TxContext,
  vmIds: readonly number[],
): Promise<Map<number, KeptRow | null>> {
  const kept = await keptRows(ctx);
  if (kept === null) {
    return readUnknown(ctx, OPEN_INTERVALS, new Map<number, KeptRow | null>(), vmIds);
  }
  return readUnknown(ctx, OPEN_INTERVALS, kept.intervals, vmIds, (row) => kept.keptInterval(row));
}

/** A pool a sweep offers: its validated items in canonical order. */
export interface KvpCandidate {
  readonly vmId: number;
  readonly pool: KvpPool;
  readonly items: KvpItems;
}

/**
 * Of the candidate pools, those whose items differ from the stored ones (or that have none), in
 * order, each with the rows it changes. The stored items are the kept ones, read once per VM; where
 * nothing is kept (PostgreSQL) those of the candidates' VMs are read: the sweep sends only pools
 * whose CIM-XML changed, and the VM upserts hold those VMs' rows locked until COMMIT.
 */
export async function changedPools(ctx: TxContext, candidates: readonly KvpCandidate[]): Promise<KvpWrite[]> {
  if (candidates.length === 0) return [];
  const kept = await keptRows(ctx);
  const vmIds = [...new Set(candidates.map((c) => c.vmId))];
  const stored =
    kept === null
      ? await readStoredPools(ctx.conn, vmIds)
      : await readStoredPools(ctx.conn, unknownVms(kept.pools, vmIds), kept.pools);
  const writes: KvpWrite[] = [];
  for (const c of candidates) {
    const write = kvpWrite(c.vmId, c.pool, c.items, stored.get(c.vmId)?.get(c.pool));
    if (write !== null) writes.push(write);
  }
  return writes;
}

/** The items just written are what is stored now. */
export async function keepWrittenPools(ctx: TxContext, writes: readonly KvpWrite[]): Promise<void> {
  const kept = await keptRows(ctx);
  for (const write of writes) kept?.pools.get(write.vmId)?.set(write.pool, write.items);
}

/** Forgets the VMs' open names: new rows were written, whose ids the next sweep reads. */
export async function forgetNames(ctx: TxContext, vmIds: readonly number[]): Promise<void> {
  const kept = await keptRows(ctx);
  for (const vmId of vmIds) kept?.names.delete(vmId);
}
