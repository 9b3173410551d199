/** The aggregate the metrics scrape reads (agent/metrics): counts by host and vocabulary. */
import type { HostEdition, HostVersion } from 'hyperv-kvp';
import type { ReasonCode } from '../../shared/avma/index.js';
import type { EventNotification, ObservedLicenseStatus } from './types.js';

/** A host's current facts as the metrics scrape labels them (its latest `host_facts` row). */
export interface HostMetricFacts {
  readonly host: string;
  readonly version: HostVersion | null;
  readonly edition: HostEdition | null;
  readonly cluster: string | null;
  readonly activated: boolean;
}

/** How many VMs of a host share one value of a vocabulary. */
export interface HostCount<K extends string> {
  readonly host: string;
  readonly value: K;
  readonly count: number;
}

/** Stored 12309/12310 events of one host, event id and notification (`null`: not classified). */
export interface EventCount {
  /** `null` for an event the store could not tie to a host. */
  readonly host: string | null;
  readonly eventId: number;
  readonly notification: EventNotification | null;
  readonly count: number;
}

/**
 * The fleet in aggregate, as a metrics scrape reads it: counts by host and vocabulary, never one row per
 * VM, so its size depends on hosts × vocabularies only. VM counts are over the latest observation of
 * every VM not marked deleted.
 */
export interface MetricsSnapshot {
  readonly hosts: readonly HostMetricFacts[];
  readonly vms: readonly {
    readonly host: string;
    readonly licenseStatus: ObservedLicenseStatus;
    readonly eligible: boolean;
    readonly count: number;
  }[];
  readonly reasons: readonly HostCount<ReasonCode>[];
  /** Reasons of the VMs whose concluded or claimed channel is AVMA: AVMA guests that cannot be served. */
  readonly avmaGuestReasons: readonly HostCount<ReasonCode>[];
  /** VMs with at least one problem of the code (a VM counts once per code). */
  readonly problems: readonly HostCount<string>[];
  readonly events: readonly EventCount[];
  /** Host-granted AVMA activations not renewed since the snapshot's `renewedBefore`, by host. */
  readonly expiringAvma: readonly HostCount<'avma'>[];
}
