/** Records of the store reads behind the licence report family (agent/reports). Times are ISO-8601 UTC. */
import type { Edition } from 'hyperv-kvp';
import type { Channel } from '../../shared/avma/index.js';
import type { VmListRow } from './read-types-api.js';
import type { Evidence, GuestOs, ObservedLicenseStatus, VmMatch } from './types.js';

/** The latest 12310 in which a host reported AVMA success for the VM (trusted: the host's own log). */
export interface ReportHostSuccess {
  readonly timeMs: number;
  /** The host whose Application log holds it. */
  readonly host: string | null;
  /** How the record was attributed to the VM. */
  readonly vmMatch: VmMatch | null;
}

/** A live VM as the reports see it: its list row plus the facts of its latest observation. */
export interface ReportVm extends VmListRow {
  readonly os: GuestOs;
  /** The guest's version and edition as its intrinsic KVP items told (scenario vocabulary), or null. */
  readonly guestVersion: string | null;
  readonly guestEdition: Edition | null;
  readonly evaluation: boolean | null;
  readonly dataExchange: boolean;
  /** When the latest observation interval started, or null before the first one. */
  readonly observedSince: string | null;
  /**
   * The raw `AvmaAgent.Status` item of the stored Guest pool (tenant-written, unvalidated here) and
   * when that pool was stored; null when none is stored.
   */
  readonly guestStatus: { readonly text: string; readonly storedAtMs: number } | null;
  readonly lastHostSuccess: ReportHostSuccess | null;
}

/** A host with its current facts (null fields before the first facts were recorded). */
export interface ReportHost {
  readonly name: string;
  readonly lastSeen: string;
  readonly hasFacts: boolean;
  readonly version: string | null;
  readonly build: number | null;
  readonly edition: string | null;
  readonly activated: boolean;
  readonly cluster: string | null;
}

export interface ReportInputs {
  /** Live VMs, by name. */
  readonly vms: readonly ReportVm[];
  /** Every host, by name. */
  readonly hosts: readonly ReportHost[];
}

/** One observation interval of a VM's licence history. */
export interface ReportLicenceSpan {
  readonly vm: string;
  /** The VM's current name. */
  readonly name: string | null;
  readonly tenant: string | null;
  readonly host: string;
  readonly from: string;
  /** Null while the interval is open. */
  readonly to: string | null;
  readonly lastSeen: string;
  readonly licenseStatus: ObservedLicenseStatus;
  readonly channel: Channel;
  readonly evidence: Evidence;
}
