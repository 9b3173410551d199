/**
 * Month close: the report of a finished month frozen as JSON with its SHA-256, stored once and never
 * changed (the store refuses a second close and the schema refuses UPDATE/DELETE). Audits reconstruct
 * each month years later (spla-and-peers §1.2); the hash shows the stored report is the one closed.
 */
import { createHash } from 'node:crypto';
import { type Store, StoreError } from '../store/index.js';
import { buildUsageMonth } from './build-usage-month.js';
import { UsageError } from './errors.js';
import { parseMonth } from './month.js';
import { USAGE_MONTH_SCHEMA } from './usage-schema.js';
import type { UsageMonth, UsageOptions } from './usage-types.js';

export interface ClosedMonth {
  readonly month: string;
  readonly closedAt: string;
  readonly sha256: string;
  readonly report: UsageMonth;
}

export interface CloseMonthOptions {
  /** The closing time (default: now); the month must have ended by then. */
  readonly now?: Date;
  readonly minCoresPerServer?: 0 | 16;
  /** The SPLA rules to close with (the configuration's `spla` section); recorded in the report. */
  readonly settings?: Omit<UsageOptions, 'tenant'>;
  /** Who closes it: audited `month-close` in the same transaction as the close, so neither stands alone. */
  readonly actor?: string;
}

function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

async function alreadyClosed(store: Store, month: string, cause: unknown): Promise<UsageError> {
  const existing = await store.getMonthClose(month);
  const when = existing === null ? '' : ` at ${existing.closedAt} (sha256 ${existing.sha256})`;
  return new UsageError(
    'MONTH_ALREADY_CLOSED',
    `month ${month} was already closed${when}; a closed month cannot be closed again`,
    {
      cause,
    },
  );
}

/**
 * Closes a finished month: builds its full report (no tenant filter), stores the JSON and its SHA-256.
 * Resolves to the close. Rejects with UsageError MONTH_NOT_OVER (the month has not ended at `now`),
 * MONTH_ALREADY_CLOSED (the first close is kept), INVALID_MONTH; StoreError on storage failure.
 */
export async function closeMonth(
  store: Store,
  month: string,
  options: CloseMonthOptions = {},
): Promise<ClosedMonth> {
  const range = parseMonth(month);
  const now = options.now ?? new Date();
  if (range.end.getTime() > now.getTime()) {
    throw new UsageError(
      'MONTH_NOT_OVER',
      `month ${range.month} ends at ${range.end.toISOString()}, after ${now.toISOString()}; close it when it is over`,
    );
  }
  if ((await store.getMonthClose(range.month)) !== null) throw await alreadyClosed(store, range.month, null);
  // Spread from a typed object without `tenant`: a close always covers every tenant.
  const report = await buildUsageMonth(store, range.month, {
    ...options.settings,
    ...(options.minCoresPerServer === undefined ? {} : { minCoresPerServer: options.minCoresPerServer }),
  });
  const json = JSON.stringify(report);
  const hash = sha256(json);
  try {
    await store.transaction(async (tx) => {
      await tx.insertMonthClose(range.month, now, json, hash);
      if (options.actor !== undefined) {
        const reason = `closed ${range.month}`;
        await tx.audit({
          at: now,
          actor: options.actor,
          action: 'month-close',
          reason,
          details: { sha256: hash },
        });
      }
    });
  } catch (error) {
    if (error instanceof StoreError && error.code === 'CONFLICT')
      throw await alreadyClosed(store, range.month, error);
    throw error;
  }
  return Object.freeze({ month: range.month, closedAt: now.toISOString(), sha256: hash, report });
}

/**
 * Reads a closed month back, checking the stored JSON against its hash and the report's shape.
 * Rejects with UsageError MONTH_NOT_CLOSED or TAMPERED (the stored report was changed outside the agent).
 */
export async function readClosedMonth(store: Store, month: string): Promise<ClosedMonth> {
  const range = parseMonth(month);
  const stored = await store.getMonthClose(range.month);
  if (stored === null) throw new UsageError('MONTH_NOT_CLOSED', `month ${range.month} has not been closed`);
  if (sha256(stored.report) !== stored.sha256) {
    throw new UsageError(
      'TAMPERED',
      `the stored report of ${range.month} does not match its sha256 ${stored.sha256}`,
    );
  }
  const parsed = USAGE_MONTH_SCHEMA.safeParse(JSON.parse(stored.report));
  if (!parsed.success || parsed.data.month !== range.month) {
    throw new UsageError('TAMPERED', `the stored report of ${range.month} is not a month report`);
  }
  return Object.freeze({
    month: range.month,
    closedAt: stored.closedAt,
    sha256: stored.sha256,
    report: parsed.data,
  });
}
