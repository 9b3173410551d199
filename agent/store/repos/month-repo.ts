/**
 * Closed months: the frozen report, its CSV tables and settings, who closed it, and its place in the
 * hash chain. The schema's triggers refuse UPDATE and DELETE; this module only ever inserts.
 */
import { StoreError } from '../errors.js';
import { decodeClose } from '../queries/month-query.js';
import { type DialectSql, sqlOf } from '../sql-connection.js';
import type { MonthCloseInput, MonthCloseRecord } from '../types.js';
import { checkBoolean, checkOneOf, checkText, checkTime, invalid } from '../validate.js';
import { MAX_ACTOR } from './audit-repo.js';
import type { TxContext } from './context.js';

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;
const SHA256 = /^[0-9a-f]{64}$/;
/** A month report of 8,000 VMs is a few megabytes of JSON; this is far above and far below harm. */
export const MAX_REPORT_CHARS = 64 * 1024 * 1024;
const MAX_SETTINGS_CHARS = 64 * 1024;

/**
 * PostgreSQL: the month-close chain's transaction lock, taken before the head is read. Agents write one
 * database under READ COMMITTED, so two closes at once would otherwise both read the same head and
 * both link to it; with the lock the second waits, then reads the first's close as the head. The
 * two-key form (namespace 'AVMA' in ASCII, lock 1) stays clear of the one-key migration lock.
 * SQLite's IMMEDIATE transaction already makes the closes take turns.
 */
const CHAIN_LOCK = 'SELECT pg_advisory_xact_lock(1096174913, 1)';

const HEAD: DialectSql = {
  sqlite: 'SELECT * FROM month_closes ORDER BY id DESC LIMIT 1',
  postgres: 'SELECT * FROM month_closes ORDER BY id DESC LIMIT 1',
};
const CLOSED_AT: DialectSql = {
  sqlite: 'SELECT closed_at FROM month_closes WHERE month = ?',
  postgres: 'SELECT closed_at FROM month_closes WHERE month = $1',
};
const INSERT_CLOSE: DialectSql = {
  sqlite: `INSERT INTO month_closes
       (month, closed_at, report, csv, settings, actor, actor_source, forced, previous_sha256, sha256, format)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 2)`,
  postgres: `INSERT INTO month_closes
       (month, closed_at, report, csv, settings, actor, actor_source, forced, previous_sha256, sha256, format)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 2)`,
};

async function lockChain(ctx: TxContext): Promise<void> {
  if (ctx.conn.dialect === 'postgres') await ctx.conn.get(CHAIN_LOCK);
}

function checkSha256(value: unknown, field: string): string {
  if (typeof value !== 'string' || !SHA256.test(value))
    throw invalid(field, value, '64 lower-case hex digits');
  return value;
}

/**
 * The close stored last (the head of the chain), or null when none is. Read inside the closing
 * transaction, so two closes racing each other chain one after the other.
 */
export async function lastMonthClose(ctx: TxContext): Promise<MonthCloseRecord | null> {
  await lockChain(ctx);
  const row = await ctx.conn.get(sqlOf(ctx.conn, HEAD));
  return row === undefined ? null : decodeClose(row);
}

/**
 * Stores a chained month close. Rejects with CONFLICT when the month is already closed (a closed month
 * is never replaced) or when `previousSha256` is not the head of the chain (another close came first),
 * INVALID_ARGUMENT for a bad month, hash, actor or empty text.
 */
export async function insertMonthClose(ctx: TxContext, input: MonthCloseInput): Promise<void> {
  if (typeof input.month !== 'string' || !MONTH.test(input.month)) {
    throw invalid('month', input.month, 'YYYY-MM');
  }
  const sha256 = checkSha256(input.sha256, 'sha256');
  const previous = input.previousSha256 === null ? null : checkSha256(input.previousSha256, 'previousSha256');
  const closedAtMs = checkTime(input.closedAt, 'closedAt');
  const values = [
    checkText(input.report, 'report', MAX_REPORT_CHARS),
    checkText(input.csv, 'csv', MAX_REPORT_CHARS),
    checkText(input.settings, 'settings', MAX_SETTINGS_CHARS),
    checkText(input.actor, 'actor', MAX_ACTOR),
    checkOneOf(input.actorSource, 'actorSource', ['given', 'os-user'] as const),
    checkBoolean(input.forced, 'forced') ? 1 : 0,
  ];
  await lockChain(ctx);
  const existing = await ctx.conn.get(sqlOf(ctx.conn, CLOSED_AT), [input.month]);
  if (existing !== undefined) {
    const when = new Date(Number(existing.closed_at)).toISOString();
    throw new StoreError(
      'CONFLICT',
      `month ${input.month} was already closed at ${when}; a closed month is immutable`,
    );
  }
  const head = await lastMonthClose(ctx);
  if ((head?.sha256 ?? null) !== previous) {
    throw new StoreError(
      'CONFLICT',
      `the close of ${input.month} chains to ${previous ?? 'nothing'}, but the last close is ${head?.sha256 ?? 'none'}`,
    );
  }
  await ctx.conn.run(sqlOf(ctx.conn, INSERT_CLOSE), [input.month, closedAtMs, ...values, previous, sha256]);
}
