/**
 * Two months side by side, as `avma month diff` and `GET /api/v1/months/{m}/diff` show them: each
 * month's frozen report when it is closed (its hash checked), the live report otherwise, the
 * month-over-month change, and the drift of each closed month (late data never folded in).
 */
import type { Store } from '../store/index.js';
import { buildUsageMonth } from './build-usage-month.js';
import { type CloseSettings, readClosedMonth } from './close-month.js';
import { diffMonths, type MonthDiff } from './diff-months.js';
import { parseMonth } from './month.js';
import { type MonthDrift, monthDrift } from './month-drift.js';
import type { UsageMonth } from './usage-types.js';

/** `closed`: the frozen report; `live`: built from the store now (the month is not closed). */
export type MonthSource = 'closed' | 'live';

export interface MonthsDiff extends MonthDiff {
  readonly sources: Readonly<Record<'from' | 'to', MonthSource>>;
  /** One entry per closed month of the two. */
  readonly drift: readonly MonthDrift[];
}

interface Side {
  readonly report: UsageMonth;
  readonly source: MonthSource;
  readonly drift: MonthDrift | null;
}

async function side(store: Store, month: string, withDrift: boolean, settings: CloseSettings): Promise<Side> {
  const stored = await store.getMonthClose(month);
  if (stored === null) {
    return { report: await buildUsageMonth(store, month, settings), source: 'live', drift: null };
  }
  const { report } = await readClosedMonth(store, month);
  const drift = withDrift ? await monthDrift(store, stored, await store.lastRawPrune()) : null;
  return { report, source: 'closed', drift };
}

/**
 * Compares `month` with `against` (either order: the earlier is `from`). Rejects with UsageError
 * INVALID_MONTH, INVALID_OPTION (the same month twice), TAMPERED (a closed month fails its hash).
 */
export async function monthsDiff(
  store: Store,
  month: string,
  against: string,
  /** `settings`: the SPLA rules a month that is not closed is built with (a closed one keeps its own). */
  options: { readonly drift?: boolean; readonly settings?: CloseSettings } = {},
): Promise<MonthsDiff> {
  const [a, b] = [parseMonth(month).month, parseMonth(against).month].sort();
  const settings = options.settings ?? {};
  const from = await side(store, a as string, options.drift !== false, settings);
  const to = await side(store, b as string, options.drift !== false, settings);
  const diff = diffMonths(from.report, to.report);
  const drift = [from.drift, to.drift].filter((d): d is MonthDrift => d !== null);
  return Object.freeze({ ...diff, sources: { from: from.source, to: to.source }, drift });
}

/** Totals of a report for listings: core licences, 2-core packs, VMs and hosts. */
export function monthTotals(report: UsageMonth): Readonly<Record<string, number>> {
  return Object.freeze({
    coreLicenses: report.hosts.reduce((sum, host) => sum + (host.coreLicenses ?? 0), 0),
    twoCorePacks: report.hosts.reduce((sum, host) => sum + (host.twoCorePacks ?? 0), 0),
    hosts: report.hosts.length,
    vms: report.vms.length,
  });
}
