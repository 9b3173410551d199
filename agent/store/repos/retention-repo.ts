/**
 * Retention: raw host/guest events and closed observation intervals older than the horizon are
 * deleted, but never data a month that is not closed needs. The prune stops at the start of the
 * earliest month before the horizon that is not closed, whatever its age, so everything deleted lies in
 * closed months, whose reports are frozen. The agent's own audit events, VMs, names, host facts and the
 * closes themselves are kept forever. Each VM keeps its latest observation and its latest one with a
 * known OS, which later months' reports and the status views read.
 */

import { isoTime } from '../decode.js';
import { type SqlConnection as Connection, type DialectSql, sqlOf } from '../sql-connection.js';
import type { RawPruneRecord, RawPruneResult } from '../types.js';
import { checkInteger, checkText, checkTime } from '../validate.js';
import { insertAudit, MAX_ACTOR } from './audit-repo.js';
import type { TxContext } from './context.js';

/** The shortest retention allowed: SPLA audits reach three years back (spla-and-peers §1.2). */
export const MIN_RAW_MONTHS = 36;
export const DEFAULT_RAW_MONTHS = 60;

export interface RawPruneOptions {
  /** The current time: the horizon is the start of the month `rawMonths` before this one (UTC). */
  readonly now: Date;
  readonly rawMonths: number;
  /** Who prunes, for the audit trail (`agent` for the daily prune). */
  readonly actor: string;
}

/** Conditions on the cutoff, bound as ?1 / $1. */
const RAW_EVENTS: DialectSql = {
  sqlite: "source IN ('host', 'guest') AND time < ?1",
  postgres: "source IN ('host', 'guest') AND time < $1",
};
/** Closed intervals that ended before ?1, except each VM's latest and latest known-OS observation. */
const keptObservations = (cutoff: string) => `valid_to IS NOT NULL AND valid_to < ${cutoff}
  AND id <> (SELECT k.id FROM observations k WHERE k.vm_id = observations.vm_id
             ORDER BY k.valid_from DESC, k.id DESC LIMIT 1)
  AND NOT (os <> 'unknown' AND id = (SELECT k.id FROM observations k
             WHERE k.vm_id = observations.vm_id AND k.os <> 'unknown'
             ORDER BY k.valid_from DESC, k.id DESC LIMIT 1))`;
const OLD_OBSERVATIONS: DialectSql = { sqlite: keptObservations('?1'), postgres: keptObservations('$1') };

/** PostgreSQL wants a name for a subquery in FROM. */
const FIRST_RAW: DialectSql = {
  sqlite: `SELECT min(t) AS t FROM (SELECT min(valid_from) AS t FROM observations
       UNION ALL SELECT min(time) FROM events WHERE source IN ('host', 'guest'))`,
  postgres: `SELECT min(t) AS t FROM (SELECT min(valid_from) AS t FROM observations
       UNION ALL SELECT min(time) FROM events WHERE source IN ('host', 'guest')) AS firsts`,
};
const INSERT_PRUNE: DialectSql = {
  sqlite: 'INSERT INTO raw_prunes (at, before, events, observations) VALUES (?, ?, ?, ?)',
  postgres: 'INSERT INTO raw_prunes (at, before, events, observations) VALUES ($1, $2, $3, $4)',
};
const LAST_PRUNE: DialectSql = {
  sqlite: 'SELECT at, before, events, observations FROM raw_prunes ORDER BY before DESC, id DESC LIMIT 1',
  postgres: 'SELECT at, before, events, observations FROM raw_prunes ORDER BY before DESC, id DESC LIMIT 1',
};

function monthStart(ms: number, addMonths = 0): number {
  const d = new Date(ms);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + addMonths, 1);
}

interface Cutoff {
  readonly beforeMs: number;
  readonly horizonMs: number;
  readonly heldBackBy: string | null;
}

/** The horizon, held back to the earliest month before it that has raw data and is not closed. */
async function cutoff(conn: Connection, nowMs: number, rawMonths: number): Promise<Cutoff> {
  const horizonMs = monthStart(nowMs, -rawMonths);
  const first = await conn.get(sqlOf(conn, FIRST_RAW));
  const closed = new Set((await conn.all('SELECT month FROM month_closes')).map((row) => String(row.month)));
  if (first?.t === null || first?.t === undefined)
    return { beforeMs: horizonMs, horizonMs, heldBackBy: null };
  for (let start = monthStart(Number(first.t)); start < horizonMs; start = monthStart(start, 1)) {
    const month = isoTime(start).slice(0, 7);
    if (!closed.has(month)) return { beforeMs: start, horizonMs, heldBackBy: month };
  }
  return { beforeMs: horizonMs, horizonMs, heldBackBy: null };
}

async function count(conn: Connection, table: string, where: DialectSql, beforeMs: number): Promise<number> {
  // `table` and `where` are constants of this module; the cutoff is bound.
  const row = await conn.get(`SELECT count(*) AS n FROM ${table} WHERE ${sqlOf(conn, where)}`, [beforeMs]);
  return Number(row?.n ?? 0);
}

function checkOptions(options: RawPruneOptions): number {
  checkInteger(options.rawMonths, 'rawMonths', MIN_RAW_MONTHS, 12_000);
  checkText(options.actor, 'actor', MAX_ACTOR);
  return checkTime(options.now, 'now');
}

/** What a prune would delete, deleting nothing. Rejects with INVALID_ARGUMENT for bad options. */
export async function planRawPrune(conn: Connection, options: RawPruneOptions): Promise<RawPruneResult> {
  const nowMs = checkOptions(options);
  const { beforeMs, horizonMs, heldBackBy } = await cutoff(conn, nowMs, options.rawMonths);
  return Object.freeze({
    before: isoTime(beforeMs),
    horizon: isoTime(horizonMs),
    heldBackBy,
    events: await count(conn, 'events', RAW_EVENTS, beforeMs),
    observations: await count(conn, 'observations', OLD_OBSERVATIONS, beforeMs),
    dryRun: true,
  });
}

/** Prunes in the caller's transaction; records the prune and audits `raw-prune` when anything went. */
export async function pruneRawData(ctx: TxContext, options: RawPruneOptions): Promise<RawPruneResult> {
  const plan = await planRawPrune(ctx.conn, options);
  const beforeMs = Date.parse(plan.before);
  const events = (await ctx.conn.run(`DELETE FROM events WHERE ${sqlOf(ctx.conn, RAW_EVENTS)}`, [beforeMs]))
    .changes;
  const observations = (
    await ctx.conn.run(`DELETE FROM observations WHERE ${sqlOf(ctx.conn, OLD_OBSERVATIONS)}`, [beforeMs])
  ).changes;
  if (events + observations > 0) {
    await ctx.conn.run(sqlOf(ctx.conn, INSERT_PRUNE), [
      options.now.getTime(),
      beforeMs,
      events,
      observations,
    ]);
    await insertAudit(ctx, {
      at: options.now,
      actor: options.actor,
      action: 'raw-prune',
      reason: `raw data before ${plan.before} pruned (retention ${options.rawMonths} months)`,
      details: { before: plan.before, events, observations, heldBackBy: plan.heldBackBy },
    });
  }
  return Object.freeze({ ...plan, events, observations, dryRun: false });
}

/** The latest recorded prune (raw data before its `before` is gone), or null when none happened. */
export async function lastRawPrune(conn: Connection): Promise<RawPruneRecord | null> {
  const row = await conn.get(sqlOf(conn, LAST_PRUNE));
  if (row === undefined) return null;
  return Object.freeze({
    at: isoTime(Number(row.at)),
    before: isoTime(Number(row.before)),
    events: Number(row.events),
    observations: Number(row.observations),
  });
}
