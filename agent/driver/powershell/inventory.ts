import { KVP_MAX_ITEM_XML_CHARS } from 'hyperv-kvp';
import {
  MAX_VM_MEMORY_BYTES,
  MAX_VM_PROCESSORS,
  memoryBytesOrNull,
  processorCountOrNull,
} from '../../model/index.js';
import { DriverError } from '../driver-error.js';
import type { RawVm, VmState } from '../hyperv-driver.js';
import { Inventory, InventoryVm, MemoryAssigned, ProcessorCount } from './schemas.js';
import { describeIssue, parseStrict } from './validate.js';

/** Something odd in one VM of an inventory: reported, and that VM (or item) left out. */
export interface InventoryProblem {
  /** Position of the VM in the script's output. */
  readonly index: number;
  readonly vmId: string | null;
  readonly reason: string;
}

/** Most items kept per list per VM; guests choose how many they publish. */
export const MAX_ITEMS_PER_LIST = 1024;

/**
 * Get-VM state names (Microsoft.HyperV.PowerShell.VMState) onto the driver's vocabulary. The
 * "…Critical" states are the same state with inaccessible storage; FastSaved is a kind of Saved.
 */
const STATE_BY_NAME: Readonly<Record<string, VmState>> = Object.freeze({
  Running: 'Running',
  Off: 'Off',
  Stopping: 'Stopping',
  Saved: 'Saved',
  Paused: 'Paused',
  Starting: 'Starting',
  Reset: 'Reset',
  Saving: 'Saving',
  Pausing: 'Pausing',
  Resuming: 'Resuming',
  FastSaved: 'Saved',
  FastSaving: 'Saving',
  ForceShutdown: 'Stopping',
  ForceReboot: 'Reset',
  Hibernated: 'Off',
  RunningCritical: 'Running',
  OffCritical: 'Off',
  StoppingCritical: 'Stopping',
  SavedCritical: 'Saved',
  PausedCritical: 'Paused',
  StartingCritical: 'Starting',
  ResetCritical: 'Reset',
  SavingCritical: 'Saving',
  PausingCritical: 'Pausing',
  ResumingCritical: 'Resuming',
  FastSavedCritical: 'Saved',
  FastSavingCritical: 'Saving',
});

/** A state name outside the table (e.g. ComponentServicing, or a future one) is 'Other'. */
export function vmStateFromName(name: string): VmState {
  return Object.hasOwn(STATE_BY_NAME, name) ? (STATE_BY_NAME[name] as VmState) : 'Other';
}

type Report = (problem: InventoryProblem) => void;

/** Keeps the strings of one item list that fit the size cap; reports the rest. */
function itemList(
  values: readonly unknown[],
  list: string,
  index: number,
  vmId: string,
  report: Report,
): string[] {
  const kept: string[] = [];
  values.forEach((value, position) => {
    if (kept.length >= MAX_ITEMS_PER_LIST) return;
    if (typeof value === 'string' && value.length <= KVP_MAX_ITEM_XML_CHARS) {
      kept.push(value);
    } else {
      const what =
        typeof value === 'string'
          ? `${value.length} characters`
          : `a ${value === null ? 'null' : typeof value}`;
      report({
        index,
        vmId,
        reason: `${list}[${position}] is ${what}; expected a string of at most ${KVP_MAX_ITEM_XML_CHARS} characters`,
      });
    }
  });
  if (values.length > MAX_ITEMS_PER_LIST) {
    report({
      index,
      vmId,
      reason: `${list} has ${values.length} items; kept the first ${MAX_ITEMS_PER_LIST}`,
    });
  }
  return kept;
}

/** Echo of a refused value for a one-line reason: JSON, cut short. */
function echo(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}

/**
 * One billing figure of a VM: absent (a recording from before it was listed) or `zero` (MemoryAssigned
 * "0": the VM holds no memory, i.e. is not running) is unknown without a report; a value that fails its
 * schema or `plausible` is refused, reported in one line naming the field, and unknown: never guessed.
 */
function billingFigure(
  field: 'ProcessorCount' | 'MemoryAssigned',
  value: unknown,
  plausible: (n: number) => number | null,
  note: (problem: string) => void,
): number | null {
  if (value === undefined) return null;
  const parsed = (field === 'ProcessorCount' ? ProcessorCount : MemoryAssigned).safeParse(value);
  if (parsed.success && parsed.data === '0') return null;
  const figure = parsed.success ? plausible(Number(parsed.data)) : null;
  if (figure === null) {
    const limit = field === 'ProcessorCount' ? MAX_VM_PROCESSORS : MAX_VM_MEMORY_BYTES;
    const expected = parsed.success
      ? `expected at most ${limit} (Hyper-V's maximum)`
      : (parsed.error.issues[0]?.message ?? 'invalid');
    note(`${field} is ${echo(value)}: ${expected}; taken as unknown`);
  }
  return figure;
}

/** The VM's vCPUs and assigned memory (see `billingFigure`). */
function billingFigures(
  vm: InventoryVm,
  index: number,
  id: string,
  report: Report,
): Pick<RawVm, 'processorCount' | 'memoryAssignedBytes'> {
  const note = (reason: string) => report({ index, vmId: id, reason });
  return {
    processorCount: billingFigure('ProcessorCount', vm.ProcessorCount, processorCountOrNull, note),
    memoryAssignedBytes: billingFigure('MemoryAssigned', vm.MemoryAssigned, memoryBytesOrNull, note),
  };
}

function toRawVm(vm: InventoryVm, index: number, report: Report): RawVm {
  const id = vm.Id.toLowerCase();
  if (vm.DataExchange === 'unknown') {
    report({
      index,
      vmId: id,
      reason: 'no Msvm_KvpExchangeComponentSettingData found; Data Exchange taken as off',
    });
  }
  return Object.freeze({
    id,
    name: vm.Name,
    state: vmStateFromName(vm.State),
    dataExchange: vm.DataExchange === 'true',
    intrinsicItems: Object.freeze(itemList(vm.IntrinsicItems, 'IntrinsicItems', index, id, report)),
    guestItems: Object.freeze(itemList(vm.GuestItems, 'GuestItems', index, id, report)),
    hostItems: Object.freeze(itemList(vm.HostItems, 'HostItems', index, id, report)),
    ...billingFigures(vm, index, id, report),
  });
}

function candidateId(entry: unknown): string | null {
  if (typeof entry !== 'object' || entry === null) return null;
  const id = (entry as { Id?: unknown }).Id;
  return typeof id === 'string' && id.length <= 64 ? id.toLowerCase() : null;
}

/**
 * Turns the list-vms output into RawVm records, leniently per VM: a VM whose identity fields are
 * malformed, or whose id repeats, is left out and reported; an item that is not a string or is over
 * the size cap is dropped from its list and reported (the VM stays, so a tenant cannot hide a VM by
 * publishing junk). Throws DriverError 'BAD_RESPONSE' when the envelope has another shape, or when
 * there were VMs and none of them was valid (a changed schema, not one odd VM).
 */
export function vmsFromInventory(value: unknown, report: Report): RawVm[] {
  const inventory = parseStrict('list-vms', Inventory, value);
  const vms: RawVm[] = [];
  const seen = new Set<string>();
  inventory.Vms.forEach((entry, index) => {
    const parsed = InventoryVm.safeParse(entry);
    if (!parsed.success) {
      report({ index, vmId: candidateId(entry), reason: describeIssue(parsed.error) });
      return;
    }
    const id = parsed.data.Id.toLowerCase();
    if (seen.has(id)) {
      report({ index, vmId: id, reason: 'the same VM id appears twice; kept the first' });
      return;
    }
    seen.add(id);
    vms.push(toRawVm(parsed.data, index, report));
  });
  if (inventory.Vms.length > 0 && vms.length === 0) {
    throw new DriverError(
      'BAD_RESPONSE',
      `list-vms: none of the ${inventory.Vms.length} VMs matches the expected schema; expected Id, Name, State, DataExchange and three item lists`,
    );
  }
  return vms;
}
