/** Closed months: the frozen report and its hash. The schema's triggers refuse UPDATE and DELETE. */
import { StoreError } from '../errors.js';
import { checkText, invalid } from '../validate.js';
import type { TxContext } from './context.js';

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;
const SHA256 = /^[0-9a-f]{64}$/;
/** A month report of 8,000 VMs is a few megabytes of JSON; this is far above and far below harm. */
export const MAX_REPORT_CHARS = 64 * 1024 * 1024;

export interface MonthCloseInput {
  readonly month: string;
  readonly closedAtMs: number;
  readonly report: string;
  readonly sha256: string;
}

/**
 * Stores a month close. Rejects with CONFLICT when the month is already closed (a closed month is
 * never replaced), INVALID_ARGUMENT for a bad month, hash or empty report.
 */
export async function insertMonthClose(ctx: TxContext, input: MonthCloseInput): Promise<void> {
  if (typeof input.month !== 'string' || !MONTH.test(input.month)) {
    throw invalid('month', input.month, 'YYYY-MM');
  }
  if (typeof input.sha256 !== 'string' || !SHA256.test(input.sha256)) {
    throw invalid('sha256', input.sha256, '64 lower-case hex digits');
  }
  checkText(input.report, 'report', MAX_REPORT_CHARS);
  const existing = await ctx.conn.get('SELECT closed_at FROM month_closes WHERE month = ?', [input.month]);
  if (existing !== undefined) {
    const when = new Date(Number(existing.closed_at)).toISOString();
    throw new StoreError(
      'CONFLICT',
      `month ${input.month} was already closed at ${when}; a closed month is immutable`,
    );
  }
  await ctx.conn.run('INSERT INTO month_closes (month, closed_at, report, sha256) VALUES (?, ?, ?, ?)', [
    input.month,
    input.closedAtMs,
    input.report,
    input.sha256,
  ]);
}
