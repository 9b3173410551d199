/**
 * The VM inventory collector: one `listVms()` call for every VM with its three KVP pools, decoded
 * leniently — an item that is not a valid Msvm_KvpExchangeDataItem (a hostile guest's Guest pool can
 * hold anything) is left out with a KVP_ITEM_INVALID problem for that VM, and the rest of the VM and
 * of the host go on. Identity comes from the intrinsic items only.
 */

import {
  decodeKvpItem,
  decodeKvpItems,
  type GuestIdentity,
  identifyGuest,
  isKvpError,
  type KvpItem,
} from 'hyperv-kvp';
import { NO_PROBLEMS, problem } from '../../decide/problems.js';
import type { HypervDriver } from '../../driver/hyperv-driver.js';
import type { RawVm, VmState } from '../../model/index.js';
import { isVmId, memoryBytesOrNull, processorCountOrNull } from '../../model/index.js';
import { type KvpItemRecord, type KvpPool, MAX_VM_NAME, type Problem } from '../../store/index.js';
import type { Collector, CollectorInput } from '../collector.js';
import { type DecodedPool, type SweepCache, sameXml } from '../sweep-cache.js';
import { sliceEndsAt, yieldToEventLoop } from '../yield-point.js';

/** More items than any Hyper-V guest publishes (store kvp-repo: MAX_KVP_ITEMS). */
export const MAX_POOL_ITEMS = 1024;

export interface InventoryVm {
  /** Lower-case GUID. */
  readonly id: string;
  /** As Hyper-V names it, NUL removed and cut to the store's limit; the GUID when empty. */
  readonly name: string;
  readonly state: VmState;
  readonly dataExchange: boolean;
  /** `null` when the VM published no intrinsic items. */
  readonly identity: GuestIdentity | null;
  /** The three pools: the CIM-XML listed and the items decoded from it. */
  readonly pools: Readonly<Record<KvpPool, DecodedPool>>;
  /** HostExchangeItems by name. */
  readonly hostItems: ReadonlyMap<string, string>;
  /** Configured virtual processors; `null` when unknown (billing: agent/usage). */
  readonly processorCount: number | null;
  /** Memory assigned now in bytes; `null` when none is assigned (not running) or unknown. */
  readonly memoryAssignedBytes: number | null;
  readonly problems: readonly Problem[];
}

export interface Inventory {
  readonly vms: readonly InventoryVm[];
  /** VMs left out: an id that is not a GUID, or a second listing of the same VM. */
  readonly skipped: readonly string[];
}

const POOL_LABEL: Readonly<Record<KvpPool, string>> = {
  intrinsic: 'intrinsic',
  guest: 'guest',
  host: 'host',
};

/**
 * Decodes one pool; a bad item is skipped with a KVP_ITEM_INVALID problem (pushed onto `problems`)
 * instead of failing the pool. Throws only errors that are not KvpErrors (bugs).
 */
export function decodePool(xmls: readonly string[], pool: KvpPool, problems: Problem[]): KvpItem[] {
  let list = xmls;
  if (list.length > MAX_POOL_ITEMS) {
    problems.push(
      problem(
        'KVP_POOL_TRUNCATED',
        `${POOL_LABEL[pool]} pool holds ${list.length} items, expected at most ${MAX_POOL_ITEMS}; the rest were ignored`,
      ),
    );
    list = list.slice(0, MAX_POOL_ITEMS);
  }
  try {
    return decodeKvpItems(list);
  } catch (error) {
    if (!isKvpError(error)) throw error;
  }
  const items: KvpItem[] = [];
  list.forEach((xml, index) => {
    try {
      items.push(decodeKvpItem(xml, index));
    } catch (error) {
      if (!isKvpError(error)) throw error;
      problems.push(
        problem('KVP_ITEM_INVALID', `${POOL_LABEL[pool]} pool item ${index}: ${error.message}; ignored`),
      );
    }
  });
  return items;
}

/**
 * A pool's items for the store, which reads their name and data only and keeps its own checked copies
 * (sweep-vm-check.ts): the decoded items themselves, not a copy of each that lived until the commit
 * (141,000 of them in an 8,000-VM fleet's first round). Never throws.
 */
export function poolRecords(decoded: DecodedPool): readonly KvpItemRecord[] {
  return decoded.items;
}

/** Identities by decoded intrinsic pool: an unchanged pool is not identified again. */
const identities = new WeakMap<DecodedPool, GuestIdentity>();

function identityOf(intrinsic: DecodedPool): GuestIdentity | null {
  if (intrinsic.items.length === 0) return null;
  let identity = identities.get(intrinsic);
  if (identity === undefined) {
    identity = identifyGuest(intrinsic.items);
    identities.set(intrinsic, identity);
  }
  return identity;
}

/** HostExchangeItems by name, per decoded Host pool: an unchanged pool's map is not built again. */
const hostItemMaps = new WeakMap<DecodedPool, ReadonlyMap<string, string>>();

function hostItemsOf(host: DecodedPool): ReadonlyMap<string, string> {
  let items = hostItemMaps.get(host);
  if (items === undefined) {
    items = new Map(host.items.map((item) => [item.name, item.data]));
    hostItemMaps.set(host, items);
  }
  return items;
}

/** The name as the store's text rule takes it (Hyper-V itself allows 100 characters), so it never fails a sweep. */
function cleanName(raw: RawVm, id: string): string {
  let name = String(raw.name ?? '').replace(/\0/g, '');
  if (name.length > MAX_VM_NAME) {
    // Cut between characters: half of a surrogate pair would record a name Hyper-V never reported.
    const last = name.charCodeAt(MAX_VM_NAME - 1);
    const splitsPair = last >= 0xd800 && last <= 0xdbff && /[\uDC00-\uDFFF]/.test(name.charAt(MAX_VM_NAME));
    name = name.slice(0, splitsPair ? MAX_VM_NAME - 1 : MAX_VM_NAME);
  }
  return name === '' ? id : name;
}

/**
 * The pool's items, decoding only the elements the previous decoding of the same pool did not hold:
 * a guest agent rewrites its Status every pass while the eight 12309 ring items beside it stay as they
 * are, and without this every sweep decoded the whole ring again (the cost of a round grew for the
 * first eight days of renewals). Decoding is a pure function of an element's text, so an unchanged
 * element gives the same item. Only a previous decoding with one item per element and no problem is
 * used; `null` (decode in full) when there is none or a new element does not decode.
 */
function decodeChanged(previous: DecodedPool | undefined, xml: readonly string[]): KvpItem[] | null {
  if (previous === undefined || previous.problems.length > 0 || xml.length > MAX_POOL_ITEMS) return null;
  if (previous.items.length !== previous.xml.length) return null;
  // Items keep their places between listings, so each element is compared with the one it replaces
  // first; only when the pool grew or shrank (places moved) are elements looked up by their text,
  // which hashes every one of them (the lookup alone cost more than the decode it saved).
  const samePlaces = xml.length === previous.xml.length;
  let known: Map<string, KvpItem> | undefined;
  const items: KvpItem[] = new Array(xml.length);
  try {
    for (let index = 0; index < xml.length; index++) {
      const text = xml[index] as string;
      let item = previous.xml[index] === text ? previous.items[index] : undefined;
      if (item === undefined && !samePlaces) {
        known ??= new Map(previous.xml.map((old, i) => [old, previous.items[i] as KvpItem] as const));
        item = known.get(text);
      }
      items[index] = item ?? decodeKvpItem(text, index);
    }
  } catch (error) {
    if (!isKvpError(error)) throw error;
    return null;
  }
  return items;
}

/** The pool decoded, from the cache when its CIM-XML did not change since the last sweep. */
function pool(id: string, name: KvpPool, xml: readonly string[], cache: SweepCache | null): DecodedPool {
  const previous = cache?.lastDecoded(id, name);
  if (previous !== undefined && sameXml(previous.xml, xml)) return previous;
  const problems: Problem[] = [];
  const items = decodeChanged(previous, xml) ?? decodePool(xml, name, problems);
  const decoded = Object.freeze({ xml, items: Object.freeze(items), problems: Object.freeze(problems) });
  cache?.rememberDecoded(id, name, decoded);
  return decoded;
}

/** One VM of a listing, decoded (through `cache` when given). Never throws for a hostile pool. */
export function inventoryVm(raw: RawVm, cache: SweepCache | null = null): InventoryVm {
  const id = raw.id.toLowerCase();
  const intrinsic = pool(id, 'intrinsic', raw.intrinsicItems, cache);
  const guest = pool(id, 'guest', raw.guestItems, cache);
  const host = pool(id, 'host', raw.hostItems, cache);
  return Object.freeze({
    id,
    name: cleanName(raw, id),
    state: raw.state,
    dataExchange: raw.dataExchange,
    identity: identityOf(intrinsic),
    pools: Object.freeze({ intrinsic, guest, host }),
    hostItems: hostItemsOf(host),
    // Drivers validate these; a value out of range from any driver is unknown, never stored.
    processorCount: processorCountOrNull(raw.processorCount),
    memoryAssignedBytes: memoryBytesOrNull(raw.memoryAssignedBytes),
    problems:
      intrinsic.problems.length + guest.problems.length + host.problems.length === 0
        ? NO_PROBLEMS
        : Object.freeze([...intrinsic.problems, ...guest.problems, ...host.problems]),
  });
}

/**
 * Lists and decodes the host's VMs in one driver call. Rejects with the driver's `DriverError` when
 * the listing fails (the host is then stale for this sweep); VMs without a GUID id or listed twice
 * are skipped and named in `skipped`.
 */
export async function collectInventory(
  driver: HypervDriver,
  cache: SweepCache | null = null,
): Promise<Inventory> {
  const listed = await driver.listVms();
  const seen = new Set<string>();
  const vms: InventoryVm[] = [];
  const skipped: string[] = [];
  for (let index = 0; index < listed.length; index++) {
    if (sliceEndsAt(index)) await yieldToEventLoop();
    const raw = listed[index] as RawVm;
    if (!isVmId(raw.id) || seen.has(raw.id.toLowerCase())) {
      skipped.push(String(raw.id).slice(0, 40));
      continue;
    }
    seen.add(raw.id.toLowerCase());
    vms.push(inventoryVm(raw, cache));
  }
  return Object.freeze({ vms: Object.freeze(vms), skipped: Object.freeze(skipped) });
}

/** Registered in collectors/registry.ts. */
export const VM_INVENTORY_COLLECTOR: Collector<Inventory> = Object.freeze({
  name: 'vm-inventory',
  help: 'every VM with its state, Data Exchange switch and decoded KVP pools (one listVms call)',
  required: true,
  collect: ({ driver, cache }: CollectorInput) => collectInventory(driver, cache),
});
