/**
 * A zod schema of the month report, for reading a closed month back: a stored report is only trusted
 * after its hash matched and its shape checked.
 */
import { EDITIONS, HOST_EDITIONS, HOST_VERSIONS } from 'hyperv-kvp';
import { z } from 'zod';
import { CHANNELS } from '../../shared/avma/index.js';
import { EVIDENCE_VALUES, LICENSE_STATUS_VALUES } from '../store/index.js';

const count = z.number().int().nonnegative();
const nullableCount = count.nullable();
const hours = z.number().nonnegative();

/** Tenant billing figures (usage-billing.ts), added later: months closed before carry none. */
const BILLING = {
  vmHours: hours.optional(),
  vcpuHours: hours.optional(),
  unknownVcpuHours: hours.optional(),
  peakVcpus: count.nullable().optional(),
  windowsServerVmHours: hours.optional(),
  avmaActivatedVmHours: hours.optional(),
  memoryGbHours: hours.optional(),
  unknownMemoryHours: hours.optional(),
};

export const USAGE_MONTH_SCHEMA = z.strictObject({
  month: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/),
  hosts: z.array(
    z.strictObject({
      name: z.string(),
      version: z.enum(HOST_VERSIONS).nullable(),
      edition: z.enum(HOST_EDITIONS).nullable(),
      sockets: nullableCount,
      physicalCores: nullableCount,
      coreLicenses: nullableCount,
      twoCorePacks: nullableCount,
      avmaGuests: count,
      peakConcurrentWindowsServerVms: count,
      distinctVms: count,
      // Added later: months closed before carry no coverage.
      monthHours: count.optional(),
      observedHours: z.number().nonnegative().optional(),
    }),
  ),
  vms: z.array(
    z.strictObject({
      id: z.string(),
      name: z.string().nullable(),
      tenant: z.string().nullable(),
      guestVersion: z.string().nullable(),
      guestEdition: z.enum(EDITIONS).nullable(),
      hosts: z.array(z.strictObject({ name: z.string(), hours: z.number().nonnegative() })),
      channel: z.enum(CHANNELS),
      licenseStatus: z.enum(LICENSE_STATUS_VALUES),
      evidence: z.enum(EVIDENCE_VALUES),
      ...BILLING,
    }),
  ),
  tenants: z.array(
    z.strictObject({
      tenant: z.string().nullable(),
      vms: count,
      windowsServerVms: count,
      avmaActivatedVms: count,
      ...BILLING,
    }),
  ),
});
