/**
 * The driver boundary (architecture §4): everything the agent needs from one Hyper-V host. The lab
 * driver and the PowerShell driver are peers; one contract suite (test/agent/driver/contract) runs
 * against both. Drivers return raw data (KVP items as the CIM-XML strings WMI returns); decoding,
 * identification and decisions happen above this line.
 */
import type { HostEvent, HostInfo, RawVm } from '../model/index.js';

// The vocabulary lives in the model layer; the driver boundary speaks it.
export type { HostEvent, HostInfo, RawVm, VmState } from '../model/index.js';
export { VM_STATES } from '../model/index.js';

export interface KvpWriteItem {
  readonly name: string;
  readonly data: string;
}

export interface ReadEventsRequest {
  readonly ids: readonly number[];
  /** Return only records with `recordId > afterRecordId`; 0 for everything. */
  readonly afterRecordId: number;
  /** At most this many, oldest first (default 1000). */
  readonly max?: number;
}

export interface DriverCapabilities {
  readonly kvpWrite: boolean;
  readonly events: boolean;
  readonly setDataExchange: boolean;
  readonly guestExec: boolean;
}

/**
 * One connection to one Hyper-V host. Every method rejects with `DriverError`; a host that is down
 * rejects every call with `HOST_UNAVAILABLE`.
 */
export interface HypervDriver {
  readonly kind: 'lab' | 'powershell';
  /** The host this connection talks to, as configured. */
  readonly hostName: string;
  readonly capabilities: DriverCapabilities;

  /** Host facts. */
  hostInfo(): Promise<HostInfo>;
  /** Every VM on the host with its three KVP item lists, in one call. */
  listVms(): Promise<RawVm[]>;

  /**
   * KVP writes (host → guest, Source 0): at most 128 items per call, all-or-nothing like WMI.
   * Add fails with `KEY_EXISTS` if any key already exists.
   */
  addKvpItems(vmId: string, items: readonly KvpWriteItem[]): Promise<void>;
  /** Fails with `KEY_NOT_FOUND` if any key does not exist. */
  modifyKvpItems(vmId: string, items: readonly KvpWriteItem[]): Promise<void>;
  /** Fails with `KEY_NOT_FOUND` if any key does not exist; only the names matter. */
  removeKvpItems(vmId: string, names: readonly string[]): Promise<void>;

  /** Application-log events of the given ids after a record-id bookmark, oldest first, no gaps. */
  readEvents(request: ReadEventsRequest): Promise<HostEvent[]>;

  /** Enables or disables the Data Exchange integration service (`UNSUPPORTED` if not capable). */
  setDataExchange(vmId: string, enabled: boolean): Promise<void>;

  /** Releases the connection (shell processes, sessions). Idempotent. */
  close(): Promise<void>;
}
