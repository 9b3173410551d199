/**
 * Month-over-month change per host and per tenant: what an operator checks before sending the SPLA
 * report ("why did we report 12 more core packs than last month?").
 */
import { UsageError } from './errors.js';
import type { UsageHostRow, UsageMonth, UsageTenantRow } from './usage-types.js';

export type ChangeKind = 'added' | 'removed' | 'changed' | 'unchanged';

export interface Delta {
  readonly before: number | null;
  readonly after: number | null;
  /** after - before, a missing side counting as 0. */
  readonly delta: number;
}

const HOST_METRICS = [
  'coreLicenses',
  'twoCorePacks',
  'avmaGuests',
  'peakConcurrentWindowsServerVms',
  'distinctVms',
] as const;
const TENANT_METRICS = ['vms', 'windowsServerVms', 'avmaActivatedVms'] as const;

export interface HostChange {
  readonly name: string;
  readonly change: ChangeKind;
  readonly edition: { readonly before: string | null; readonly after: string | null };
  readonly metrics: Readonly<Record<(typeof HOST_METRICS)[number], Delta>>;
}

export interface TenantChange {
  readonly tenant: string | null;
  readonly change: ChangeKind;
  readonly metrics: Readonly<Record<(typeof TENANT_METRICS)[number], Delta>>;
}

export interface MonthDiff {
  readonly from: string;
  readonly to: string;
  readonly hosts: readonly HostChange[];
  readonly tenants: readonly TenantChange[];
  /** Totals over all hosts. */
  readonly totals: Readonly<Record<'coreLicenses' | 'twoCorePacks', Delta>>;
}

function delta(before: number | null | undefined, after: number | null | undefined): Delta {
  const b = before ?? null;
  const a = after ?? null;
  return Object.freeze({ before: b, after: a, delta: (a ?? 0) - (b ?? 0) });
}

function metrics<K extends string, R extends Partial<Record<K, number | null>>>(
  keys: readonly K[],
  before: R | undefined,
  after: R | undefined,
): Record<K, Delta> {
  return Object.fromEntries(keys.map((k) => [k, delta(before?.[k], after?.[k])])) as Record<K, Delta>;
}

function kind(before: unknown, after: unknown, deltas: Record<string, Delta>, same = true): ChangeKind {
  if (before === undefined) return 'added';
  if (after === undefined) return 'removed';
  return same && Object.values(deltas).every((d) => d.delta === 0) ? 'unchanged' : 'changed';
}

function hostChanges(a: UsageMonth, b: UsageMonth): HostChange[] {
  const before = new Map(a.hosts.map((h) => [h.name.toLowerCase(), h]));
  const after = new Map(b.hosts.map((h) => [h.name.toLowerCase(), h]));
  const keys = [...new Set([...before.keys(), ...after.keys()])].sort();
  return keys.map((key) => {
    const [x, y]: (UsageHostRow | undefined)[] = [before.get(key), after.get(key)];
    const deltas = metrics(HOST_METRICS, x, y);
    const sameEdition = x?.edition === y?.edition;
    return Object.freeze({
      name: y?.name ?? x?.name ?? key,
      change: kind(x, y, deltas, sameEdition),
      edition: { before: x?.edition ?? null, after: y?.edition ?? null },
      metrics: deltas,
    });
  });
}

function tenantChanges(a: UsageMonth, b: UsageMonth): TenantChange[] {
  const before = new Map(a.tenants.map((t) => [JSON.stringify(t.tenant), t]));
  const after = new Map(b.tenants.map((t) => [JSON.stringify(t.tenant), t]));
  const keys = [...new Set([...before.keys(), ...after.keys()])].sort();
  return keys.map((key) => {
    const [x, y]: (UsageTenantRow | undefined)[] = [before.get(key), after.get(key)];
    const deltas = metrics(TENANT_METRICS, x, y);
    return Object.freeze({ tenant: (y ?? x)?.tenant ?? null, change: kind(x, y, deltas), metrics: deltas });
  });
}

function total(report: UsageMonth, key: 'coreLicenses' | 'twoCorePacks'): number {
  return report.hosts.reduce((sum, host) => sum + (host[key] ?? 0), 0);
}

/**
 * Compares two month reports (`a` the earlier). Hosts match by name (case-insensitive), tenants by
 * name. Throws UsageError INVALID_OPTION when `a` is not before `b`.
 */
export function diffMonths(a: UsageMonth, b: UsageMonth): MonthDiff {
  if (!(a.month < b.month)) {
    throw new UsageError(
      'INVALID_OPTION',
      `diffMonths compares an earlier month with a later one, got ${a.month} then ${b.month}`,
    );
  }
  return Object.freeze({
    from: a.month,
    to: b.month,
    hosts: hostChanges(a, b),
    tenants: tenantChanges(a, b),
    totals: {
      coreLicenses: delta(total(a, 'coreLicenses'), total(b, 'coreLicenses')),
      twoCorePacks: delta(total(a, 'twoCorePacks'), total(b, 'twoCorePacks')),
    },
  });
}
