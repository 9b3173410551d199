/**
 * The guest reports collector: every VM's `AvmaAgent.Status` and 12309 ring, read from the Guest pool
 * the inventory already decoded (no driver call). Pure parsing, timed and isolated like the others.
 */

import { type GuestReport, readGuestReportFrom } from '../../decide/guest-report.js';
import type { Collector, CollectorInput } from '../collector.js';
import type { SweepCache } from '../sweep-cache.js';
import type { InventoryVm } from './vm-inventory.js';

/**
 * Each VM's report, by VM id. With the sweep cache, a pool the cache kept unchanged is not read again,
 * and one whose Status alone changed is read against the previous pool (readGuestReportFrom). Never
 * throws for hostile guest data (see readGuestReport).
 */
export function collectGuestReports(
  vms: readonly InventoryVm[],
  cache?: SweepCache,
): ReadonlyMap<string, GuestReport> {
  const reports = new Map<string, GuestReport>();
  for (const vm of vms) {
    const basis = readGuestReportFrom(vm.pools.guest.items, cache?.guestReportOf(vm.id));
    cache?.rememberGuestReport(vm.id, basis);
    reports.set(vm.id, basis.report);
  }
  return reports;
}

/** Registered in collectors/registry.ts. Optional: turned off, no guest's word is read at all. */
export const GUEST_REPORTS_COLLECTOR: Collector<ReadonlyMap<string, GuestReport>> = Object.freeze({
  name: 'guest-reports',
  help: 'each guest agent status and forwarded 12309 ring, from the Guest pool already listed',
  required: false,
  collect: async ({ inventory, cache }: CollectorInput) => collectGuestReports(inventory?.vms ?? [], cache),
});
