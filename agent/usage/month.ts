/** SPLA reporting months: calendar months with boundaries in UTC. */
import { UsageError } from './errors.js';

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;

export interface MonthRange {
  /** `YYYY-MM`. */
  readonly month: string;
  /** First instant of the month, 00:00 UTC on the 1st. */
  readonly start: Date;
  /** First instant of the next month (exclusive end). */
  readonly end: Date;
}

/**
 * Parses `YYYY-MM` (years 2000..9999) into its UTC range. Throws UsageError INVALID_MONTH naming the
 * input and the expected form.
 */
export function parseMonth(month: unknown): MonthRange {
  const match = typeof month === 'string' ? MONTH.exec(month) : null;
  const year = Number(match?.[1]);
  if (match === null || year < 2000) {
    const shown = typeof month === 'string' ? JSON.stringify(month.slice(0, 20)) : String(month);
    throw new UsageError(
      'INVALID_MONTH',
      `month is ${shown}, expected YYYY-MM such as 2026-11 (year 2000 or later)`,
    );
  }
  const index = Number(match[2]) - 1;
  return Object.freeze({
    month: `${match[1]}-${match[2]}`,
    start: new Date(Date.UTC(year, index, 1)),
    end: new Date(Date.UTC(year, index + 1, 1)),
  });
}

/** The month before `month` (`2026-01` -> `2025-12`). Throws like `parseMonth`. */
export function previousMonth(month: string): string {
  const { start } = parseMonth(month);
  const before = new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() - 1, 1));
  return before.toISOString().slice(0, 7);
}
