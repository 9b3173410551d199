/** The host vocabulary every layer shares: a host's facts and a record of its Application log. */
import type { HostEdition, HostVersion } from 'hyperv-kvp';

/** The AVMA pair of Windows events (Application log): the guest's outcome and the host's record. */
export const AVMA_GUEST_EVENT_ID = 12309;
export const AVMA_HOST_EVENT_ID = 12310;

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

/** One record of a host's Application log (12310), as the driver read it: trusted, host-side. */
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
