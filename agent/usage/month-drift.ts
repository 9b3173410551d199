/**
 * Drift of a closed month: data that arrived after the close (a host that was down comes back with
 * older events and observations) is never folded into the frozen report; instead the report is rebuilt
 * from today's store with the settings of the close and compared with the frozen one.
 *
 * The comparison is generic over the report's shape (other fields and tables are added over time):
 * arrays of objects are matched by the first of `id`, `name`, `tenant`, `month` that is unique on both
 * sides (else by position), and only fields the frozen report has are compared, so a field added to
 * the report after the close is a change of shape, not drift. A month whose raw data was pruned by
 * retention is reported as such: its rebuilt report would differ for that reason alone.
 */
import type { MonthCloseRecord, RawPruneRecord, Store } from '../store/index.js';
import { buildUsageMonth } from './build-usage-month.js';
import { parseJson } from './close-month.js';
import { parseMonth } from './month.js';
import type { UsageOptions } from './usage-types.js';

/** Differences listed per month; the rest are counted in `more`. */
export const MAX_DRIFT_LINES = 50;

export interface DriftLine {
  /** Where in the report, e.g. `hosts[HV01].coreLicenses` or `vms[<guid>]`. */
  readonly path: string;
  /** The frozen value (null when the row did not exist at the close). */
  readonly frozen: unknown;
  /** The value rebuilt now (null when the row no longer exists). */
  readonly now: unknown;
}

export interface MonthDrift {
  readonly month: string;
  /** `none`: the rebuilt report equals the frozen one; `pruned`: raw data is gone, not checked. */
  readonly status: 'none' | 'drift' | 'pruned';
  readonly differences: readonly DriftLine[];
  /** Differences beyond the first MAX_DRIFT_LINES. */
  readonly more: number;
  readonly note: string;
}

const ROW_KEYS = ['id', 'name', 'tenant', 'month'] as const;

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** The field that identifies rows of both arrays, when one is unique on each side. */
function rowKey(a: readonly unknown[], b: readonly unknown[]): string | null {
  if (![...a, ...b].every(isObject)) return null;
  const unique = (rows: readonly unknown[], key: string) => {
    const values = (rows as Json[]).map((row) => row[key]);
    return values.every((v) => typeof v === 'string' || v === null) && new Set(values).size === values.length;
  };
  return ROW_KEYS.find((key) => unique(a, key) && unique(b, key)) ?? null;
}

function compareArrays(frozen: readonly unknown[], now: readonly unknown[], path: string, out: DriftLine[]) {
  const key = rowKey(frozen, now);
  if (key === null) {
    const length = Math.max(frozen.length, now.length);
    for (let i = 0; i < length; i += 1) compare(frozen[i] ?? null, now[i] ?? null, `${path}[${i}]`, out);
    return;
  }
  const label = (row: unknown) => String((row as Json)[key]);
  const before = new Map(frozen.map((row) => [label(row), row]));
  const after = new Map(now.map((row) => [label(row), row]));
  for (const [id, row] of before) {
    const other = after.get(id);
    if (other === undefined) out.push({ path: `${path}[${id}]`, frozen: row, now: null });
    else compare(row, other, `${path}[${id}]`, out);
  }
  for (const [id, row] of after) {
    if (!before.has(id)) out.push({ path: `${path}[${id}]`, frozen: null, now: row });
  }
}

/** Appends every difference of `now` from `frozen` to `out`. */
function compare(frozen: unknown, now: unknown, path: string, out: DriftLine[]): void {
  if (Array.isArray(frozen) && Array.isArray(now)) {
    compareArrays(frozen, now, path, out);
  } else if (isObject(frozen) && isObject(now)) {
    for (const field of Object.keys(frozen)) {
      compare(frozen[field], now[field] ?? null, path === '' ? field : `${path}.${field}`, out);
    }
  } else if (JSON.stringify(frozen) !== JSON.stringify(now)) {
    out.push({ path, frozen, now });
  }
}

/** The differences of a rebuilt report from the frozen one (both plain JSON values). */
export function reportDifferences(frozen: unknown, now: unknown): DriftLine[] {
  const out: DriftLine[] = [];
  compare(frozen, now, '', out);
  return out;
}

/** The report settings of a close: format 2 stored them; format 1 closes used the defaults. */
function settingsOf(close: MonthCloseRecord): UsageOptions {
  const parsed = close.settings === null ? {} : parseJson(close.settings);
  return isObject(parsed) ? (parsed as UsageOptions) : {};
}

/**
 * Rebuilds the month from the store and lists how it differs from the close's frozen report. `prune`
 * is the latest retention prune (store.lastRawPrune()): a month before its cutoff is not compared.
 * Rejects with UsageError when the close's settings are no longer accepted, StoreError on read failure.
 */
export async function monthDrift(
  store: Store,
  close: MonthCloseRecord,
  prune: RawPruneRecord | null,
): Promise<MonthDrift> {
  const { start } = parseMonth(close.month);
  if (prune !== null && start.getTime() < Date.parse(prune.before)) {
    const note = `raw data before ${prune.before} was pruned on ${prune.at} (retention); drift not checked`;
    return Object.freeze({ month: close.month, status: 'pruned', differences: [], more: 0, note });
  }
  const rebuilt = await buildUsageMonth(store, close.month, settingsOf(close));
  const all = reportDifferences(parseJson(close.report), JSON.parse(JSON.stringify(rebuilt)));
  const status = all.length === 0 ? 'none' : 'drift';
  const note =
    status === 'none'
      ? 'the report rebuilt from the store equals the frozen report'
      : `${all.length} difference(s) between the frozen report and the one rebuilt from the store now; the frozen report stands`;
  return Object.freeze({
    month: close.month,
    status,
    differences: all.slice(0, MAX_DRIFT_LINES),
    more: Math.max(0, all.length - MAX_DRIFT_LINES),
    note,
  });
}
