/**
 * What every repository function gets: the connection of the running transaction, the store's
 * settings, and per-transaction caches of name -> id lookups (per transaction, so a rolled-back insert
 * never leaves a stale id behind).
 */

import { StoreError } from '../errors.js';
import type { SqlConnection as Connection } from '../sql-connection.js';
import { checkGuid, checkText } from '../validate.js';

export interface TxContext {
  readonly conn: Connection;
  readonly staleAfterMs: number;
  /** A VM's assigned memory moving by at most this fraction keeps its interval (open-store.ts). */
  readonly memoryChangeRatio: number;
  readonly hostIds: Map<string, number>;
  readonly vmIds: Map<string, number>;
}

/** Longest host name accepted: DNS names are at most 253 characters. */
export const MAX_HOST_NAME = 253;

/** The id of a stored host; StoreError NOT_FOUND when `upsertHost` never saw it. */
export async function hostIdOf(ctx: TxContext, name: string, field = 'host'): Promise<number> {
  const key = checkText(name, field, MAX_HOST_NAME).toLowerCase();
  const cached = ctx.hostIds.get(key);
  if (cached !== undefined) return cached;
  const row = await ctx.conn.get('SELECT id FROM hosts WHERE name = ?', [name]);
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
  const row = await ctx.conn.get('SELECT id FROM vms WHERE guid = ?', [key]);
  if (row === undefined) {
    throw new StoreError('NOT_FOUND', `VM ${key} is not in the store; record it with upsertVm first`);
  }
  ctx.vmIds.set(key, Number(row.id));
  return Number(row.id);
}
