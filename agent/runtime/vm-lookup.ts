/**
 * Finding a VM the way an operator names it: its GUID, or its current name (case-insensitive, as
 * Hyper-V names are). A name two VMs share is ambiguous and names neither.
 */

import { isVmId } from '../model/index.js';
import type { VmStatus } from '../store/index.js';

export type VmLookup =
  | { readonly kind: 'found'; readonly vm: VmStatus }
  | { readonly kind: 'none' }
  | { readonly kind: 'ambiguous'; readonly ids: readonly string[] };

/** Looks `text` up among `vms` (GUID first, then current name). Never throws. */
export function lookupVm(vms: readonly VmStatus[], text: string): VmLookup {
  const wanted = text.trim();
  if (isVmId(wanted)) {
    const vm = vms.find((candidate) => candidate.id === wanted.toLowerCase());
    return vm === undefined ? { kind: 'none' } : { kind: 'found', vm };
  }
  const folded = wanted.toLowerCase();
  const matches = vms.filter((candidate) => candidate.name?.toLowerCase() === folded);
  const [only] = matches;
  if (only === undefined) return { kind: 'none' };
  return matches.length === 1
    ? { kind: 'found', vm: only }
    : { kind: 'ambiguous', ids: matches.map((vm) => vm.id) };
}
