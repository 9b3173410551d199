/** Records of the store reads behind the HTTP API's host and VM lists and details. */
import type { Edition, HostEdition, HostVersion } from 'hyperv-kvp';
import type { Channel, ReasonCode } from '../../shared/avma/index.js';
import type { ProblemCode, VmId } from '../model/index.js';
import type { AuditRow, EventRow, VmStatus } from './read-types.js';
import type { Evidence, GuestOs, KvpItemRecord, ObservedLicenseStatus } from './types.js';

/** Filters of the API's VM list; every one optional, all of them combined with AND. */
export interface VmListFilter {
  /** Only VMs whose latest observation was on this host (case-insensitive). */
  readonly host?: string;
  /** Only this tenant (exact). */
  readonly tenant?: string;
  /** Only VMs whose latest observation concluded (not) eligible; a VM never observed is not eligible. */
  readonly eligible?: boolean;
  /** Only VMs with this concluded licence status (`unknown` includes VMs never observed). */
  readonly licenseStatus?: ObservedLicenseStatus;
  /** Only VMs whose latest observation carries this reason code. */
  readonly reason?: ReasonCode;
  /** Only VMs whose latest observation carries a problem with this code. */
  readonly problem?: ProblemCode;
  /**
   * Free text: a substring of the VM's current name (case-insensitive for ASCII letters, as SQLite's
   * lower()) or the start of its GUID.
   */
  readonly q?: string;
  /** Include VMs marked deleted (default false). */
  readonly includeDeleted?: boolean;
}

/** Where a page of VMs ended: the GUID of its last VM (pages are ordered by GUID). */
export type VmCursor = VmId;

/** A VM of the API's list: its status plus the FQDN its guest last published. */
export interface VmListRow extends VmStatus {
  /**
   * `FullyQualifiedDomainName` of the latest stored intrinsic KVP pool, exactly as the guest wrote it
   * (tenant text, not checked to be a DNS name); `null` when none was stored.
   */
  readonly fqdn: string | null;
}

export interface VmPage {
  readonly rows: readonly VmListRow[];
  /** Pass to the next call; null when no VM follows this page. */
  readonly next: VmCursor | null;
}

/** A half-open interval of a VM's history: [from, to), `to` null while it lasts. ISO-8601 UTC. */
export interface HistorySpan {
  readonly from: string;
  readonly to: string | null;
}

export interface VmNameSpan extends HistorySpan {
  readonly name: string;
}

/** A stay on one host: consecutive observation intervals there (gaps in sightings included). */
export interface VmHostStay extends HistorySpan {
  readonly host: string;
}

/** A stretch of consecutive observations with the same licence conclusion. */
export interface VmLicenceSpan extends HistorySpan {
  readonly licenseStatus: ObservedLicenseStatus;
  readonly channel: Channel;
  readonly evidence: Evidence;
}

/**
 * Who the guest says it is. `kvp`: decoded from the latest stored intrinsic pool (hyperv-kvp's
 * identifyGuest: values that are not what they claim to be are null); `observation`: the latest
 * observation's os/version/edition (no intrinsic pool stored); `none`: never observed.
 */
export interface VmIdentity {
  readonly source: 'kvp' | 'observation' | 'none';
  readonly os: GuestOs;
  readonly version: string | null;
  readonly build: number | null;
  readonly edition: Edition | null;
  readonly evaluation: boolean | null;
  /** A DNS name, or null (the raw item is the detail's `fqdn`). */
  readonly fqdn: string | null;
  readonly ipv4: readonly string[];
  readonly ipv6: readonly string[];
  readonly architecture: string | null;
}

/** The latest stored KVP items of each pool, as stored (tenant text in `guest`; empty when none). */
export interface VmKvpPools {
  readonly intrinsic: readonly KvpItemRecord[];
  readonly guest: readonly KvpItemRecord[];
  readonly host: readonly KvpItemRecord[];
}

/** One VM with its history, as the API's VM detail shows it. */
export interface VmDetail extends VmListRow {
  readonly firstSeen: string;
  /** Oldest first. */
  readonly names: readonly VmNameSpan[];
  /** Oldest first. */
  readonly hosts: readonly VmHostStay[];
  /** Oldest first. */
  readonly licence: readonly VmLicenceSpan[];
  readonly identity: VmIdentity;
  readonly kvp: VmKvpPools;
  /** The latest events concerning the VM (at most `VM_DETAIL_EVENTS`), newest first. */
  readonly events: readonly EventRow[];
  /** The latest audit records of the VM (at most `VM_DETAIL_AUDIT`), newest first. */
  readonly audit: readonly AuditRow[];
}

/** A host's facts now: the open facts interval. */
export interface HostCurrentFacts {
  readonly since: string;
  readonly version: HostVersion | null;
  readonly build: number | null;
  readonly edition: HostEdition | null;
  readonly activated: boolean;
  readonly sockets: number;
  readonly coresPerSocket: readonly number[];
  readonly cluster: string | null;
}

/** Live VMs (not deleted) whose latest observation was on a host. */
export interface HostVmCounts {
  readonly total: number;
  readonly eligible: number;
  /** Every status, 0 when none. */
  readonly byLicenseStatus: Readonly<Record<ObservedLicenseStatus, number>>;
}

/** Where the agent stopped reading one of a host's event logs. */
export interface HostBookmark {
  readonly log: string;
  readonly recordId: number;
  readonly logEpoch: number;
  readonly updatedAt: string;
}

/** A host as the API's host list and detail show it. */
export interface HostRow {
  readonly name: string;
  readonly firstSeen: string;
  /** The last sweep that reached the host. */
  readonly lastSeen: string;
  /** `null` before the first facts were recorded. */
  readonly facts: HostCurrentFacts | null;
  readonly vms: HostVmCounts;
  /** By log name. */
  readonly bookmarks: readonly HostBookmark[];
}

/** A VM the store saw for the first time recently. */
export interface NewVm {
  readonly id: string;
  readonly name: string | null;
  readonly firstSeen: string;
}
