/**
 * A zod schema of the month report, for reading a closed month back: a stored report is only trusted
 * after its hash matched and its shape checked.
 */
import { EDITIONS, HOST_EDITIONS, HOST_VERSIONS } from 'hyperv-kvp';
import { z } from 'zod';
import { CHANNELS } from '../../shared/avma/index.js';
import { SPLA_PRODUCTS, VM_STATES } from '../model/index.js';
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

const SETTINGS = z.strictObject({
  standardVmsPerLicenceSet: z.union([z.literal(1), z.literal(2)]),
  reportHostsWithoutWindowsServerVms: z.boolean(),
  minCoresPerServer: z.union([z.literal(0), z.literal(16)]),
  excludeTenantLicensedFromStandard: z.boolean(),
  skus: z.partialRecord(z.enum(SPLA_PRODUCTS), z.string()),
  runningStates: z.array(z.enum(VM_STATES)),
});

const CONFIGURATION = z.strictObject({
  edition: z.enum(HOST_EDITIONS).nullable(),
  version: z.enum(HOST_VERSIONS).nullable(),
  sockets: nullableCount,
  physicalCores: nullableCount,
  hours: z.number().nonnegative(),
  coreLicensesPerSet: nullableCount,
  sets: nullableCount,
  coreLicenses: nullableCount,
  twoCorePacks: nullableCount,
  highWaterMark: count,
  highWaterMarkAt: z.string().nullable(),
  distinctVms: count,
  windowsServerVms: count,
  product: z.enum(SPLA_PRODUCTS).nullable(),
  quantity: nullableCount,
  superseded: z.boolean(),
});

const RESELLER_ROW = z.strictObject({
  period: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  product: z.enum(SPLA_PRODUCTS),
  sku: z.string().nullable(),
  quantity: count,
});

export const USAGE_MONTH_SCHEMA = z.strictObject({
  month: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/),
  // Added with the SPLA rules by edition: months closed before carry none of these.
  settings: SETTINGS.optional(),
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
      configurations: z.array(CONFIGURATION).optional(),
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
      tenantLicensed: z.boolean().optional(),
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
  reseller: z.array(RESELLER_ROW).optional(),
  warnings: z.array(z.string()).optional(),
});
