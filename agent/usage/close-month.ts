/**
 * Month close: the report of a finished month frozen as JSON and as every CSV table, with the settings
 * it was built with, who closed it, when, whether early (`force`), and a SHA-256 chained to the close
 * stored before it (close-digest.ts). Stored once and never changed: the store refuses a second close
 * and the schema refuses UPDATE/DELETE. Audits reconstruct each month years later (spla-and-peers §1.2).
 */
import { type ActorSource, type Store, StoreError } from '../store/index.js';
import { buildUsageMonth } from './build-usage-month.js';
import { canonicalJson, closeDigest, expectedSha256 } from './close-digest.js';
import { UsageError } from './errors.js';
import { parseMonth } from './month.js';
import { USAGE_CSV_TABLES, usageCsv } from './usage-csv.js';
import { USAGE_MONTH_SCHEMA } from './usage-schema.js';
import type { UsageMonth, UsageOptions } from './usage-types.js';

export interface ClosedMonth {
  readonly month: string;
  readonly closedAt: string;
  readonly sha256: string;
  /** The hash of the close stored before this one; null for the first (or a close before the chain). */
  readonly previousSha256: string | null;
  readonly actor: string | null;
  readonly actorSource: ActorSource | null;
  readonly forced: boolean;
  readonly report: UsageMonth;
}

/** Report settings a close is built with: everything of UsageOptions but a tenant (a close is whole). */
export type CloseSettings = Omit<UsageOptions, 'tenant'>;

export interface CloseMonthOptions {
  /** The closing time (default: now); the month must have ended by then unless `force`. */
  readonly now?: Date;
  /** Report settings, stored with the close and used again to check it for drift. */
  readonly settings?: CloseSettings;
  /** Who closes it (default `agent`): stored in the close and audited `month-close` in its transaction. */
  readonly actor?: string;
  /** `os-user` when the caller filled in the OS user name for a missing actor (default `given`). */
  readonly actorSource?: ActorSource;
  /**
   * Close a month that has not ended yet, deliberately; recorded in the close and the audit trail. On a
   * month that has ended it changes nothing (the close is not marked forced).
   */
  readonly force?: boolean;
}

async function alreadyClosed(store: Store, month: string, cause: unknown): Promise<UsageError> {
  const existing = await store.getMonthClose(month);
  const when = existing === null ? '' : ` at ${existing.closedAt} (sha256 ${existing.sha256})`;
  return new UsageError(
    'MONTH_ALREADY_CLOSED',
    `month ${month} was already closed${when}; a closed month cannot be closed again`,
    { cause },
  );
}

/** Every CSV table of the report, as one canonical JSON object (table name -> CSV text). */
export function reportCsvTables(report: UsageMonth): string {
  return canonicalJson(Object.fromEntries(USAGE_CSV_TABLES.map((table) => [table, usageCsv(report, table)])));
}

function checkSettings(settings: CloseSettings): string {
  if ('tenant' in settings) {
    throw new UsageError(
      'INVALID_OPTION',
      'a month close covers every tenant; tenant is not a close setting',
    );
  }
  return canonicalJson(settings);
}

/**
 * Closes a month: builds its full report, freezes JSON, CSV tables and settings, chains its hash to the
 * last close and audits it, all in one transaction. Rejects with UsageError MONTH_NOT_OVER (the month
 * has not ended at `now` and `force` is not set), MONTH_ALREADY_CLOSED (the first close is kept),
 * INVALID_MONTH, INVALID_OPTION; StoreError on storage failure.
 */
export async function closeMonth(
  store: Store,
  month: string,
  options: CloseMonthOptions = {},
): Promise<ClosedMonth> {
  const range = parseMonth(month);
  const now = options.now ?? new Date();
  const early = range.end.getTime() > now.getTime();
  // Recorded as forced only when the force was needed: `--force` on a finished month changes nothing.
  const forced = early && options.force === true;
  if (early && !forced) {
    throw new UsageError(
      'MONTH_NOT_OVER',
      `month ${range.month} ends at ${range.end.toISOString()}, after ${now.toISOString()}; close it when it is over, or force an early close`,
    );
  }
  const settingsJson = checkSettings(options.settings ?? {});
  if ((await store.getMonthClose(range.month)) !== null) throw await alreadyClosed(store, range.month, null);
  const report = await buildUsageMonth(store, range.month, options.settings ?? {});
  const fields = {
    month: range.month,
    closedAt: now.toISOString(),
    actor: options.actor ?? 'agent',
    actorSource: options.actorSource ?? 'given',
    forced,
    settings: settingsJson,
    report: JSON.stringify(report),
    csv: reportCsvTables(report),
  } as const;
  try {
    const { sha256, previousSha256 } = await store.transaction(async (tx) => {
      const previous = (await tx.lastMonthClose())?.sha256 ?? null;
      const hash = closeDigest({ ...fields, previousSha256: previous });
      await tx.insertMonthClose({ ...fields, closedAt: now, previousSha256: previous, sha256: hash });
      await tx.audit({
        at: now,
        actor: fields.actor,
        action: 'month-close',
        reason: forced ? `closed ${range.month} early (forced)` : `closed ${range.month}`,
        details: { sha256: hash, previousSha256: previous, forced, actorSource: fields.actorSource },
      });
      return { sha256: hash, previousSha256: previous };
    });
    const { actor, actorSource, closedAt } = fields;
    return Object.freeze({
      month: range.month,
      closedAt,
      sha256,
      previousSha256,
      actor,
      actorSource,
      forced,
      report,
    });
  } catch (error) {
    if (error instanceof StoreError && error.code === 'CONFLICT' && (await store.getMonthClose(range.month)))
      throw await alreadyClosed(store, range.month, error);
    throw error;
  }
}

/** The parsed JSON, or undefined when the text is not JSON (a damaged or tampered close). */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * Reads a closed month back, checking the stored close against its hash (by its own format's rule) and
 * the report's shape. The chain is `verifyMonths`'s. Rejects with UsageError MONTH_NOT_CLOSED or
 * TAMPERED (the stored close was changed outside the agent).
 */
export async function readClosedMonth(store: Store, month: string): Promise<ClosedMonth> {
  const range = parseMonth(month);
  const stored = await store.getMonthClose(range.month);
  if (stored === null) throw new UsageError('MONTH_NOT_CLOSED', `month ${range.month} has not been closed`);
  if (expectedSha256(stored) !== stored.sha256) {
    throw new UsageError(
      'TAMPERED',
      `the stored close of ${range.month} does not match its sha256 ${stored.sha256}`,
    );
  }
  const parsed = USAGE_MONTH_SCHEMA.safeParse(parseJson(stored.report));
  if (!parsed.success || parsed.data.month !== range.month) {
    throw new UsageError('TAMPERED', `the stored report of ${range.month} is not a month report`);
  }
  const { closedAt, sha256, previousSha256, actor, actorSource, forced } = stored;
  return Object.freeze({
    month: range.month,
    closedAt,
    sha256,
    previousSha256,
    actor,
    actorSource,
    forced,
    report: parsed.data,
  });
}
