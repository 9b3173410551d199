/**
 * The VMs page's data: every live VM's list row (the API's `listVmPage`, read a thousand at a time),
 * kept in memory while the database is unchanged (`Store.changeStamp`), then filtered, searched
 * (name, FQDN, GUID), sorted and paged per request. An 8,000-VM fleet is a few megabytes; filtering
 * and sorting it takes milliseconds, and the store is read once per change, not once per page view.
 */
import type { Store, VmListRow } from '../store/index.js';

export const VM_SORTS = ['name', 'host', 'tenant', 'status', 'eligible', 'lastSeen', 'id'] as const;
export type VmSort = (typeof VM_SORTS)[number];
export const PAGE_SIZES = [25, 50, 100, 200] as const;

export interface VmQuery {
  readonly host?: string;
  readonly tenant?: string;
  readonly status?: string;
  readonly eligible?: 'yes' | 'no';
  readonly reason?: string;
  readonly problem?: string;
  /** Free text: a substring of the name or FQDN, or the start of the GUID (case-insensitive). */
  readonly q?: string;
  readonly sort: VmSort;
  readonly descending: boolean;
  /** 1-based. */
  readonly page: number;
  readonly size: number;
}

export interface VmResult {
  readonly rows: readonly VmListRow[];
  /** VMs matching the filter (all pages). */
  readonly total: number;
  readonly page: number;
  readonly pages: number;
  /** Every host, tenant, reason and problem code present, for the filter's choices. */
  readonly choices: { readonly hosts: string[]; readonly tenants: string[]; readonly problems: string[] };
}

interface Snapshot {
  readonly stamp: string;
  readonly rows: readonly VmListRow[];
  readonly choices: VmResult['choices'];
}

const ORDER = new Intl.Collator('en', { sensitivity: 'base', numeric: true });

const text = (value: string | null) => value ?? '';
const SORT_KEYS: Readonly<Record<VmSort, (a: VmListRow, b: VmListRow) => number>> = {
  name: (a, b) => ORDER.compare(text(a.name), text(b.name)),
  host: (a, b) => ORDER.compare(text(a.host), text(b.host)),
  tenant: (a, b) => ORDER.compare(text(a.tenant), text(b.tenant)),
  status: (a, b) => ORDER.compare(a.licenseStatus, b.licenseStatus),
  eligible: (a, b) => Number(a.eligible) - Number(b.eligible),
  lastSeen: (a, b) => (a.lastSeen < b.lastSeen ? -1 : a.lastSeen > b.lastSeen ? 1 : 0),
  id: () => 0,
};

function sortedUnique(values: Iterable<string | null>): string[] {
  return [...new Set([...values].filter((v): v is string => v !== null))].sort(ORDER.compare);
}

function matches(row: VmListRow, query: VmQuery, needle: string | null): boolean {
  if (query.host !== undefined && text(row.host).toLowerCase() !== query.host.toLowerCase()) return false;
  if (query.tenant !== undefined && row.tenant !== query.tenant) return false;
  if (query.status !== undefined && row.licenseStatus !== query.status) return false;
  if (query.eligible !== undefined && row.eligible !== (query.eligible === 'yes')) return false;
  if (query.reason !== undefined && !row.reasons.includes(query.reason as never)) return false;
  if (query.problem !== undefined && !row.problems.some((p) => p.code === query.problem)) return false;
  if (needle === null) return true;
  return (
    text(row.name).toLowerCase().includes(needle) ||
    text(row.fqdn).toLowerCase().includes(needle) ||
    row.id.startsWith(needle)
  );
}

export class VmIndex {
  readonly #store: Store;
  #snapshot: Promise<Snapshot> | null = null;

  constructor(store: Store) {
    this.#store = store;
  }

  async #read(stamp: string): Promise<Snapshot> {
    const rows: VmListRow[] = [];
    let after: string | null = null;
    do {
      const page = await this.#store.listVmPage({}, after, 1000);
      rows.push(...page.rows);
      after = page.next;
    } while (after !== null);
    const choices = {
      hosts: sortedUnique(rows.map((r) => r.host)),
      tenants: sortedUnique(rows.map((r) => r.tenant)),
      problems: sortedUnique(rows.flatMap((r) => r.problems.map((p) => p.code))),
    };
    return { stamp, rows, choices };
  }

  /** Every live VM as of now (read again when the database changed). */
  async snapshot(): Promise<Snapshot> {
    const stamp = await this.#store.changeStamp();
    const kept = this.#snapshot;
    if (kept !== null && (await kept).stamp === stamp) return kept;
    const fresh = this.#read(stamp);
    this.#snapshot = fresh;
    fresh.catch(() => {
      if (this.#snapshot === fresh) this.#snapshot = null;
    });
    return fresh;
  }

  async query(query: VmQuery): Promise<VmResult> {
    const { rows, choices } = await this.snapshot();
    const needle = query.q === undefined ? null : query.q.toLowerCase();
    const found = rows.filter((row) => matches(row, query, needle));
    const compare = SORT_KEYS[query.sort];
    // Ties keep GUID order (the store's order), so paging is stable.
    found.sort((a, b) => compare(a, b) || (a.id < b.id ? -1 : 1));
    if (query.descending) found.reverse();
    const pages = Math.max(1, Math.ceil(found.length / query.size));
    const page = Math.min(query.page, pages);
    const start = (page - 1) * query.size;
    return { rows: found.slice(start, start + query.size), total: found.length, page, pages, choices };
  }
}
