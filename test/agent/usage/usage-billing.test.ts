import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportUsageCommand } from '../../../agent/cli/commands/store-commands.js';
import { dispatch } from '../../../agent/cli/run-cli.js';
import { openStore, type Store } from '../../../agent/store/index.js';
import { buildUsageMonth, USAGE_MONTH_SCHEMA } from '../../../agent/usage/index.js';
import { type TempDir, tempDir } from '../store/store-test-kit.js';
import { HOUR, NOV, type Simulation, simulate, vmGuid } from './usage-test-kit.js';

const GIB = 2 ** 30;
const h = (hours: number) => NOV + hours * HOUR;
const OFF = { state: 'Off', memoryAssignedBytes: null } as const;
const LINUX = {
  os: 'linux',
  version: null,
  edition: null,
  licenseStatus: 'unknown',
  channel: 'unknown',
} as const;

/**
 * November 1st 2026, hourly sweeps, sizes as the host's listing reports them:
 * - x (contoso) on HV01: 2 vCPUs / 4 GB for 10 h, resized to 4 vCPUs / 8 GB for 5 h, then Off.
 *   VM-hours 15, vCPU-hours 2·10 + 4·5 = 40, peak 4, GB-hours 4·10 + 8·5 = 80.
 * - y (contoso): 2 vCPUs / 2 GB, HV01 for 5 h, live-migrates to HV02 for 7 h, then Off.
 *   VM-hours 12 (once, not per host), vCPU-hours 24, GB-hours 24.
 *   contoso's peak: x 4 + y 2 between 10 h and 12 h = 6 (x's 2 ends as its 4 starts: not 8).
 * - z (fabrikam): 1 vCPU, AVMA-licensed on the host's evidence (12310), 8 h: 8 AVMA-activated hours.
 * - w (fabrikam): 2 vCPUs, claims AVMA activation with no host evidence, 8 h: 0 AVMA hours.
 * - u (fabrikam): Linux, no processor count or memory known (as rows from before migration 4), 5 h.
 *   fabrikam: VM-hours 21, vCPU-hours 8 + 16 = 24, unknown 5, peak 1 + 2 = 3, Windows Server 16.
 */
const SIM: Simulation = {
  hosts: [{ name: 'HV01' }, { name: 'HV02' }],
  vms: [
    {
      n: 1,
      name: 'x',
      tenant: 'contoso',
      phases: [
        { fromMs: 0, host: 'HV01', guest: { processorCount: 2, memoryAssignedBytes: 4 * GIB } },
        { fromMs: h(10), host: 'HV01', guest: { processorCount: 4, memoryAssignedBytes: 8 * GIB } },
        { fromMs: h(15), host: 'HV01', guest: { ...OFF, processorCount: 4 } },
      ],
    },
    {
      n: 2,
      name: 'y',
      tenant: 'contoso',
      phases: [
        { fromMs: 0, host: 'HV01', guest: { processorCount: 2, memoryAssignedBytes: 2 * GIB } },
        { fromMs: h(5), host: 'HV02', guest: { processorCount: 2, memoryAssignedBytes: 2 * GIB } },
        { fromMs: h(12), host: 'HV02', guest: { ...OFF, processorCount: 2 } },
      ],
    },
    {
      n: 3,
      name: 'z',
      tenant: 'fabrikam',
      phases: [
        { fromMs: 0, host: 'HV02', guest: { processorCount: 1, evidence: 'host' } },
        { fromMs: h(8), host: 'HV02', guest: { ...OFF, processorCount: 1, evidence: 'host' } },
      ],
    },
    {
      n: 4,
      name: 'w',
      tenant: 'fabrikam',
      phases: [
        { fromMs: 0, host: 'HV02', guest: { processorCount: 2, evidence: 'guest' } },
        { fromMs: h(8), host: 'HV02', guest: { ...OFF, processorCount: 2, evidence: 'guest' } },
      ],
    },
    {
      n: 5,
      name: 'u',
      tenant: 'fabrikam',
      phases: [
        { fromMs: 0, host: 'HV02', guest: LINUX },
        { fromMs: h(5), host: 'HV02', guest: { ...LINUX, ...OFF } },
      ],
    },
  ],
  toMs: h(24),
};

async function avma(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await dispatch(args, [exportUsageCommand], {
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
    readStdin: async () => '',
  });
  return { code, stdout, stderr };
}

describe('agent/usage/usage-billing', () => {
  let dir: TempDir;
  let store: Store;
  beforeAll(async () => {
    dir = await tempDir();
    store = await openStore(dir.file('avma.sqlite'), { staleAfterMs: 2 * HOUR });
    await simulate(store, SIM);
  });
  afterAll(async () => {
    await store.close();
    await dir.remove();
  });

  it('bills each VM from its size intervals: a resize mid-run, a migration counted once', async () => {
    const report = await buildUsageMonth(store, '2026-11');
    const row = (name: string) => report.vms.find((vm) => vm.name === name);
    expect(row('x')).toMatchObject({
      hosts: [{ name: 'HV01', hours: 15 }],
      vmHours: 15,
      vcpuHours: 40,
      unknownVcpuHours: 0,
      peakVcpus: 4,
      windowsServerVmHours: 15,
      avmaActivatedVmHours: 15,
      memoryGbHours: 80,
      unknownMemoryHours: 0,
    });
    expect(row('y')).toMatchObject({
      hosts: [
        { name: 'HV01', hours: 5 },
        { name: 'HV02', hours: 7 },
      ],
      vmHours: 12,
      vcpuHours: 24,
      peakVcpus: 2,
      memoryGbHours: 24,
    });
  });

  it('counts AVMA hours on host evidence only, and unknown vCPU hours apart, never guessed', async () => {
    const report = await buildUsageMonth(store, '2026-11');
    const figures = (name: string) => {
      const vm = report.vms.find((candidate) => candidate.name === name);
      return [vm?.vmHours, vm?.avmaActivatedVmHours, vm?.vcpuHours, vm?.unknownVcpuHours, vm?.peakVcpus];
    };
    expect(figures('z')).toEqual([8, 8, 8, 0, 1]);
    expect(figures('w')).toEqual([8, 0, 16, 0, 2]);
    expect(figures('u')).toEqual([5, 0, 0, 5, null]);
    expect(report.vms.find((vm) => vm.name === 'u')).toMatchObject({
      windowsServerVmHours: 0,
      memoryGbHours: 0,
      unknownMemoryHours: 5,
    });
  });

  it('totals each tenant as the sum of its VM rows, with its peak of vCPUs running at once', async () => {
    const report = await buildUsageMonth(store, '2026-11');
    expect(report.tenants).toEqual([
      {
        tenant: 'contoso',
        vms: 2,
        windowsServerVms: 2,
        avmaActivatedVms: 2,
        vmHours: 27,
        vcpuHours: 64,
        unknownVcpuHours: 0,
        peakVcpus: 6,
        windowsServerVmHours: 27,
        avmaActivatedVmHours: 27,
        memoryGbHours: 104,
        unknownMemoryHours: 0,
      },
      {
        tenant: 'fabrikam',
        vms: 3,
        windowsServerVms: 2,
        avmaActivatedVms: 1,
        vmHours: 21,
        vcpuHours: 24,
        unknownVcpuHours: 5,
        peakVcpus: 3,
        windowsServerVmHours: 16,
        avmaActivatedVmHours: 8,
        memoryGbHours: 0,
        unknownMemoryHours: 21,
      },
    ]);
    expect(USAGE_MONTH_SCHEMA.safeParse(JSON.parse(JSON.stringify(report))).success).toBe(true);
  });

  it('exports the figures through `avma export usage` as JSON and as the billing and tenants CSV', async () => {
    const db = dir.file('avma.sqlite');
    const json = await avma(['export', 'usage', '--db', db, '--month', '2026-11', '--format', 'json']);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout).tenants[0]).toMatchObject({
      tenant: 'contoso',
      vcpuHours: 64,
      peakVcpus: 6,
    });
    const billing = await avma([
      'export',
      'usage',
      '--db',
      db,
      '--month',
      '2026-11',
      '--format',
      'csv',
      '--table',
      'billing',
    ]);
    expect(billing.stdout.split('\r\n').slice(0, 3)).toEqual([
      '\uFEFFid,name,tenant,vmHours,vcpuHours,unknownVcpuHours,peakVcpus,windowsServerVmHours,avmaActivatedVmHours,memoryGbHours,unknownMemoryHours',
      `${vmGuid(5)},u,fabrikam,5,0,5,,0,0,0,5`,
      `${vmGuid(4)},w,fabrikam,8,16,0,2,8,0,0,8`,
    ]);
    const tenants = await avma([
      'export',
      'usage',
      '--db',
      db,
      '--month',
      '2026-11',
      '--format',
      'csv',
      '--table',
      'tenants',
      '--tenant',
      'contoso',
    ]);
    expect(tenants.stdout).toBe(
      '\uFEFFtenant,vms,windowsServerVms,avmaActivatedVms,vmHours,vcpuHours,unknownVcpuHours,peakVcpus,windowsServerVmHours,avmaActivatedVmHours,memoryGbHours,unknownMemoryHours\r\n' +
        'contoso,2,2,2,27,64,0,6,27,27,104,0\r\n',
    );
  });
});
