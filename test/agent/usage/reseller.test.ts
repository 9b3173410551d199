/** The reseller-ready table: period, product, SKU, quantity, adding up exactly to the host rows. */
import { describe, expect, it } from 'vitest';
import { UsageError, type UsageHostRow, usageMonthFromInputs } from '../../../agent/usage/index.js';
import { resellerRows } from '../../../agent/usage/reseller.js';
import { DEFAULT_SPLA_SETTINGS } from '../../../agent/usage/spla-settings.js';
import { day, facts, host, november, ran, vm } from './spla-inputs-kit.js';

const SKUS = { 'Windows Server Datacenter': 'DC-0001', 'Windows Server Standard': 'STD-0001' } as const;

describe('agent/usage/reseller', () => {
  it('sums a mixed fleet per product, dated the last day of the month, with the configured SKUs', () => {
    // DC1 Datacenter 2 x 12: 12 packs. DC2 Datacenter 1 x 6: 4 packs. ST1 Standard 2 x 8 with 3 VMs:
    // 24 packs. ST2 Standard 2 x 8, 1 VM, cores doubled on the 16th (2 x 16): max(8, 16) = 16 packs.
    // Datacenter 12 + 4 = 16; Standard 24 + 16 = 40.
    const month = usageMonthFromInputs(
      november(
        [
          host('DC1', facts('datacenter', [12, 12])),
          host('DC2', facts('datacenter', [6])),
          host('ST1', facts('standard', [8, 8])),
          host('ST2', facts('standard', [8, 8], day(-30), day(15)), facts('standard', [16, 16], day(15))),
        ],
        [vm(1), vm(2), vm(3), vm(4), vm(5), vm(6)],
        [ran(1, 'DC1'), ran(2, 'DC2'), ran(3, 'ST1'), ran(4, 'ST1'), ran(5, 'ST1'), ran(6, 'ST2')],
      ),
      '2026-11',
      { skus: SKUS },
    );
    expect(month.reseller).toEqual([
      { period: '2026-11-30', product: 'Windows Server Datacenter', sku: 'DC-0001', quantity: 16 },
      { period: '2026-11-30', product: 'Windows Server Standard', sku: 'STD-0001', quantity: 40 },
    ]);
    const configurations = month.hosts.flatMap((h) => h.configurations ?? []);
    for (const row of month.reseller ?? []) {
      const fromRows = configurations
        .filter((c) => c.product === row.product)
        .reduce((sum, c) => sum + (c.quantity ?? 0), 0);
      expect(fromRows).toBe(row.quantity);
    }
    expect(month.hosts.reduce((sum, h) => sum + (h.twoCorePacks ?? 0), 0)).toBe(56);
    expect(month.warnings).toEqual([]);
  });

  it('prints a zero report for a month without usage, dated its last day (leap February)', () => {
    const empty = {
      fromMs: Date.UTC(2028, 1, 1),
      toMs: Date.UTC(2028, 2, 1),
      hosts: [],
      vms: [],
      intervals: [],
    };
    const month = usageMonthFromInputs(empty, '2028-02', { skus: { 'Windows Server Standard': 'STD-0001' } });
    expect(month.reseller).toEqual([
      { period: '2028-02-29', product: 'Windows Server Datacenter', sku: null, quantity: 0 },
      { period: '2028-02-29', product: 'Windows Server Standard', sku: 'STD-0001', quantity: 0 },
    ]);
    expect(month.warnings).toEqual([
      'no SKU for "Windows Server Datacenter" (config spla.skus); its reseller row has an empty SKU',
    ]);
  });

  it('refuses a table that would not add up to the host rows', () => {
    const configuration = {
      edition: 'standard',
      version: '2022',
      sockets: 2,
      physicalCores: 16,
      hours: 720,
      coreLicensesPerSet: 16,
      sets: 1,
      coreLicenses: 16,
      twoCorePacks: 8,
      highWaterMark: 1,
      highWaterMarkAt: null,
      distinctVms: 1,
      windowsServerVms: 1,
      product: 'Windows Server Standard',
      quantity: 8,
      superseded: false,
    } as const;
    // Two equal configurations both claiming to contribute: the host's month figure is 8, not 16.
    const row = { name: 'ST1', configurations: [configuration, configuration] } as unknown as UsageHostRow;
    const build = () =>
      resellerRows({ month: '2026-11', endMs: Date.UTC(2026, 11, 1) }, [row], DEFAULT_SPLA_SETTINGS);
    expect(build).toThrow(UsageError);
    expect(build).toThrow(
      '2026-11: Windows Server Standard totals 8 in the reseller table but 16 in the host rows',
    );
  });
});
