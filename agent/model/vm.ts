/**
 * The VM vocabulary every layer shares (driver, store, decide, usage, the API): its id, its states and
 * the raw record a driver lists. The bottom layer: it imports nothing of the agent.
 */

/**
 * A Hyper-V VM id: the GUID of `Msvm_ComputerSystem.Name`, lower case. Stable across renames and
 * migrations. Checked in one place (`isVmId`, `toVmId`): every layer that takes an id from outside
 * (a driver listing, a KVP record, a CLI argument, a URL) goes through them.
 */
export type VmId = string;

/** 8-4-4-4-12 hexadecimal digits, either case. */
const VM_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Any VM id inside a text (an event message, say). */
export const VM_IDS_IN_TEXT = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;

/** How a VM id is written, for error messages. */
export const VM_ID_FORMAT = '8-4-4-4-12 hexadecimal digits, e.g. 6a3f5c2e-0b1d-4e8f-9a7b-2c4d6e8f0a1b';

/** Whether `value` is a VM id in either case. Never throws. */
export function isVmId(value: unknown): boolean {
  return typeof value === 'string' && VM_ID.test(value);
}

/** The VM id in its one spelling (lower case), or `null` when `value` is not one. Never throws. */
export function toVmId(value: unknown): VmId | null {
  return typeof value === 'string' && VM_ID.test(value) ? value.toLowerCase() : null;
}

/** Hyper-V VM states, by name (numeric values differ between Windows versions; see Eryph). */
export const VM_STATES = [
  'Running',
  'Off',
  'Saved',
  'Paused',
  'Starting',
  'Stopping',
  'Saving',
  'Pausing',
  'Resuming',
  'Reset',
  'Other',
] as const;
export type VmState = (typeof VM_STATES)[number];

/** One VM as a driver lists it: raw, before any decoding or judgement. */
export interface RawVm {
  /** VM GUID (`Msvm_ComputerSystem.Name`), lower case; stable across renames and migrations. */
  readonly id: VmId;
  readonly name: string;
  readonly state: VmState;
  /** The Data Exchange (Key-Value Pair Exchange) integration service is enabled for this VM. */
  readonly dataExchange: boolean;
  /** `GuestIntrinsicExchangeItems`: CIM-XML strings; empty unless running with Data Exchange on. */
  readonly intrinsicItems: readonly string[];
  /** `GuestExchangeItems`: what software in the guest wrote (tenant-controlled, untrusted). */
  readonly guestItems: readonly string[];
  /** `HostExchangeItems`: what the host pushed (Source 0). */
  readonly hostItems: readonly string[];
  /**
   * Virtual processors the VM is configured with (Get-VM `ProcessorCount`), whatever its state;
   * `null` when the driver cannot tell. Billing counts it only while the VM runs.
   */
  readonly processorCount: number | null;
  /**
   * Memory the host has assigned to the VM now, in bytes (Get-VM `MemoryAssigned`): what a running (or
   * paused) VM holds, changing over time under Dynamic Memory. `null` when none is assigned (an Off or
   * Saved VM reports 0) or the driver cannot tell: "unknown", never zero.
   */
  readonly memoryAssignedBytes: number | null;
}

/** Most virtual processors a Hyper-V VM can have (2,048 on Windows Server 2025 generation 2 VMs). */
export const MAX_VM_PROCESSORS = 2048;
/** Most memory a Hyper-V VM can be assigned (240 TB on Windows Server 2025); a round bound above it. */
export const MAX_VM_MEMORY_BYTES = 2 ** 48;

/** The processor count when it is a plausible one (1..MAX_VM_PROCESSORS), else `null`. Never throws. */
export function processorCountOrNull(value: unknown): number | null {
  return Number.isInteger(value) && (value as number) >= 1 && (value as number) <= MAX_VM_PROCESSORS
    ? (value as number)
    : null;
}

/** Assigned memory in bytes when plausible (1..MAX_VM_MEMORY_BYTES), else `null`. Never throws. */
export function memoryBytesOrNull(value: unknown): number | null {
  return Number.isSafeInteger(value) && (value as number) >= 1 && (value as number) <= MAX_VM_MEMORY_BYTES
    ? (value as number)
    : null;
}

/**
 * Codes of the problems the sweep records on a VM's observation (agent/decide/problems.ts makes them,
 * with their messages). Here, in the bottom layer, so the store can check a `problem` filter by them.
 */
export const PROBLEM_CODES = [
  /** An item of one of the VM's KVP pools is not a valid Msvm_KvpExchangeDataItem; it was ignored. */
  'KVP_ITEM_INVALID',
  /** A pool held more items than any Hyper-V guest publishes; the rest were ignored. */
  'KVP_POOL_TRUNCATED',
  /** `AvmaAgent.Status` is not a valid protocol message; nothing in it was used. */
  'STATUS_INVALID',
  /** An `AvmaAgent.Event.N` slot is not a valid forwarded 12309 event; it was not stored. */
  'EVENT_INVALID',
  /** A Windows Server guest whose KVP works never reported `AvmaAgent.Status` for N sweeps. */
  'GUEST_AGENT_SILENT',
  /** The guest agent acknowledged our install intent and refused it (its reason is in the message). */
  'GUEST_REFUSED',
  /** A host-side KVP write (push, wipe, withdrawal) failed; it is retried at the next sweep. */
  'KVP_WRITE_FAILED',
  /** The next intent sequence number would pass the protocol's limit; nothing was sent. */
  'INTENT_SEQ_EXHAUSTED',
  /**
   * The guest agent claims AVMA activation but no host logged a 12310 AVMA success for the VM within
   * the evidence window: the claim is shown, never counted (licence-evidence.ts).
   */
  'GUEST_CLAIM_UNCORROBORATED',
  /** The store refused part of the VM's data (the message names the field); the VM was recorded without it. */
  'VM_DATA_REJECTED',
] as const;
export type ProblemCode = (typeof PROBLEM_CODES)[number];

/** Something wrong with a VM, recorded on its observation: a closed code and a one-line message. */
export interface Problem {
  /** Upper-case code such as `STATUS_INVALID` (`PROBLEM_CODES`; older stores may hold retired ones). */
  readonly code: string;
  readonly message: string;
}
