/**
 * The configuration's opt-outs, applied to the store before each round: a VM named there gets its
 * opt-out flag (audited, actor `config`) as soon as the store knows it. Setting a flag already set
 * changes and records nothing, so applying them every round costs no growth. Removing a VM from the
 * list does not opt it back in; `avma vm opt-in` does.
 */
import type { OptOut } from '../config/config-schema.js';
import type { Store } from '../store/index.js';
import { lookupVm } from './vm-lookup.js';

export const CONFIG_ACTOR = 'config';

/**
 * Sets the opt-out of every listed VM the store knows. Resolves to the entries that named no VM (yet)
 * or more than one. Rejects with the store's StoreError.
 */
export async function applyConfigOptOuts(
  store: Store,
  optOuts: readonly OptOut[],
  at: Date,
): Promise<string[]> {
  if (optOuts.length === 0) return [];
  const vms = await store.listVmStatus({ includeDeleted: true });
  const unresolved: string[] = [];
  const found: { id: string; reason: string }[] = [];
  for (const entry of optOuts) {
    const lookup = lookupVm(vms, entry.vm);
    if (lookup.kind !== 'found') unresolved.push(entry.vm);
    else if (!lookup.vm.optedOut)
      found.push({ id: lookup.vm.id, reason: entry.reason ?? 'listed in the configuration' });
  }
  if (found.length > 0) {
    await store.transaction(async (tx) => {
      for (const { id, reason } of found) await tx.setOptOut(id, true, { at, actor: CONFIG_ACTOR, reason });
    });
  }
  return unresolved;
}
