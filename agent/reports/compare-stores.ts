/**
 * Whether two stores read the same: what `avma db copy` checks after copying an SQLite database into
 * PostgreSQL. Every report an operator sees is made from both and compared value by value: the SPLA
 * month report (JSON and every CSV table) of each month the store covers, every report of the registry
 * (with each value of a required parameter), `avma status`, the hosts and the month closes. The first
 * difference is named; reading the same is the read-side contract between the two backends.
 */
import { EDITIONS } from 'hyperv-kvp';
import { LICENSE_STATUS_VALUES, type Store } from '../store/index.js';
import { buildUsageMonth, USAGE_CSV_TABLES, usageCsv } from '../usage/index.js';
import { REPORTS, runReport } from './registry.js';
import { ReportError } from './report-error.js';
import type { ReportDefinition } from './report-types.js';

/** The `vm` report runs for at most this many VMs (by GUID): activation-timeline covers every VM's history. */
export const COMPARED_VM_REPORTS = 50;
/** Months compared at most, newest first: enough for three years of retention and then some. */
export const COMPARED_MONTHS = 60;

export interface StoreComparison {
  /** How many reads and reports were compared. */
  readonly compared: number;
  /** The first difference (`what: path: source value / target value`), or null when all were equal. */
  readonly difference: string | null;
}

function shown(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** The path to the first value that differs between `a` and `b`, with both values; null when equal. */
export function firstDifference(a: unknown, b: unknown, path = ''): string | null {
  if (Object.is(a, b)) return null;
  const objects = typeof a === 'object' && a !== null && typeof b === 'object' && b !== null;
  if (!objects || Array.isArray(a) !== Array.isArray(b)) {
    return `${path || '(value)'}: ${shown(a)} in the source, ${shown(b)} in the target`;
  }
  if (Array.isArray(a) && Array.isArray(b) && a.length !== b.length) {
    return `${path || '(list)'}: ${a.length} entries in the source, ${b.length} in the target`;
  }
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const key of keys) {
    const next = Array.isArray(a) ? `${path}[${key}]` : `${path}${path === '' ? '' : '.'}${key}`;
    const found = firstDifference(
      (a as Record<string, unknown>)[key],
      (b as Record<string, unknown>)[key],
      next,
    );
    if (found !== null) return found;
  }
  return null;
}

/** Each `YYYY-MM` from the first host sighting to the last, newest first, plus every closed month. */
async function monthsOf(store: Store): Promise<string[]> {
  const hosts = await store.listHosts();
  const months = new Set(await store.listClosedMonths());
  const first = Math.min(...hosts.map((h) => Date.parse(h.firstSeen)));
  const last = Math.max(...hosts.map((h) => Date.parse(h.lastSeen)));
  if (Number.isFinite(first) && Number.isFinite(last)) {
    const cursor = new Date(last);
    for (let i = 0; i < COMPARED_MONTHS; i += 1) {
      const start = Date.UTC(cursor.getUTCFullYear(), cursor.getUTCMonth() - i, 1);
      const month = new Date(start);
      if (Date.UTC(month.getUTCFullYear(), month.getUTCMonth() + 1, 1) <= first) break;
      months.add(month.toISOString().slice(0, 7));
    }
  }
  return [...months].sort();
}

/** The parameter sets a report is compared with: one without parameters, or each value of a required one. */
async function paramSets(report: ReportDefinition, store: Store): Promise<Record<string, string>[]> {
  const required = Object.entries(report.params).filter(([, p]) => p.required === true);
  if (required.length === 0) return [{}];
  if (required.length > 1) {
    throw new ReportError(
      'BAD_PARAMETER',
      `report ${report.name} takes ${required.length} required parameters; compare-stores knows one`,
    );
  }
  const name = required[0]?.[0] ?? '';
  const values =
    name === 'status'
      ? [...LICENSE_STATUS_VALUES]
      : name === 'edition'
        ? [...EDITIONS]
        : name === 'vm'
          ? (await store.listVmStatus())
              .map((vm) => vm.id)
              .sort()
              .slice(0, COMPARED_VM_REPORTS)
          : null;
  if (values === null) {
    throw new ReportError('BAD_PARAMETER', `${name}: compare-stores has no values for report ${report.name}`);
  }
  return values.map((value) => ({ [name]: value }));
}

type Read = readonly [what: string, read: (store: Store) => Promise<unknown>];

async function reads(source: Store, now: Date): Promise<Read[]> {
  const list: Read[] = [
    ['hosts', (s) => s.listHosts()],
    ['status', (s) => s.listVmStatus({ includeDeleted: true })],
    ['month closes', (s) => s.listMonthCloses()],
  ];
  for (const month of await monthsOf(source)) {
    // Built once per store: the JSON and every CSV table of the same report.
    list.push([
      `month report ${month}`,
      async (s) => {
        const report = await buildUsageMonth(s, month);
        const csv = Object.fromEntries(USAGE_CSV_TABLES.map((table) => [table, usageCsv(report, table)]));
        return { json: report, csv };
      },
    ]);
  }
  for (const report of REPORTS) {
    for (const params of await paramSets(report, source)) {
      const label = Object.entries(params)
        .map(([k, v]) => ` --${k} ${v}`)
        .join('');
      list.push([
        `report ${report.name}${label}`,
        async (s) => (await runReport(s, report.name, params, { now })).rows,
      ]);
    }
  }
  return list;
}

/**
 * Makes every report from both stores and compares them; resolves to the first difference or null.
 * `now` is the time the "as of now" reports are made at, the same for both. Rejects when a store
 * cannot be read (StoreError) or a report fails on one side only (that side's error).
 */
export async function compareStores(source: Store, target: Store, now: Date): Promise<StoreComparison> {
  const list = await reads(source, now);
  let compared = 0;
  for (const [what, read] of list) {
    const difference = firstDifference(await read(source), await read(target));
    compared += 1;
    if (difference !== null) return Object.freeze({ compared, difference: `${what}: ${difference}` });
  }
  return Object.freeze({ compared, difference: null });
}
