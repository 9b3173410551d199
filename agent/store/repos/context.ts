/**
 * What every repository function gets: the connection of the running transaction, the store's
 * settings, and per-transaction caches of name -> id lookups (per transaction, so a rolled-back insert
 * never leaves a stale id behind).
 */

import { StoreError } from '../errors.js';
import {
  type SqlConnection as Connection,
  type DialectSql,
  type SqlValue,
  sqlOf,
} from '../sql-connection.js';
import { checkGuid, checkText } from '../validate.js';
import type { OpenRows } from './open-rows.js';

export interface TxContext {
  readonly conn: Connection;
  readonly staleAfterMs: number;
  /** A VM's assigned memory moving by at most this fraction keeps its interval (open-store.ts). */
  readonly memoryChangeRatio: number;
  readonly hostIds: Map<string, number>;
  readonly vmIds: Map<string, number>;
  /** The rows kept between transactions (open-rows.ts); null where nothing is kept (PostgreSQL). */
  readonly openRows: OpenRowsUse | null;
}

/** One transaction's use of the kept rows. */
export interface OpenRowsUse {
  readonly rows: OpenRows;
  /** Checked against `data_version` in this transaction. */
  checked: boolean;
}

/** The statement `Store.changeStamp` and one-statement sweeps read too (one cached statement). */
export const DATA_VERSION = 'PRAGMA data_version';

/**
 * The kept rows, once checked in this transaction against SQLite's `data_version` (one read, unless
 * the host upsert brought it: `noteDataVersion`); null where nothing is kept.
 */
export async function keptRows(ctx: TxContext): Promise<OpenRows | null> {
  const use = ctx.openRows;
  if (use === null) return null;
  if (!use.checked) noteDataVersion(ctx, (await ctx.conn.get(DATA_VERSION))?.data_version);
  return use.rows;
}

/** Checks the kept rows against a `data_version` read in this transaction. */
export function noteDataVersion(ctx: TxContext, dataVersion: unknown): void {
  const use = ctx.openRows;
  if (use === null || use.checked) return;
  use.rows.checkDataVersion(Number(dataVersion));
  use.checked = true;
}

/**
 * A write to kept tables that does not keep the rows up to date: they are forgotten now, so later calls
 * in this transaction read what it wrote. Clearing also forgets the `data_version` they were checked
 * against, so what those calls keep is dropped again by the next transaction's check.
 */
export function forgetOpenRows(ctx: TxContext): void {
  ctx.openRows?.rows.clear();
}

/** Longest host name accepted: DNS names are at most 253 characters. */
export const MAX_HOST_NAME = 253;

/** SQLite's hosts.name is COLLATE NOCASE; PostgreSQL's unique index is on lower(name). */
const HOST_ID: DialectSql = {
  sqlite: 'SELECT id FROM hosts WHERE name = ?',
  postgres: 'SELECT id FROM hosts WHERE lower(name) = lower($1)',
};

const VM_ID: DialectSql = {
  sqlite: 'SELECT id FROM vms WHERE guid = ?',
  postgres: 'SELECT id FROM vms WHERE guid = $1',
};

/**
 * The host's id when this transaction already knows it, else `undefined` (then `hostIdOf`); checks the
 * name as `hostIdOf` does. Lets a loop over many rows skip a promise per row (each is a microtask, and
 * with the store's AsyncLocalStorage a promise hook call).
 */
export function knownHostId(ctx: TxContext, name: string, field = 'host'): number | undefined {
  return ctx.hostIds.get(checkText(name, field, MAX_HOST_NAME).toLowerCase());
}

/** `knownHostId` for a VM GUID (checked as `vmIdOf` does). */
export function knownVmId(ctx: TxContext, guid: string, field = 'vm'): number | undefined {
  return ctx.vmIds.get(checkGuid(guid, field));
}

/** The id of a stored host; StoreError NOT_FOUND when `upsertHost` never saw it. */
export async function hostIdOf(ctx: TxContext, name: string, field = 'host'): Promise<number> {
  const key = checkText(name, field, MAX_HOST_NAME).toLowerCase();
  const cached = ctx.hostIds.get(key);
  if (cached !== undefined) return cached;
  const row = await ctx.conn.get(sqlOf(ctx.conn, HOST_ID), [name]);
  if (row === undefined) {
    throw new StoreError(
      'NOT_FOUND',
      `host ${JSON.stringify(name)} is not in the store; record it with upsertHost first`,
    );
  }
  ctx.hostIds.set(key, Number(row.id));
  return Number(row.id);
}

/** The id of a stored VM by GUID; StoreError NOT_FOUND when `upsertVm` never saw it. */
export async function vmIdOf(ctx: TxContext, guid: string, field = 'vm'): Promise<number> {
  const key = checkGuid(guid, field);
  const cached = ctx.vmIds.get(key);
  if (cached !== undefined) return cached;
  const row = await ctx.conn.get(sqlOf(ctx.conn, VM_ID), [key]);
  if (row === undefined) {
    throw new StoreError('NOT_FOUND', `VM ${key} is not in the store; record it with upsertVm first`);
  }
  ctx.vmIds.set(key, Number(row.id));
  return Number(row.id);
}

/**
 * PostgreSQL only: locks a row before a read-then-write, so two agents writing one database under
 * READ COMMITTED take turns on it and the second reads what the first committed. FOR NO KEY UPDATE
 * (the lock an UPDATE or ON CONFLICT DO UPDATE takes) and not FOR UPDATE: other agents' inserts that
 * only reference the row (events, observations: a foreign key's KEY SHARE) need not wait for it.
 * SQLite needs nothing: its IMMEDIATE transaction holds the database's one write lock.
 */
export async function lockRowForUpdate(
  ctx: TxContext,
  postgres: string,
  params: readonly SqlValue[],
): Promise<void> {
  if (ctx.conn.dialect === 'postgres') await ctx.conn.get(postgres, params);
}

/** Locks the VM's row (PostgreSQL): its name, interval, flags and pools are then written by one agent at a time. */
export function lockVm(ctx: TxContext, vmId: number): Promise<void> {
  return lockRowForUpdate(ctx, 'SELECT id FROM vms WHERE id = $1 FOR NO KEY UPDATE', [vmId]);
}

/** Locks the host's row (PostgreSQL): its facts history is then written by one agent at a time. */
export function lockHost(ctx: TxContext, hostId: number): Promise<void> {
  return lockRowForUpdate(ctx, 'SELECT id FROM hosts WHERE id = $1 FOR NO KEY UPDATE', [hostId]);
}
