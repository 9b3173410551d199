/** The SPLA month report, as pure functions over the store's reads. */
import type { Store, UsageInputs } from '../store/index.js';
import { observedMsByHost } from './coverage.js';
import { UsageError } from './errors.js';
import { parseMonth } from './month.js';
import { monthRuns } from './month-runs.js';
import { reportWarnings, resellerRows } from './reseller.js';
import { resolveSplaSettings } from './spla-settings.js';
import { hostRows } from './usage-hosts.js';
import type { SplaSettings, UsageMonth, UsageOptions } from './usage-types.js';
import { tenantRows, vmRows } from './usage-vms.js';

interface CheckedOptions {
  readonly tenant: string | undefined;
  readonly settings: SplaSettings;
}

function checkOptions(options: UsageOptions): CheckedOptions {
  const { tenant, timeZone = 'UTC' } = options;
  if (timeZone !== 'UTC') {
    throw new UsageError(
      'INVALID_OPTION',
      `timeZone is ${JSON.stringify(timeZone)}, expected UTC (the only one supported)`,
    );
  }
  if (tenant !== undefined && (typeof tenant !== 'string' || tenant === '' || tenant.length > 256)) {
    throw new UsageError('INVALID_OPTION', 'tenant must be a non-empty string of at most 256 characters');
  }
  return { tenant, settings: resolveSplaSettings(options) };
}

/**
 * Computes the month report from already-read store inputs covering exactly that month (pure). Throws
 * UsageError INVALID_MONTH / INVALID_OPTION, or when the inputs cover another period.
 */
export function usageMonthFromInputs(
  inputs: UsageInputs,
  month: string,
  options: UsageOptions = {},
): UsageMonth {
  const range = parseMonth(month);
  const checked = checkOptions(options);
  if (inputs.fromMs !== range.start.getTime() || inputs.toMs !== range.end.getTime()) {
    throw new UsageError('INVALID_OPTION', `the store inputs do not cover exactly ${range.month}`);
  }
  const { settings } = checked;
  const runs = monthRuns(inputs, settings.runningStates, checked.tenant);
  const vms = vmRows(runs);
  const hosts = hostRows(inputs.hosts, runs, {
    tenantFiltered: checked.tenant !== undefined,
    settings,
    // Coverage is about the agent watching the host, whoever's VMs it counts.
    observedMs: observedMsByHost(inputs),
  });
  return Object.freeze({
    month: range.month,
    settings,
    hosts,
    vms,
    tenants: tenantRows(runs, vms),
    reseller: resellerRows({ month: range.month, endMs: range.end.getTime() }, hosts, settings),
    warnings: reportWarnings(hosts, settings),
  });
}

/**
 * Builds the SPLA month report for `month` (`YYYY-MM`, UTC boundaries) from the store. A month still
 * running is reported up to the latest sighting. Never writes. Rejects with UsageError for a bad month
 * or option, StoreError when the store cannot be read.
 */
export async function buildUsageMonth(
  store: Store,
  month: string,
  options: UsageOptions = {},
): Promise<UsageMonth> {
  const range = parseMonth(month);
  checkOptions(options);
  const inputs = await store.readUsageInputs(range.start, range.end);
  return usageMonthFromInputs(inputs, range.month, options);
}
