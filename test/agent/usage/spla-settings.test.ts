/** The SPLA settings: defaults, recorded in the report, one-line errors naming the setting. */
import { describe, expect, it } from 'vitest';
import {
  resolveSplaSettings,
  USAGE_MONTH_SCHEMA,
  UsageError,
  usageMonthFromInputs,
} from '../../../agent/usage/index.js';
import { facts, host, november, ran, vm } from './spla-inputs-kit.js';

describe('agent/usage/spla-settings', () => {
  it('records the defaults, or the settings given, in the report', () => {
    const inputs = november([host('DC1', facts('datacenter', [8, 8]))], [vm(1)], [ran(1, 'DC1')]);
    expect(usageMonthFromInputs(inputs, '2026-11').settings).toEqual({
      standardVmsPerLicenceSet: 1,
      reportHostsWithoutWindowsServerVms: true,
      minCoresPerServer: 0,
      excludeTenantLicensedFromStandard: false,
      skus: {},
      runningStates: ['Running'],
    });
    const given = {
      standardVmsPerLicenceSet: 2,
      reportHostsWithoutWindowsServerVms: false,
      minCoresPerServer: 16,
      excludeTenantLicensedFromStandard: true,
      skus: { 'Windows Server Datacenter': 'DC-0001' },
      runningStates: ['Running', 'Paused'],
    } as const;
    expect(usageMonthFromInputs(inputs, '2026-11', given).settings).toEqual(given);
  });

  it.each([
    [{ standardVmsPerLicenceSet: 3 }, 'standardVmsPerLicenceSet is 3, expected 1 or 2'],
    [{ minCoresPerServer: 8 }, 'minCoresPerServer is 8, expected 0 or 16'],
    [{ reportHostsWithoutWindowsServerVms: 'yes' }, 'reportHostsWithoutWindowsServerVms is "yes",'],
    [
      { skus: { 'Windows Server Enterprise': 'X-1' } },
      'skus: unknown product "Windows Server Enterprise", expected Windows Server Datacenter',
    ],
    [{ skus: { 'Windows Server Standard': '=cmd|calc' } }, 'skus.Windows Server Standard: expected a SKU'],
    [{ runningStates: ['Sleeping'] }, 'runningStates[0]:'],
    [{ runningStates: [] }, 'runningStates is [],'],
    [{ vmsPerSet: 2 }, 'unknown setting "vmsPerSet", expected standardVmsPerLicenceSet'],
  ])('refuses %j with one line naming the setting', (options, message) => {
    let caught: unknown;
    try {
      resolveSplaSettings(options as never);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(UsageError);
    expect((caught as UsageError).code).toBe('INVALID_OPTION');
    expect((caught as UsageError).message).toContain(message);
    expect((caught as UsageError).message).not.toContain('\n');
  });

  it('still reads reports closed before settings, configurations and the reseller table existed', () => {
    const old = {
      month: '2026-10',
      hosts: [
        {
          name: 'HV01',
          version: '2022',
          edition: 'datacenter',
          sockets: 2,
          physicalCores: 32,
          coreLicenses: 32,
          twoCorePacks: 16,
          avmaGuests: 1,
          peakConcurrentWindowsServerVms: 1,
          distinctVms: 1,
        },
      ],
      vms: [],
      tenants: [],
    };
    expect(USAGE_MONTH_SCHEMA.safeParse(old).success).toBe(true);
    const inputs = november([host('DC1', facts('datacenter', [8, 8]))], [vm(1)], [ran(1, 'DC1')]);
    const current = JSON.parse(JSON.stringify(usageMonthFromInputs(inputs, '2026-11')));
    expect(USAGE_MONTH_SCHEMA.parse(current)).toEqual(current);
  });
});
