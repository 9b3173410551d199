/**
 * The rules of the SPLA month report as settings (config section `spla`, or UsageOptions): each has a
 * documented default, and the resolved set is recorded in the report. spla-and-peers §1.1–1.3.
 */
import { z } from 'zod';
import { SPLA_PRODUCTS, VM_STATES } from '../model/index.js';
import { UsageError } from './errors.js';
import type { SplaSettings, UsageOptions } from './usage-types.js';

/** Reseller SKUs as price lists print them (e.g. `9EA-00039`); no leading formula character. */
const SKU = /^[A-Za-z0-9][A-Za-z0-9 ._/()-]{0,63}$/;

/**
 * The `spla` section of the agent configuration, and the same fields of UsageOptions. Strict: an
 * unknown field is refused with its name.
 */
export const SPLA_SETTINGS_SCHEMA = z.strictObject({
  standardVmsPerLicenceSet: z.union([z.literal(1), z.literal(2)], { error: 'expected 1 or 2' }).optional(),
  reportHostsWithoutWindowsServerVms: z.boolean().optional(),
  minCoresPerServer: z.union([z.literal(0), z.literal(16)], { error: 'expected 0 or 16' }).optional(),
  excludeTenantLicensedFromStandard: z.boolean().optional(),
  skus: z
    .partialRecord(
      z.enum(SPLA_PRODUCTS, { error: `expected a product: ${SPLA_PRODUCTS.join(', ')}` }),
      z.string().regex(SKU, 'expected a SKU of letters, digits, space . _ / ( ) -, at most 64'),
    )
    .optional(),
  runningStates: z.array(z.enum(VM_STATES)).min(1).max(VM_STATES.length).optional(),
});

export const DEFAULT_SPLA_SETTINGS: SplaSettings = Object.freeze({
  standardVmsPerLicenceSet: 1,
  // UNCONFIRMED: whether SPLA asks for the host OS of a month without Windows Server VMs.
  reportHostsWithoutWindowsServerVms: true,
  minCoresPerServer: 0,
  excludeTenantLicensedFromStandard: false,
  skus: Object.freeze({}),
  // SILA's "simultaneously running"; UNCONFIRMED whether SPLA counts a Paused VM.
  runningStates: Object.freeze(['Running'] as const),
});

function settingPath(path: readonly PropertyKey[]): string {
  return path
    .map((part) => (typeof part === 'number' ? `[${part}]` : `.${String(part)}`))
    .join('')
    .slice(1);
}

/** One line naming the setting, the value when it is a whole setting, and what is expected. */
function describeIssue(issue: z.core.$ZodIssue | undefined, settings: Record<string, unknown>): string {
  if (issue === undefined) return 'the SPLA settings are invalid';
  const path = settingPath(issue.path);
  if (issue.code === 'unrecognized_keys') {
    const key = JSON.stringify(issue.keys[0]?.slice(0, 40));
    return path === ''
      ? `unknown setting ${key}, expected ${Object.keys(SPLA_SETTINGS_SCHEMA.shape).join(', ')}`
      : `${path}: unknown product ${key}, expected ${SPLA_PRODUCTS.join(', ')}`;
  }
  if (issue.path.length === 1) {
    const shown = JSON.stringify(settings[String(issue.path[0])])?.slice(0, 60) ?? 'undefined';
    return `${path} is ${shown}, ${issue.message}`;
  }
  return `${path}: ${issue.message}`;
}

/**
 * The settings of `options` with the defaults filled in. Throws UsageError INVALID_OPTION naming the
 * first setting that is wrong, with the value and what is expected.
 */
export function resolveSplaSettings(options: UsageOptions): SplaSettings {
  const { tenant: _tenant, timeZone: _timeZone, ...settings } = options;
  const parsed = SPLA_SETTINGS_SCHEMA.safeParse(settings);
  if (!parsed.success) {
    throw new UsageError('INVALID_OPTION', describeIssue(parsed.error.issues[0], settings));
  }
  const given = parsed.data;
  return Object.freeze({
    standardVmsPerLicenceSet:
      given.standardVmsPerLicenceSet ?? DEFAULT_SPLA_SETTINGS.standardVmsPerLicenceSet,
    reportHostsWithoutWindowsServerVms:
      given.reportHostsWithoutWindowsServerVms ?? DEFAULT_SPLA_SETTINGS.reportHostsWithoutWindowsServerVms,
    minCoresPerServer: given.minCoresPerServer ?? DEFAULT_SPLA_SETTINGS.minCoresPerServer,
    excludeTenantLicensedFromStandard:
      given.excludeTenantLicensedFromStandard ?? DEFAULT_SPLA_SETTINGS.excludeTenantLicensedFromStandard,
    skus: Object.freeze({ ...(given.skus ?? {}) }),
    runningStates: Object.freeze([...new Set(given.runningStates ?? DEFAULT_SPLA_SETTINGS.runningStates)]),
  });
}
