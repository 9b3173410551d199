/** Records returned by the store's read API. Times are ISO-8601 UTC strings unless named `...Ms`. */
import type { Edition, HostEdition, HostVersion } from 'hyperv-kvp';
import type { Channel, ReasonCode } from '../../shared/avma/index.js';
import type { VmState } from '../model/index.js';
import type {
  AuditAction,
  EventNotification,
  EventSource,
  Evidence,
  GuestOs,
  ObservedLicenseStatus,
  Problem,
  VmMatch,
} from './types.js';

export interface VmStatusFilter {
  /** Include VMs marked deleted (default false). */
  readonly includeDeleted?: boolean;
  /** Only VMs whose latest observation was on this host (the sweep's "what was here last time"). */
  readonly host?: string;
  /** Only this VM (GUID). */
  readonly vm?: string;
}

/** One VM as `avma status` shows it: its latest observation, or `unknown`s before the first one. */
export interface VmStatus {
  /** VM GUID. */
  readonly id: string;
  readonly name: string | null;
  readonly host: string | null;
  readonly tenant: string | null;
  readonly state: VmState | null;
  readonly eligible: boolean;
  readonly reasons: readonly ReasonCode[];
  /** The conclusion from evidence; `evidence` says what it rests on. */
  readonly licenseStatus: ObservedLicenseStatus;
  readonly channel: Channel;
  readonly evidence: Evidence;
  /** The guest agent's own words (validated, untrusted); `null` when it reported no valid status. */
  readonly claimedLicenseStatus: ObservedLicenseStatus | null;
  readonly claimedChannel: Channel | null;
  readonly keyPushed: boolean;
  readonly kvpWiped: boolean;
  readonly problems: readonly Problem[];
  readonly lastSeen: string;
  readonly deletedAt: string | null;
  readonly optedOut: boolean;
  readonly avmaBlocked: boolean;
}

export interface EventFilter {
  /** Windows event id, e.g. 12310. */
  readonly eventId?: number;
  /** VM name (current or former, case-insensitive) or GUID. */
  readonly vm?: string;
  /** Only events at or after this time. */
  readonly since?: Date;
  /** Only events before this time. */
  readonly until?: Date;
  /** Only events of this source: `host` (12310), `guest` (12309), `agent` (audit). */
  readonly source?: EventSource;
  /** Only events of this host (case-insensitive). */
  readonly host?: string;
}

/** Where a page of events ended: the (time, id) of its last event. Opaque to callers. */
export interface EventCursor {
  readonly time: number;
  readonly id: number;
}

export interface EventPage {
  readonly rows: readonly EventRow[];
  /** Pass to the next call; null when this page was the last. */
  readonly next: EventCursor | null;
}

export interface EventRow {
  readonly source: EventSource;
  readonly eventId: number | null;
  readonly recordId: number;
  readonly time: string;
  readonly host: string | null;
  /** The VM's current name (its GUID when it never reported one), or null. */
  readonly vm: string | null;
  readonly vmId: string | null;
  /** How a host event was attributed to its VM (`vm-id`, `vm-name`, `fqdn`, `message-id`, `time`). */
  readonly vmMatch: VmMatch | null;
  readonly notification: EventNotification | null;
  readonly hresult: string | null;
  readonly message: string;
}

export interface HostFactsInterval {
  readonly fromMs: number;
  /** `null` while these facts are still current. */
  readonly toMs: number | null;
  readonly version: HostVersion | null;
  readonly edition: HostEdition | null;
  readonly activated: boolean;
  readonly sockets: number;
  readonly coresPerSocket: readonly number[];
}

export interface UsageHost {
  readonly name: string;
  readonly firstSeenMs: number;
  readonly lastSeenMs: number;
  /** Facts intervals overlapping the period, oldest first. */
  readonly facts: readonly HostFactsInterval[];
}

export interface UsageVm {
  readonly id: string;
  /** The VM's name at the end of the period. */
  readonly name: string | null;
  readonly tenant: string | null;
  readonly deletedAtMs: number | null;
  /** The last operating system family identified for the VM up to the end of the period. */
  readonly knownOs: GuestOs;
}

/** One observation interval clipped to nothing: [fromMs, untilMs], untilMs = last sighting if open. */
export interface UsageInterval {
  readonly vm: string;
  readonly host: string;
  readonly fromMs: number;
  readonly untilMs: number;
  readonly state: VmState;
  readonly version: string | null;
  readonly edition: Edition | null;
  readonly licenseStatus: ObservedLicenseStatus;
  readonly channel: Channel;
  readonly evidence: Evidence;
  /** Configured virtual processors; `null`: unknown (not listed, or recorded before migration 4). */
  readonly processorCount: number | null;
  /** Memory the host assigned, in bytes; `null`: none assigned or unknown. */
  readonly memoryAssignedBytes: number | null;
}

export interface UsageInputs {
  readonly fromMs: number;
  readonly toMs: number;
  /** Hosts seen in the period or that VMs ran on, by name. */
  readonly hosts: readonly UsageHost[];
  readonly vms: readonly UsageVm[];
  /** Observation intervals touching the period, by VM then time. */
  readonly intervals: readonly UsageInterval[];
}

export interface AuditFilter {
  /** Only this VM (GUID). */
  readonly vm?: string;
  /** Only these actions. */
  readonly actions?: readonly AuditAction[];
  /** Only records at or before this time. */
  readonly until?: Date;
  /** Only records at or after this time. */
  readonly since?: Date;
  /** At most this many (default and maximum 1,000,000). */
  readonly limit?: number;
}

/** One audit record: who (`actor`) did what (`action`) to which VM or host, when (`at`) and why. */
export interface AuditRow {
  readonly id: number;
  readonly at: string;
  readonly actor: string;
  readonly action: AuditAction;
  /** VM GUID, or null. */
  readonly vm: string | null;
  readonly host: string | null;
  readonly reason: string;
  readonly details: Readonly<Record<string, unknown>>;
}

/** A VM's latest observation, as the next sweep needs it. */
export interface LastObservation {
  readonly host: string;
  readonly state: VmState;
  readonly dataExchange: boolean;
  readonly licenseStatus: ObservedLicenseStatus;
  readonly channel: Channel;
  readonly evidence: Evidence;
  readonly claimedLicenseStatus: ObservedLicenseStatus | null;
  readonly claimedChannel: Channel | null;
  readonly problems: readonly Problem[];
  /** When this observation interval started. */
  readonly sinceMs: number;
  readonly lastSeenMs: number;
}

/** What the store remembers of a VM between sweeps. */
export interface VmMemory {
  /** VM GUID. */
  readonly id: string;
  readonly deleted: boolean;
  readonly optedOut: boolean;
  readonly avmaBlocked: boolean;
  /** Highest intent `seq` in the audit trail (push-key, send-intent, send-wipe); 0 when none. */
  readonly lastIntentSeq: number;
  readonly last: LastObservation | null;
  /** The latest host 12310 attributed to this VM (any host's Application log), or `null`. */
  readonly lastHostEvent: HostAvmaSighting | null;
  /** The latest host 12310 reporting AVMA success for this VM, or `null`. */
  readonly lastHostSuccess: HostAvmaSighting | null;
}

/** A host-side 12310 sighting: trusted evidence of an AVMA request (and its outcome) for a VM. */
export interface HostAvmaSighting {
  readonly timeMs: number;
  readonly notification: EventNotification | null;
  readonly host: string | null;
}

/** A host's last sighting and its event-log bookmarks. */
export interface HostMemory {
  readonly name: string;
  readonly lastSeenMs: number;
  readonly bookmarks: readonly {
    readonly log: string;
    readonly recordId: number;
    readonly logEpoch: number;
  }[];
}

export interface SweepState {
  /** Every host with its last sighting (ms), in the order first seen. */
  readonly hosts: readonly HostMemory[];
  readonly vms: readonly VmMemory[];
}

export type * from './read-types-api.js';
export type * from './read-types-metrics.js';
export type * from './read-types-reports.js';
