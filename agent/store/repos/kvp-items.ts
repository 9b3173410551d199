/**
 * A pool's items as the store keeps them: validated copies in canonical order, and the row changes
 * that turn the stored items into new ones. Pure: kvp-repo.ts writes what these decide.
 *
 * A pool is stored one row per item (kvp_items), keyed by its name and `nth`, the count of items of
 * the same name before it in canonical order (0 but for a pool that repeats a name). A rewrite of
 * the whole pool each time one item changed made a sweep's cost grow with the pool: the guest agent's
 * event ring fills to 8 items while its status item changes every round (issue 14, long run).
 */
import type { KvpItemRecord } from '../types.js';
import { invalid } from '../validate.js';

/**
 * Caps from the host's wire limits (hyperv.h: keys 255 UTF-16 units, values 1023, HostOnly values
 * 8191) with headroom; a pool of more than 1024 items is not something Hyper-V guests produce.
 */
export const MAX_KVP_ITEMS = 1024;
export const MAX_KVP_NAME = 512;
export const MAX_KVP_DATA = 8192;

/** Validated items in canonical order (by name, then data, in UTF-16 code units). */
export type KvpItems = readonly KvpItemRecord[];

export const NO_KVP_ITEMS: KvpItems = Object.freeze([]);

/** The canonical order: Hyper-V returns items in no guaranteed order, and order must not look like change. */
export function byNameThenData(a: KvpItemRecord, b: KvpItemRecord): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : a.data < b.data ? -1 : a.data > b.data ? 1 : 0;
}

function isSorted(items: readonly KvpItemRecord[]): boolean {
  for (let i = 1; i < items.length; i++) {
    if (byNameThenData(items[i - 1] as KvpItemRecord, items[i] as KvpItemRecord) > 0) return false;
  }
  return true;
}

/** The items as stored (name and data only), validated; throws INVALID_ARGUMENT naming `field[i]`. */
export function checkKvpItems(items: unknown, field = 'items'): KvpItemRecord[] {
  if (!Array.isArray(items) || items.length > MAX_KVP_ITEMS) {
    throw invalid(field, items, `an array of at most ${MAX_KVP_ITEMS} items`);
  }
  return items.map((item: KvpItemRecord, i): KvpItemRecord => {
    if (typeof item !== 'object' || item === null)
      throw invalid(`${field}[${i}]`, item, 'an object { name, data }');
    if (typeof item.name !== 'string' || item.name.length > MAX_KVP_NAME) {
      throw invalid(`${field}[${i}].name`, item.name, `a string of at most ${MAX_KVP_NAME} characters`);
    }
    if (typeof item.data !== 'string' || item.data.length > MAX_KVP_DATA) {
      throw invalid(`${field}[${i}].data`, item.data, `a string of at most ${MAX_KVP_DATA} characters`);
    }
    return { name: item.name, data: item.data };
  });
}

/** Validated copies in canonical order, frozen (pure); throws INVALID_ARGUMENT naming `field[i]`. */
export function canonicalKvpItems(items: unknown, field = 'items'): KvpItems {
  const clean = checkKvpItems(items, field);
  // A pool usually arrives in the same order every time, so sorting is skipped when it already is.
  return Object.freeze(sortedCanonical(clean));
}

/** The items in canonical order, sorted in place unless they already are. */
export function sortedCanonical(items: KvpItemRecord[]): KvpItemRecord[] {
  if (!isSorted(items)) sortCanonical(items);
  return items;
}

/**
 * Sorts in canonical order. A small pool by insertion: Hyper-V lists a guest's items in the order
 * they were created (the guest agent's Status first, its ring after it), which is one item from
 * sorted, and Array.prototype.sort's call of a comparator per step cost more than the sort itself.
 */
function sortCanonical(items: KvpItemRecord[]): void {
  if (items.length > 32) {
    items.sort(byNameThenData);
    return;
  }
  for (let i = 1; i < items.length; i++) {
    const item = items[i] as KvpItemRecord;
    let j = i - 1;
    while (j >= 0 && byNameThenData(items[j] as KvpItemRecord, item) > 0) {
      items[j + 1] = items[j] as KvpItemRecord;
      j--;
    }
    items[j + 1] = item;
  }
}

/** Whether two canonical pools hold the same items. */
export function sameKvpItems(a: KvpItems, b: KvpItems): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as KvpItemRecord;
    const y = b[i] as KvpItemRecord;
    if (x.name !== y.name || x.data !== y.data) return false;
  }
  return true;
}

/** A stored row's key, [name, nth], and a row to write, [name, nth, data]. */
export type KvpItemKey = readonly [string, number];
export type KvpItemRow = readonly [string, number, string];

export interface KvpItemChanges {
  readonly deletes: readonly KvpItemKey[];
  readonly upserts: readonly KvpItemRow[];
}

/** What a walk over two pools reports: a stored row gone, and a row new or with new data. */
export interface KvpItemVisitor {
  deleted(name: string, nth: number): void;
  upserted(name: string, nth: number, data: string): void;
}

/**
 * Walks a pool storing `stored` and its new `items` (both canonical) in key order (name, then nth,
 * which canonical order already is) and reports each row that must go or be written. Allocates
 * nothing: a first sweep walks every item of every pool.
 */
export function walkKvpItemChanges(stored: KvpItems, items: KvpItems, visit: KvpItemVisitor): void {
  let [i, j, was, now] = [0, 0, 0, 0];
  while (i < stored.length || j < items.length) {
    const old = stored[i];
    const item = items[j];
    // The nth of each side's current item: one more than the item before it when it has its name.
    if (old !== undefined) was = i > 0 && stored[i - 1]?.name === old.name ? was : 0;
    if (item !== undefined) now = j > 0 && items[j - 1]?.name === item.name ? now : 0;
    const order =
      old === undefined
        ? 1
        : item === undefined
          ? -1
          : old.name < item.name
            ? -1
            : old.name > item.name
              ? 1
              : was - now;
    if (order < 0) {
      visit.deleted((old as KvpItemRecord).name, was);
      i++;
      was++;
    } else {
      const row = item as KvpItemRecord;
      if (order > 0 || old?.data !== row.data) visit.upserted(row.name, now, row.data);
      if (order === 0) {
        i++;
        was++;
      }
      j++;
      now++;
    }
  }
}

/** The rows to delete and to insert or update so that a pool storing `stored` stores `items`. */
export function kvpItemChanges(stored: KvpItems, items: KvpItems): KvpItemChanges {
  const deletes: KvpItemKey[] = [];
  const upserts: KvpItemRow[] = [];
  walkKvpItemChanges(stored, items, {
    deleted: (name, nth) => deletes.push([name, nth]),
    upserted: (name, nth, data) => upserts.push([name, nth, data]),
  });
  return { deletes, upserts };
}
