/**
 * `avma export usage --config FILE` end to end on a real SQLite file: the SPLA rules come from the
 * configuration's `spla` section, are recorded in the report, and a bad setting is one line, exit 2.
 * November 2026, swept every 6 hours: DC1 (Datacenter 2 x 12) runs vm1; ST1 (Standard 2 x 8) runs
 * vm2-vm4 together all month.
 */
import { writeFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportUsageCommand } from '../../../../agent/cli/commands/store-commands.js';
import { dispatch } from '../../../../agent/cli/run-cli.js';
import { openStore } from '../../../../agent/store/index.js';
import { HOST_FACTS, type TempDir, tempDir } from '../../store/store-test-kit.js';
import { simulate, steadyVm } from '../../usage/usage-test-kit.js';

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

async function avma(args: readonly string[]): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const io = {
    stdout: (text: string) => {
      stdout += text;
    },
    stderr: (text: string) => {
      stderr += text;
    },
    readStdin: async () => '',
  };
  const code = await dispatch(args, [exportUsageCommand], io);
  return { code, stdout, stderr };
}

const SKUS = { 'Windows Server Datacenter': 'DC-0001', 'Windows Server Standard': 'STD-0001' };

describe('agent/cli/commands/store-commands: avma export usage --config', () => {
  let dir: TempDir;
  const config = async (name: string, spla: unknown) => {
    // db relative to the configuration file, as `avma run` reads it.
    await writeFile(dir.file(name), JSON.stringify({ db: 'avma.db', spla }));
    return dir.file(name);
  };
  beforeAll(async () => {
    dir = await tempDir();
    const store = await openStore(dir.file('avma.db'), { staleAfterMs: 12 * 3_600_000 });
    await simulate(store, {
      hosts: [
        { name: 'DC1', facts: { ...HOST_FACTS, coresPerSocket: [12, 12] } },
        { name: 'ST1', facts: { ...HOST_FACTS, edition: 'standard', coresPerSocket: [8, 8] } },
      ],
      vms: [1, 2, 3, 4].map((n) => steadyVm(n, `vm${n}`, 'contoso', n === 1 ? 'DC1' : 'ST1')),
      stepMinutes: 360,
    });
    await store.close();
  });
  afterAll(async () => {
    await dir.remove();
  });

  it('reports by the configured rules, records them, and fills the reseller table with the SKUs', async () => {
    // DC1: 2 x 12 = 24 licences = 12 packs. ST1: 3 VMs, 1 per set: 3 x 16 = 48 licences = 24 packs.
    const file = await config('spla.json', { skus: SKUS });
    const run = await avma(['export', 'usage', '--config', file, '--month', '2026-11', '--format', 'json']);
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout);
    expect(report.settings).toMatchObject({ standardVmsPerLicenceSet: 1, skus: SKUS });
    expect(report.reseller).toEqual([
      { period: '2026-11-30', product: 'Windows Server Datacenter', sku: 'DC-0001', quantity: 12 },
      { period: '2026-11-30', product: 'Windows Server Standard', sku: 'STD-0001', quantity: 24 },
    ]);
    expect(report.warnings).toEqual([]);
    const csv = await avma([
      'export',
      'usage',
      '--config',
      file,
      '--month',
      '2026-11',
      '--format',
      'csv',
      '--table',
      'reseller',
      '--no-bom',
    ]);
    expect(csv.stdout).toBe(
      'period,product,sku,quantity\r\n' +
        '2026-11-30,Windows Server Datacenter,DC-0001,12\r\n' +
        '2026-11-30,Windows Server Standard,STD-0001,24\r\n',
    );
  });

  it('applies the Volume Licensing reading and the 16-core floor when configured, the flag over the file', async () => {
    // Two VMs per set: ceil(3 / 2) = 2 sets x 16 = 32 licences = 16 packs.
    const file = await config('vl.json', { standardVmsPerLicenceSet: 2, minCoresPerServer: 16 });
    const vl = JSON.parse(
      (await avma(['export', 'usage', '--config', file, '--month', '2026-11', '--format', 'json'])).stdout,
    );
    expect(vl.reseller.map((r: { quantity: number }) => r.quantity)).toEqual([12, 16]);
    expect(vl.settings).toMatchObject({ standardVmsPerLicenceSet: 2, minCoresPerServer: 16 });
    const flag = await avma([
      'export',
      'usage',
      '--config',
      file,
      '--db',
      dir.file('avma.db'),
      '--month',
      '2026-11',
      '--format',
      'json',
      '--min-cores-per-server',
      '0',
    ]);
    expect(JSON.parse(flag.stdout).settings.minCoresPerServer).toBe(0);
  });

  it('prints a zero report for a month without usage', async () => {
    const file = await config('spla.json', { skus: SKUS });
    const run = await avma([
      'export',
      'usage',
      '--config',
      file,
      '--month',
      '2026-09',
      '--format',
      'csv',
      '--table',
      'reseller',
      '--no-bom',
    ]);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(
      'period,product,sku,quantity\r\n' +
        '2026-09-30,Windows Server Datacenter,DC-0001,0\r\n' +
        '2026-09-30,Windows Server Standard,STD-0001,0\r\n',
    );
    expect(run.stderr).toBe(
      'avma export usage: no VM ran in 2026-09 in this database; the report is a zero report\n',
    );
  });

  it('refuses a bad setting in one line naming it (exit 2), printing nothing', async () => {
    const file = await config('bad.json', { standardVmsPerLicenceSet: 3 });
    const run = await avma(['export', 'usage', '--config', file, '--month', '2026-11', '--format', 'json']);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/^[^\n]*bad\.json: spla\.standardVmsPerLicenceSet: expected 1 or 2\n$/);
  });
});
