/**
 * The checks `recordSweep` applies to one VM of a sweep, part by part and without a transaction, so a
 * sweep can find out beforehand which part of a VM's data the store would refuse (and record the VM
 * without it) instead of losing the whole host's transaction to one bad value. A VM that passes comes
 * back as a `CheckedSweepVm`: the values the store derived while checking, copied and frozen, which
 * `recordSweep` then takes without validating and deriving them a second time.
 */

import { StoreError } from '../errors.js';
import type { SqlValue } from '../sql-connection.js';
import { storedName } from '../stored-name.js';
import { KVP_POOLS, type KvpPool, type ObservationFields } from '../types.js';
import { checkGuid, checkOptionalText, checkText } from '../validate.js';
import { canonicalKvpItems, type KvpItems } from './kvp-items.js';
import { fieldColumns } from './observations-repo.js';
import type { SweepVm } from './sweep-repo.js';
import { MAX_TENANT, MAX_VM_NAME } from './vms-repo.js';

/** The parts of a sweep entry, in the order they are checked. */
export const SWEEP_VM_PARTS = ['id', 'tenant', 'name', 'observation', 'kvp'] as const;
export type SweepVmPart = (typeof SWEEP_VM_PARTS)[number];

export interface SweepVmRejection {
  readonly part: SweepVmPart;
  /** The store's INVALID_ARGUMENT message, naming the field (`vm.tenant is "…", expected …`). */
  readonly message: string;
}

/** A pool's validated items as stored: copies in canonical order. */
export type CheckedPool = readonly [KvpPool, KvpItems];

/**
 * A sweep entry the store checked whole: what `recordSweep` would derive from it (GUID lower case,
 * tenant, stored name, observation columns without the host, canonical pool items). Frozen, and made
 * only by `checkSweepVm`, so what `recordSweep` trusts is exactly what was validated.
 */
export interface CheckedSweepVm {
  readonly guid: string;
  readonly tenant: string | null;
  readonly name: string;
  readonly columns: readonly SqlValue[];
  readonly kvp: readonly CheckedPool[];
}

/** Each part's check and what it derives; `at` prefixes field names (`vms[3].`). Throws StoreError INVALID_ARGUMENT. */
export const SWEEP_VM_CHECKS = {
  id: (entry: SweepVm, at: string) => checkGuid(entry.vm?.id, `${at}vm.id`),
  tenant: (entry: SweepVm, at: string) => checkOptionalText(entry.vm.tenant, `${at}vm.tenant`, MAX_TENANT),
  name: (entry: SweepVm, at: string) => checkText(entry.name, `${at}name`, MAX_VM_NAME),
  // Every field but the host, which is the sweep's (recordSweep checks it once per host) and which
  // fieldColumns does not read: an object goes as it is, anything else as recordSweep passes it.
  observation: (entry: SweepVm, _at: string) =>
    fieldColumns(
      (typeof entry.observation === 'object' && entry.observation !== null
        ? entry.observation
        : { ...(entry.observation as object), host: '' }) as ObservationFields,
    ),
  kvp: (entry: SweepVm, at: string): CheckedPool[] => {
    const pools: CheckedPool[] = [];
    for (const pool of KVP_POOLS) {
      const items = entry.kvp?.[pool];
      if (items !== undefined)
        pools.push(Object.freeze([pool, canonicalKvpItems(items, `${at}kvp.${pool}`)] as const));
    }
    return pools;
  },
} as const satisfies Readonly<Record<SweepVmPart, (entry: SweepVm, at: string) => unknown>>;

/** Entries made by checkSweepVm: the only ones recordSweep takes without checking again. */
const CHECKED = new WeakSet<CheckedSweepVm>();

/** Whether `entry` is a CheckedSweepVm made by `checkSweepVm` (not merely shaped like one). */
export function isCheckedSweepVm(entry: unknown): entry is CheckedSweepVm {
  return typeof entry === 'object' && entry !== null && CHECKED.has(entry as CheckedSweepVm);
}

function rejection(part: SweepVmPart, error: unknown): SweepVmRejection {
  if (error instanceof StoreError && error.code === 'INVALID_ARGUMENT')
    return { part, message: error.message };
  throw error;
}

/**
 * The entry checked whole (host aside) as `recordSweep` checks it, or the first part it would refuse.
 * Pure; never throws for a refused value (other errors are bugs and propagate).
 */
export function checkSweepVm(entry: SweepVm): CheckedSweepVm | SweepVmRejection {
  if (typeof entry !== 'object' || entry === null)
    return { part: 'id', message: 'the entry is not an object' };
  let part: SweepVmPart = 'id';
  try {
    const guid = SWEEP_VM_CHECKS.id(entry, '');
    part = 'tenant';
    const tenant = SWEEP_VM_CHECKS.tenant(entry, '');
    part = 'name';
    const name = storedName(SWEEP_VM_CHECKS.name(entry, ''));
    part = 'observation';
    const columns = Object.freeze(SWEEP_VM_CHECKS.observation(entry, ''));
    part = 'kvp';
    const kvp = Object.freeze(SWEEP_VM_CHECKS.kvp(entry, ''));
    const checked: CheckedSweepVm = Object.freeze({ guid, tenant, name, columns, kvp });
    CHECKED.add(checked);
    return checked;
  } catch (error) {
    return rejection(part, error);
  }
}

/**
 * The first part of `entry` the store would refuse in `recordSweep` (host aside), or `null` when it
 * takes all of it. Pure; never throws for a refused value (other errors are bugs and propagate).
 */
export function sweepVmRejection(entry: SweepVm): SweepVmRejection | null {
  const checked = checkSweepVm(entry);
  return isCheckedSweepVm(checked) ? null : checked;
}
