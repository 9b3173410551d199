import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../../../agent/store/index.js';
import { buildUsageMonth, UsageError } from '../../../agent/usage/index.js';
import { HOST_FACTS, type TempDir, tempDir } from '../store/store-test-kit.js';
import { day, type Simulation, simulate, steadyVm, vmGuid } from './usage-test-kit.js';

const STANDARD_6_CORES = {
  ...HOST_FACTS,
  edition: 'standard',
  sockets: 1,
  coresPerSocket: [6],
  cluster: null,
} as const;
const LINUX = {
  os: 'linux',
  version: null,
  edition: null,
  licenseStatus: 'unknown',
  channel: 'unknown',
} as const;
const OFF = { state: 'Off' } as const;

/** Billing figures of running hours recorded with no size (as before migration 4): all unknown. */
function unsized(vmHours: number, windowsServerVmHours: number, avmaActivatedVmHours: number) {
  return {
    vmHours,
    vcpuHours: 0,
    unknownVcpuHours: vmHours,
    peakVcpus: null,
    windowsServerVmHours,
    avmaActivatedVmHours,
    memoryGbHours: 0,
    unknownMemoryHours: vmHours,
  };
}

/**
 * November 2026, hourly sweeps:
 * - web01 (contoso) runs on HV01 until the 11th 00:00, then live-migrates to HV02: 240 h + 480 h.
 * - tmp01 (contoso) runs on HV01 and is deleted: last seen on the 15th 23:00 (359 h).
 * - app01 (fabrikam) runs on HV04, which is down on the 10th (00:00 to 24:00): 720 - 24 = 696 h.
 * - HV03 (Standard, 1 x 6 cores, upgraded to 1 x 10 on the 15th) runs a-c, d (Linux), e:
 *   a all month; b the 5th to the 10th then Off; c the 8th to the 20th; e starts the 10th as b stops.
 *   Peak concurrent Windows Server VMs: a, b, c on the 8th-10th = 3 (e replaces b, never beside it).
 * - idle01 (fabrikam) is Off all month on HV02: not in the report.
 */
const NOVEMBER: Simulation = {
  hosts: [
    { name: 'HV01' },
    { name: 'HV02' },
    {
      name: 'HV03',
      facts: STANDARD_6_CORES,
      factChanges: [{ fromMs: day(14), facts: { ...STANDARD_6_CORES, coresPerSocket: [10] } }],
    },
    { name: 'HV04', down: [[day(9, 1), day(10)]] },
  ],
  vms: [
    {
      n: 1,
      name: 'web01',
      tenant: 'contoso',
      phases: [
        { fromMs: 0, host: 'HV01' },
        { fromMs: day(10), host: 'HV02' },
      ],
    },
    {
      n: 2,
      name: 'tmp01',
      tenant: 'contoso',
      phases: [
        { fromMs: 0, host: 'HV01' },
        { fromMs: day(15), host: null },
      ],
    },
    steadyVm(3, 'app01', 'fabrikam', 'HV04', { channel: 'gvlk', licenseStatus: 'licensed' }),
    steadyVm(10, 'a', 'tailspin', 'HV03'),
    {
      n: 11,
      name: 'b',
      tenant: 'tailspin',
      phases: [
        { fromMs: 0, host: 'HV03', guest: OFF },
        { fromMs: day(4), host: 'HV03' },
        { fromMs: day(9), host: 'HV03', guest: OFF },
      ],
    },
    {
      n: 12,
      name: 'c',
      tenant: 'tailspin',
      phases: [
        { fromMs: day(7), host: 'HV03' },
        { fromMs: day(19), host: 'HV03', guest: OFF },
      ],
    },
    steadyVm(13, 'd', 'tailspin', 'HV03', LINUX),
    {
      n: 14,
      name: 'e',
      tenant: 'tailspin',
      phases: [
        { fromMs: 0, host: 'HV03', guest: OFF },
        { fromMs: day(9), host: 'HV03' },
      ],
    },
    steadyVm(20, 'idle01', 'fabrikam', 'HV02', OFF),
  ],
};

describe('agent/usage/build-usage-month', () => {
  let dir: TempDir;
  let store: Store;
  beforeAll(async () => {
    dir = await tempDir();
    store = await openStore(dir.file('avma.db'), { staleAfterMs: 2 * 3_600_000 });
    await simulate(store, NOVEMBER);
  });
  afterAll(async () => {
    await store.close();
    await dir.remove();
  });

  it('lists a VM that migrated mid-month with every host and its hours there', async () => {
    const report = await buildUsageMonth(store, '2026-11');
    expect(report.vms.find((vm) => vm.name === 'web01')).toEqual({
      id: vmGuid(1),
      name: 'web01',
      tenant: 'contoso',
      guestVersion: '2019',
      guestEdition: 'standard',
      hosts: [
        { name: 'HV01', hours: 240 },
        { name: 'HV02', hours: 480 },
      ],
      channel: 'avma',
      licenseStatus: 'licensed',
      evidence: 'host+guest',
      tenantLicensed: false,
      ...unsized(720, 720, 720),
    });
  });

  it('keeps a VM deleted during the month, with the hours it ran', async () => {
    const report = await buildUsageMonth(store, '2026-11');
    expect(report.vms.find((vm) => vm.name === 'tmp01')?.hosts).toEqual([{ name: 'HV01', hours: 359 }]);
    const status = await store.listVmStatus();
    expect(status.map((vm) => vm.name)).not.toContain('tmp01');
  });

  it('does not count a day the host was down as running time', async () => {
    const report = await buildUsageMonth(store, '2026-11');
    expect(report.vms.find((vm) => vm.name === 'app01')?.hosts).toEqual([{ name: 'HV04', hours: 696 }]);
  });

  it('reports the peak of simultaneously running Windows Server VMs per host', async () => {
    const report = await buildUsageMonth(store, '2026-11');
    const hv03 = report.hosts.find((host) => host.name === 'HV03');
    expect(hv03).toMatchObject({ peakConcurrentWindowsServerVms: 3, distinctVms: 5, avmaGuests: 4 });
  });

  it('reports a host whose cores changed mid-month as two configurations, the larger one contributing', async () => {
    const report = await buildUsageMonth(store, '2026-11');
    const hv03 = report.hosts.find((host) => host.name === 'HV03');
    // 1 x 6 cores until the 15th (336 h): max(8, 6) = 8 per set; a, b and c ran together from the 8th,
    //   3 sets = 24 licences = 12 packs. 1 x 10 cores from the 15th (384 h): a, c and e, 3 sets x 10 =
    //   30 licences = 15 packs. Standard's month figure is the highest: 15 packs; the first row gives 0.
    expect(
      hv03?.configurations?.map((c) => [c.physicalCores, c.hours, c.coreLicensesPerSet, c.sets]),
    ).toEqual([
      [6, 336, 8, 3],
      [10, 384, 10, 3],
    ]);
    expect(hv03?.configurations?.[0]).toMatchObject({
      coreLicenses: 24,
      twoCorePacks: 12,
      highWaterMark: 3,
      highWaterMarkAt: '2026-11-08T00:00:00.000Z',
      distinctVms: 5,
      windowsServerVms: 4,
      product: 'Windows Server Standard',
      quantity: 0,
      superseded: true,
    });
    expect(hv03?.configurations?.[1]).toMatchObject({
      coreLicenses: 30,
      twoCorePacks: 15,
      highWaterMarkAt: '2026-11-15T00:00:00.000Z',
      distinctVms: 4,
      windowsServerVms: 3,
      quantity: 15,
      superseded: false,
    });
    expect(hv03).toMatchObject({
      edition: 'standard',
      sockets: 1,
      physicalCores: 10,
      coreLicenses: 30,
      twoCorePacks: 15,
    });
    // The 16-core floor makes both 3 x 16 = 48 licences (24 packs): the earlier one contributes.
    const floor = await buildUsageMonth(store, '2026-11', { minCoresPerServer: 16 });
    const floored = floor.hosts.find((host) => host.name === 'HV03');
    expect(floored?.configurations?.map((c) => [c.twoCorePacks, c.quantity, c.superseded])).toEqual([
      [24, 24, false],
      [24, 0, true],
    ]);
    expect(floored).toMatchObject({ coreLicenses: 48, twoCorePacks: 24 });
  });

  it('produces the full month report: every host, VMs that ran, tenant totals', async () => {
    const report = await buildUsageMonth(store, '2026-11');
    expect(report.month).toBe('2026-11');
    expect(
      report.hosts.map((h) => [h.name, h.coreLicenses, h.twoCorePacks, h.distinctVms, h.avmaGuests]),
    ).toEqual([
      ['HV01', 32, 16, 2, 2],
      ['HV02', 32, 16, 1, 1],
      ['HV03', 30, 15, 5, 4],
      ['HV04', 32, 16, 1, 0],
    ]);
    expect(report.vms.map((vm) => vm.name)).toEqual(['a', 'app01', 'b', 'c', 'd', 'e', 'tmp01', 'web01']);
    // Hours: contoso 720 + 359, fabrikam 696 (not AVMA), tailspin a 720, b 120, c 288, d 720 (Linux), e 504.
    expect(report.tenants).toEqual([
      { tenant: 'contoso', vms: 2, windowsServerVms: 2, avmaActivatedVms: 2, ...unsized(1079, 1079, 1079) },
      { tenant: 'fabrikam', vms: 1, windowsServerVms: 1, avmaActivatedVms: 0, ...unsized(696, 696, 0) },
      { tenant: 'tailspin', vms: 5, windowsServerVms: 4, avmaActivatedVms: 4, ...unsized(2352, 1632, 1632) },
    ]);
  });

  it("filters by tenant: only that tenant's VMs, the hosts they ran on, counted for that tenant", async () => {
    const report = await buildUsageMonth(store, '2026-11', { tenant: 'contoso' });
    expect(report.vms.map((vm) => vm.name)).toEqual(['tmp01', 'web01']);
    expect(report.hosts.map((h) => [h.name, h.distinctVms, h.peakConcurrentWindowsServerVms])).toEqual([
      ['HV01', 2, 2],
      ['HV02', 1, 1],
    ]);
    expect(report.tenants.map((t) => t.tenant)).toEqual(['contoso']);
    expect((await buildUsageMonth(store, '2026-11', { tenant: 'nobody' })).hosts).toEqual([]);
  });

  it('states per host the hours of the month it was observed, so a gap is visible', async () => {
    const report = await buildUsageMonth(store, '2026-11');
    // HV01 had no VM after the 15th but was swept all month; HV04 did not answer on the 10th.
    expect(report.hosts.map((h) => [h.name, h.monthHours, h.observedHours])).toEqual([
      ['HV01', 720, 720],
      ['HV02', 720, 720],
      ['HV03', 720, 720],
      ['HV04', 720, 696],
    ]);
  });

  it('reports a month without activity as a zero report', async () => {
    const report = await buildUsageMonth(store, '2026-09');
    expect(report).toMatchObject({ month: '2026-09', hosts: [], vms: [], tenants: [] });
    expect(report.reseller).toEqual([
      { period: '2026-09-30', product: 'Windows Server Datacenter', sku: null, quantity: 0 },
      { period: '2026-09-30', product: 'Windows Server Standard', sku: null, quantity: 0 },
    ]);
  });

  it('splits a run across months at midnight UTC', async () => {
    const other = await openStore(dir.file('boundary.db'), { staleAfterMs: 2 * 3_600_000 });
    await simulate(other, {
      hosts: [{ name: 'HV01' }],
      vms: [steadyVm(1, 'web01', 'contoso', 'HV01')],
      fromMs: Date.parse('2026-10-31T12:00:00Z'),
      toMs: Date.parse('2026-11-01T12:00:00Z'),
    });
    const october = await buildUsageMonth(other, '2026-10');
    const november = await buildUsageMonth(other, '2026-11');
    await other.close();
    expect(october.vms[0]?.hosts).toEqual([{ name: 'HV01', hours: 12 }]);
    expect(november.vms[0]?.hosts).toEqual([{ name: 'HV01', hours: 12 }]);
  });

  it('does not carry a run that ended exactly at midnight into the next month', async () => {
    // The last sweep, 2026-12-01T00:00Z, ends November's intervals; nothing ran in December yet.
    const december = await buildUsageMonth(store, '2026-12');
    expect(december.vms).toEqual([]);
    expect(day(30)).toBe(Date.parse('2026-12-01T00:00:00Z'));
  });

  it.each([
    ['a month that is not YYYY-MM', '2026-11-01', {}, 'month is "2026-11-01", expected YYYY-MM'],
    ['a time zone other than UTC', '2026-11', { timeZone: 'Europe/Berlin' }, 'timeZone is "Europe/Berlin"'],
    [
      'a per-server minimum other than 0 or 16',
      '2026-11',
      { minCoresPerServer: 8 },
      'minCoresPerServer is 8',
    ],
  ])('rejects %s', async (_what, month, options, message) => {
    const error = await buildUsageMonth(store, month, options as never).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).message).toContain(message);
  });
});
