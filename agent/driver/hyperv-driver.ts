/**
 * The driver boundary (architecture §4): everything the agent needs from one Hyper-V host. The lab
 * driver and the PowerShell driver are peers; one contract suite (test/agent/driver/contract) runs
 * against both. Drivers return raw data (KVP items as the CIM-XML strings WMI returns); decoding,
 * identification and decisions happen above this line.
 */
import type { HostEdition, HostVersion } from 'hyperv-kvp';

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

export interface HostInfo {
  /** Host computer name (NetBIOS), as Hyper-V reports it in `Guest\Parameters\PhysicalHostName`. */
  readonly name: string;
  readonly fqdn: string | null;
  /** `null` when the host runs a release outside the vocabulary (e.g. 2012). */
  readonly version: HostVersion | null;
  readonly build: number;
  /** `null` when the edition is neither Datacenter nor Standard (e.g. Hyper-V Server). */
  readonly edition: HostEdition | null;
  /** Whether the host's own Windows licence is activated (LicenseStatus = 1). */
  readonly activated: boolean;
  readonly sockets: number;
  /** Physical cores of each processor, one entry per socket. */
  readonly coresPerSocket: readonly number[];
  readonly cluster: string | null;
  readonly clusterNodes: readonly string[];
}

export interface RawVm {
  /** VM GUID (`Msvm_ComputerSystem.Name`), lower case; stable across renames and migrations. */
  readonly id: string;
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
}

export interface KvpWriteItem {
  readonly name: string;
  readonly data: string;
}

export interface HostEvent {
  /** Application log `EventRecordID`: increasing, restarts when the log is cleared. */
  readonly recordId: number;
  readonly eventId: number;
  readonly provider: string;
  /** ISO-8601 UTC. */
  readonly time: string;
  readonly message: string;
  /** EventData values by name where the event has named data, else positional `0`, `1`, … */
  readonly data: Readonly<Record<string, string>>;
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
