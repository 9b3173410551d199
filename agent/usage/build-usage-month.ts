/** The SPLA month report, as pure functions over the store's reads. */
import { VM_STATES, type VmState } from '../model/index.js';
import type { Store, UsageInputs } from '../store/index.js';
import { observedMsByHost } from './coverage.js';
import { UsageError } from './errors.js';
import { parseMonth } from './month.js';
import { monthRuns } from './month-runs.js';
import { hostRows } from './usage-hosts.js';
import type { UsageMonth, UsageOptions } from './usage-types.js';
import { tenantRows, vmRows } from './usage-vms.js';

interface CheckedOptions {
  readonly tenant: string | undefined;
  readonly minCoresPerServer: 0 | 16;
  readonly runningStates: readonly VmState[];
}

function checkOptions(options: UsageOptions): CheckedOptions {
  const { tenant, minCoresPerServer = 0, timeZone = 'UTC', runningStates = ['Running'] } = options;
  if (timeZone !== 'UTC') {
    throw new UsageError(
      'INVALID_OPTION',
      `timeZone is ${JSON.stringify(timeZone)}, expected UTC (the only one supported)`,
    );
  }
  if (minCoresPerServer !== 0 && minCoresPerServer !== 16) {
    throw new UsageError(
      'INVALID_OPTION',
      `minCoresPerServer is ${String(minCoresPerServer)}, expected 0 or 16`,
    );
  }
  if (tenant !== undefined && (typeof tenant !== 'string' || tenant === '' || tenant.length > 256)) {
    throw new UsageError('INVALID_OPTION', 'tenant must be a non-empty string of at most 256 characters');
  }
  const unknown = runningStates.find((state) => !VM_STATES.includes(state));
  if (unknown !== undefined || runningStates.length === 0) {
    throw new UsageError('INVALID_OPTION', `runningStates must be VM states (${VM_STATES.join(', ')})`);
  }
  return { tenant, minCoresPerServer, runningStates };
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
  const runs = monthRuns(inputs, checked.runningStates, checked.tenant);
  const vms = vmRows(runs);
  return Object.freeze({
    month: range.month,
    hosts: hostRows(inputs.hosts, runs, {
      tenantFiltered: checked.tenant !== undefined,
      minCoresPerServer: checked.minCoresPerServer,
      // Coverage is about the agent watching the host, whoever's VMs it counts.
      observedMs: observedMsByHost(inputs),
    }),
    vms,
    tenants: tenantRows(runs, vms),
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
