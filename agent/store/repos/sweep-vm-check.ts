/**
 * The checks `recordSweep` applies to one VM of a sweep, part by part and without a transaction, so a
 * sweep can find out beforehand which part of a VM's data the store would refuse (and record the VM
 * without it) instead of losing the whole host's transaction to one bad value.
 */

import { StoreError } from '../errors.js';
import { KVP_POOLS } from '../types.js';
import { checkGuid, checkOptionalText, checkText } from '../validate.js';
import { checkKvpItems } from './kvp-repo.js';
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

/** Each part's check; `at` prefixes field names (`vms[3].`). Throws StoreError INVALID_ARGUMENT. */
export const SWEEP_VM_CHECKS: Readonly<Record<SweepVmPart, (entry: SweepVm, at: string) => unknown>> = {
  id: (entry, at) => checkGuid(entry.vm?.id, `${at}vm.id`),
  tenant: (entry, at) => checkOptionalText(entry.vm.tenant, `${at}vm.tenant`, MAX_TENANT),
  name: (entry, at) => checkText(entry.name, `${at}name`, MAX_VM_NAME),
  observation: (entry) => fieldColumns({ ...entry.observation, host: '' }),
  kvp: (entry, at) => {
    for (const pool of KVP_POOLS) {
      const items = entry.kvp?.[pool];
      if (items !== undefined) checkKvpItems(items, `${at}kvp.${pool}`);
    }
  },
};

/**
 * The first part of `entry` the store would refuse in `recordSweep` (host aside), or `null` when it
 * takes all of it. Pure; never throws for a refused value (other errors are bugs and propagate).
 */
export function sweepVmRejection(entry: SweepVm): SweepVmRejection | null {
  if (typeof entry !== 'object' || entry === null)
    return { part: 'id', message: 'the entry is not an object' };
  for (const part of SWEEP_VM_PARTS) {
    try {
      SWEEP_VM_CHECKS[part](entry, '');
    } catch (error) {
      if (error instanceof StoreError && error.code === 'INVALID_ARGUMENT')
        return { part, message: error.message };
      throw error;
    }
  }
  return null;
}
