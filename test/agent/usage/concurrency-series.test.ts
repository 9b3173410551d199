/**
 * The month chart's series: concurrent running Windows Server VMs per host, hour by hour, agreeing
 * with the report's peak; Linux and stopped VMs never count, and a VM that moves counts on each host
 * only while it is there.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../../../agent/store/index.js';
import { buildUsageMonth, concurrencySeries } from '../../../agent/usage/index.js';
import { type TempDir, tempDir } from '../store/store-test-kit.js';
import { day, NOV, simulate, steadyVm } from './usage-test-kit.js';

describe('agent/usage/concurrency-series', () => {
  let dir: TempDir;
  let store: Store;

  beforeAll(async () => {
    dir = await tempDir();
    store = await openStore(dir.file('avma.db'), { staleAfterMs: 2 * 3_600_000 });
    await simulate(store, {
      hosts: [{ name: 'HV01' }, { name: 'HV02' }],
      fromMs: NOV,
      toMs: day(4),
      vms: [
        steadyVm(1, 'web01', 't', 'HV01'),
        steadyVm(2, 'lnx01', 't', 'HV01', { os: 'linux', version: null, edition: null }),
        {
          n: 3,
          name: 'mover',
          tenant: 't',
          phases: [
            { fromMs: 0, host: 'HV01' },
            { fromMs: day(2), host: 'HV02' },
          ],
        },
        {
          n: 4,
          name: 'late',
          tenant: 't',
          phases: [
            { fromMs: 0, host: null },
            { fromMs: day(1), host: 'HV01' },
          ],
        },
        steadyVm(5, 'off01', 't', 'HV02', { state: 'Off' }),
      ],
    });
  }, 60_000);

  afterAll(async () => {
    await store.close();
    await dir.remove();
  });

  it('counts running Windows Server VMs per host and hour, its top equal to the report peak', async () => {
    const series = await concurrencySeries(store, '2026-11');
    expect(series.hours).toHaveLength(720);
    expect(series.hours[0]).toBe(NOV / 1000);
    const at = (host: string, ms: number) =>
      series.hosts.find((h) => h.name === host)?.counts[Math.floor((ms - NOV) / 3_600_000)];
    expect(series.hosts.map((h) => h.name)).toEqual(['HV01', 'HV02']);
    expect(at('HV01', day(0, 12))).toBe(2);
    expect(at('HV01', day(1, 12))).toBe(3);
    expect(at('HV01', day(2, 12))).toBe(2);
    expect(at('HV02', day(2, 12))).toBe(1);
    // The simulation ends on day 4: later hours were not observed, a gap on the chart, not zero usage.
    expect(at('HV02', day(3, 12))).toBe(1);
    expect(at('HV02', day(10))).toBeNull();
    expect(at('HV01', day(29, 23))).toBeNull();
    const report = await buildUsageMonth(store, '2026-11');
    for (const host of series.hosts) {
      const peak = report.hosts.find((h) => h.name === host.name)?.peakConcurrentWindowsServerVms;
      expect(Math.max(...host.counts.filter((c) => c !== null)), host.name).toBe(peak);
    }
  });
});
