/** VMs (by GUID), their name history, and the operator-visible flags opt-out and AVMA-blocked. */
import { type DialectSql, type SqlRow, sqlOf } from '../sql-connection.js';
import { storedName } from '../stored-name.js';
import type { ChangeRequest, VmInput } from '../types.js';
import { boolToInt, checkBoolean, checkGuid, checkOptionalText, checkText, invalid } from '../validate.js';
import { insertAudit } from './audit-repo.js';
import { lockVm, type TxContext, vmIdOf } from './context.js';
import { runJsonBatches } from './json-batch.js';

/** Hyper-V limits VM names to 100 characters; the cap leaves room without storing novels. */
export const MAX_VM_NAME = 256;
export const MAX_TENANT = 256;

/**
 * One statement, so a VM that migrates between hosts of two agents is upserted by both without a race;
 * in PostgreSQL the upsert also locks the VM's row until COMMIT, so the second agent's writes of the
 * VM's name and interval wait for the first's and then read them.
 */
const UPSERT_VM: DialectSql = {
  sqlite: `INSERT INTO vms (guid, tenant, first_seen, last_seen) VALUES (?, ?, ?, ?)
     ON CONFLICT (guid) DO UPDATE SET last_seen = max(last_seen, excluded.last_seen),
       tenant = excluded.tenant, deleted_at = NULL
     RETURNING id`,
  postgres: `INSERT INTO vms (guid, tenant, first_seen, last_seen) VALUES ($1, $2, $3, $4)
     ON CONFLICT (guid) DO UPDATE SET last_seen = GREATEST(vms.last_seen, excluded.last_seen),
       tenant = excluded.tenant, deleted_at = NULL
     RETURNING id`,
};

const CLOSE_NAME: DialectSql = {
  sqlite: 'UPDATE vm_names SET valid_to = ? WHERE id = ?',
  postgres: 'UPDATE vm_names SET valid_to = $1 WHERE id = $2',
};
const OPEN_NAME: DialectSql = {
  sqlite: 'INSERT INTO vm_names (vm_id, name, valid_from) VALUES (?, ?, ?)',
  postgres: 'INSERT INTO vm_names (vm_id, name, valid_from) VALUES ($1, $2, $3)',
};
/** Batches of JSON arrays: SQLite's json_each against PostgreSQL's jsonb_array_elements. */
const CLOSE_NAMES: DialectSql = {
  sqlite: 'UPDATE vm_names SET valid_to = ?2 WHERE id IN (SELECT value FROM json_each(?1))',
  postgres:
    'UPDATE vm_names SET valid_to = $2::bigint WHERE id IN (SELECT value::bigint FROM jsonb_array_elements_text($1::jsonb))',
};
const OPEN_NAMES: DialectSql = {
  sqlite: `INSERT INTO vm_names (vm_id, name, valid_from)
     SELECT j.value ->> '$[0]', j.value ->> '$[1]', ?2 FROM jsonb_each(?1) AS j`,
  postgres: `INSERT INTO vm_names (vm_id, name, valid_from)
     SELECT (j.value ->> 0)::bigint, j.value ->> 1, $2::bigint FROM jsonb_array_elements($1::jsonb) AS j`,
};
const CURRENT_NAME: DialectSql = {
  sqlite: 'SELECT id, name, valid_from FROM vm_names WHERE vm_id = ? AND valid_to IS NULL',
  postgres: 'SELECT id, name, valid_from FROM vm_names WHERE vm_id = $1 AND valid_to IS NULL',
};

/**
 * Creates the VM or moves its last_seen and updates its tenant; a VM seen again after being marked
 * deleted is live again. Resolves to its internal id.
 */
export async function upsertVm(ctx: TxContext, vm: VmInput, atMs: number): Promise<number> {
  if (typeof vm !== 'object' || vm === null) throw invalid('vm', vm, 'an object { id, tenant }');
  const guid = checkGuid(vm.id, 'vm.id');
  const tenant = checkOptionalText(vm.tenant, 'vm.tenant', MAX_TENANT);
  const row = await ctx.conn.get(sqlOf(ctx.conn, UPSERT_VM), [guid, tenant, atMs, atMs]);
  const id = Number(row?.id);
  ctx.vmIds.set(guid, id);
  return id;
}

/** Closes the open name (if any) and opens `name` at `atMs`. */
export async function writeVmName(
  ctx: TxContext,
  vmId: number,
  open: SqlRow | undefined,
  name: string,
  atMs: number,
): Promise<void> {
  if (open !== undefined) {
    if (atMs < Number(open.valid_from)) {
      throw invalid('at', new Date(atMs), 'a time after the VM got its current name');
    }
    await ctx.conn.run(sqlOf(ctx.conn, CLOSE_NAME), [atMs, Number(open.id)]);
  }
  await ctx.conn.run(sqlOf(ctx.conn, OPEN_NAME), [vmId, name, atMs]);
}

/** A sweep's new name for a VM, with the VM's open name row if it has one. */
export interface NameChange {
  readonly vmId: number;
  readonly open: SqlRow | undefined;
  readonly name: string;
}

/**
 * `writeVmName` for many VMs in two statements (closes, then opens, so the one-open-name index holds).
 * Rejects with INVALID_ARGUMENT, before any write, when `atMs` is before a VM got its current name.
 */
export async function writeVmNames(
  ctx: TxContext,
  changes: readonly NameChange[],
  atMs: number,
): Promise<void> {
  const closes: number[] = [];
  for (const { open } of changes) {
    if (open === undefined) continue;
    if (atMs < Number(open.valid_from)) {
      throw invalid('at', new Date(atMs), 'a time after the VM got its current name');
    }
    closes.push(Number(open.id));
  }
  await runJsonBatches(ctx, sqlOf(ctx.conn, CLOSE_NAMES), closes, [atMs]);
  await runJsonBatches(
    ctx,
    sqlOf(ctx.conn, OPEN_NAMES),
    // `name` is already as stored (storedName): well-formed, so JSON carries it unchanged.
    changes.map((change) => [change.vmId, change.name]),
    [atMs],
  );
}

/**
 * Records the VM's name at `atMs`. Resolves to true when it differs from the current name (the old
 * one is closed, the new one opened), false when unchanged (no write).
 */
export async function recordVmName(
  ctx: TxContext,
  guid: string,
  atMs: number,
  name: string,
): Promise<boolean> {
  // Compared as stored (escaped when not well-formed), so an unchanged name is never a rename.
  const stored = storedName(checkText(name, 'name', MAX_VM_NAME));
  const vmId = await vmIdOf(ctx, guid);
  await lockVm(ctx, vmId);
  const open = await ctx.conn.get(sqlOf(ctx.conn, CURRENT_NAME), [vmId]);
  if (open?.name === stored) return false;
  await writeVmName(ctx, vmId, open, stored, atMs);
  return true;
}

type VmFlag = 'opted_out' | 'avma_blocked';

/** Sets a flag; audits and resolves to true only when it changed (repeating a request is a no-op). */
async function setFlag(
  ctx: TxContext,
  guid: string,
  flag: VmFlag,
  value: boolean,
  request: ChangeRequest,
  actions: { readonly on: 'opt-out' | 'block-avma'; readonly off: 'opt-in' | 'allow-avma' },
): Promise<boolean> {
  checkBoolean(value, flag);
  const vmId = await vmIdOf(ctx, guid);
  // PostgreSQL: the row lock makes two operators flipping the flag at once audit it once.
  const row = await ctx.conn.get(
    sqlOf(ctx.conn, {
      sqlite: `SELECT ${flag} AS flag FROM vms WHERE id = ?`,
      postgres: `SELECT ${flag} AS flag FROM vms WHERE id = $1 FOR NO KEY UPDATE`,
    }),
    [vmId],
  );
  if (Number(row?.flag) === boolToInt(value)) return false;
  await ctx.conn.run(
    sqlOf(ctx.conn, {
      sqlite: `UPDATE vms SET ${flag} = ? WHERE id = ?`,
      postgres: `UPDATE vms SET ${flag} = $1 WHERE id = $2`,
    }),
    [boolToInt(value), vmId],
  );
  await insertAudit(ctx, {
    at: request.at,
    actor: request.actor,
    action: value ? actions.on : actions.off,
    vm: guid,
    reason: request.reason,
  });
  return true;
}

/** The tenant's opt-out: the agent leaves the VM alone (reason OPTED_OUT) while it is set. */
export function setOptOut(
  ctx: TxContext,
  guid: string,
  optedOut: boolean,
  request: ChangeRequest,
): Promise<boolean> {
  return setFlag(ctx, guid, 'opted_out', optedOut, request, { on: 'opt-out', off: 'opt-in' });
}

/** Set after a key replacement; AVMA keys are not pushed again until an operator clears it. */
export function setAvmaBlocked(
  ctx: TxContext,
  guid: string,
  blocked: boolean,
  request: ChangeRequest,
): Promise<boolean> {
  return setFlag(ctx, guid, 'avma_blocked', blocked, request, { on: 'block-avma', off: 'allow-avma' });
}

/**
 * Marks the VM deleted at `atMs` and closes its open observation at its last sighting, so the time
 * between that sighting and the deletion is not counted as running. Resolves to false when the VM was
 * already marked deleted. Its history stays: deleted VMs remain in the month they ran in.
 */
export async function markVmDeleted(ctx: TxContext, guid: string, atMs: number): Promise<boolean> {
  const vmId = await vmIdOf(ctx, guid);
  const row = await ctx.conn.get(
    sqlOf(ctx.conn, {
      sqlite: 'SELECT deleted_at FROM vms WHERE id = ?',
      postgres: 'SELECT deleted_at FROM vms WHERE id = $1 FOR NO KEY UPDATE',
    }),
    [vmId],
  );
  if (row?.deleted_at !== null) return false;
  await ctx.conn.run(
    sqlOf(ctx.conn, {
      sqlite: 'UPDATE observations SET valid_to = last_seen WHERE vm_id = ? AND valid_to IS NULL',
      postgres: 'UPDATE observations SET valid_to = last_seen WHERE vm_id = $1 AND valid_to IS NULL',
    }),
    [vmId],
  );
  await ctx.conn.run(
    sqlOf(ctx.conn, {
      sqlite: 'UPDATE vms SET deleted_at = ? WHERE id = ?',
      postgres: 'UPDATE vms SET deleted_at = $1 WHERE id = $2',
    }),
    [atMs, vmId],
  );
  return true;
}
