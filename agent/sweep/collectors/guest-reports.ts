/**
 * The guest reports collector: every VM's `AvmaAgent.Status` and 12309 ring, read from the Guest pool
 * the inventory already decoded (no driver call). Pure parsing, timed and isolated like the others.
 */

import { type GuestReport, readGuestReport } from '../../decide/guest-report.js';
import type { Collector, CollectorInput } from '../collector.js';
import type { DecodedPool } from '../sweep-cache.js';
import type { InventoryVm } from './vm-inventory.js';

/** Reports by decoded Guest pool: a pool the cache kept unchanged is not parsed again. */
const reports = new WeakMap<DecodedPool, GuestReport>();

function reportOf(guest: DecodedPool): GuestReport {
  let report = reports.get(guest);
  if (report === undefined) {
    report = readGuestReport(guest.items);
    reports.set(guest, report);
  }
  return report;
}

/** Each VM's report, by VM id. Never throws for hostile guest data (see readGuestReport). */
export function collectGuestReports(vms: readonly InventoryVm[]): ReadonlyMap<string, GuestReport> {
  return new Map(vms.map((vm) => [vm.id, reportOf(vm.pools.guest)]));
}

/** Registered in collectors/registry.ts. Optional: turned off, no guest's word is read at all. */
export const GUEST_REPORTS_COLLECTOR: Collector<ReadonlyMap<string, GuestReport>> = Object.freeze({
  name: 'guest-reports',
  help: 'each guest agent status and forwarded 12309 ring, from the Guest pool already listed',
  required: false,
  collect: async ({ inventory }: CollectorInput) => collectGuestReports(inventory?.vms ?? []),
});
