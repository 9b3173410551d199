/**
 * Defence in depth behind the boundary checks (scenario, configuration, inventory): a VM whose data the
 * store would refuse is recorded without the refused part and with a VM_DATA_REJECTED problem naming
 * the field, instead of one bad value refusing the whole host's transaction: its other VMs, its events
 * and the audit records of key pushes already performed (which need the VM recorded) all stay.
 */
import { capProblems, problem } from '../decide/problems.js';
import {
  type CheckedSweepVm,
  checkSweepVm,
  isCheckedSweepVm,
  type Problem,
  type SweepVm,
  type SweepVmPart,
} from '../store/index.js';

type Replaceable = Exclude<SweepVmPart, 'id'>;

/** The record without a refused part: what is left out, and what the problem says about it. */
const WITHOUT: Readonly<
  Record<Replaceable, { readonly drop: (record: SweepVm) => SweepVm; readonly note: string }>
> = {
  tenant: {
    drop: (record) => ({ ...record, vm: { ...record.vm, tenant: null } }),
    note: 'recorded without a tenant',
  },
  name: { drop: (record) => ({ ...record, name: record.vm.id }), note: 'recorded under its GUID' },
  observation: {
    drop: (record) => ({ ...record, observation: { ...record.observation, problems: [] } }),
    note: 'its other problems were not recorded',
  },
  kvp: { drop: (record) => ({ ...record, kvp: {} }), note: 'its KVP pools were not recorded' },
};

/** A record as the store will take it, and the store's check of it (`null` when it cannot be stored). */
export interface StorableEntry {
  readonly record: SweepVm;
  /** What the transaction records: the store's checked copy, not validated again. */
  readonly checked: CheckedSweepVm | null;
}

/**
 * `record` when the store takes it whole; otherwise the record without each refused part, its
 * problems led by one VM_DATA_REJECTED per part. A record that cannot be made storable (a bad VM id,
 * which the inventory never lets through) is returned as it is with `checked` null: the store's error
 * then stands. Pure.
 */
export function storableEntry(record: SweepVm): StorableEntry {
  let current = record;
  const dropped = new Set<SweepVmPart>();
  const notes: Problem[] = [];
  let result = checkSweepVm(current);
  while (!isCheckedSweepVm(result)) {
    const { part, message } = result;
    if (part === 'id' || dropped.has(part)) return { record, checked: null };
    dropped.add(part);
    current = WITHOUT[part].drop(current);
    notes.push(problem('VM_DATA_REJECTED', `the store refused ${message}; ${WITHOUT[part].note}`));
    result = checkSweepVm(current);
  }
  if (notes.length === 0) return { record, checked: result };
  const problems = capProblems([...notes, ...current.observation.problems]);
  const withProblems = { ...current, observation: { ...current.observation, problems } };
  const checked = checkSweepVm(withProblems);
  return isCheckedSweepVm(checked) ? { record: withProblems, checked } : { record, checked: null };
}

/** `storableEntry`'s record alone. Pure. */
export function storableRecord(record: SweepVm): SweepVm {
  return storableEntry(record).record;
}
