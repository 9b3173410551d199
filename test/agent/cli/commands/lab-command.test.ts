import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CliIo } from '../../../../agent/cli/command.js';
import { labRunCommand } from '../../../../agent/cli/commands/lab-command.js';
import { dispatch } from '../../../../agent/cli/run-cli.js';
import type { LabRunReport } from '../../../../agent/lab/lab-report.js';
import { dumpDatabase, firstDifference } from '../../../e2e/db-dump.js';

/** Runs `avma ARGS` with only the lab command registered (the lead wires it into the full CLI). */
async function avma(args: readonly string[]) {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
    readStdin: async () => '',
  };
  const code = await dispatch(args, [labRunCommand], io);
  return { code, stdout, stderr };
}

async function scenarioFile(content: unknown): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'lab-command-'));
  const path = join(dir, 'scenario.json');
  await writeFile(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

const SMALL = {
  start: '2026-11-01T00:00:00Z',
  hosts: [{ name: 'HV01', version: '2022', edition: 'datacenter', sockets: 2, coresPerSocket: 8 }],
  vms: [
    {
      name: 'web01',
      host: 'HV01',
      guestAgent: true,
      guest: {
        os: 'windows-server',
        version: '2019',
        edition: 'standard',
        key: 'avma',
        licenseStatus: 'licensed',
      },
    },
  ],
  events: [{ at: '2026-11-02T00:00:00Z', type: 'deactivate-host', host: 'HV01' }],
};

function oneLineError(run: { code: number; stdout: string; stderr: string }): string {
  expect(run.code).toBe(2);
  expect(run.stdout).toBe('');
  expect(run.stderr).toMatch(/^[^\n]+\n$/);
  return run.stderr.trim();
}

describe('agent/cli/commands/lab-command', () => {
  it('runs the default scenario for a month and prints the same report for the same seed', async () => {
    const first = await avma(['lab', 'run', '--days', '30', '--seed', '5']);
    const second = await avma(['lab', 'run', '--days', '30', '--seed', '5']);
    expect(first.code).toBe(0);
    expect(second.stdout).toBe(first.stdout);
    expect(first.stdout).toMatch(
      /^Lab run of the default scenario, seed 5: 2026-11-01T00:00:00.000Z .. 2026-12-01T00:00:00.000Z\n/,
    );
    expect(first.stdout).toContain('live migration from HV01 to HV02');
  }, 60_000);

  it('prints a JSON report with every VM, the AVMA outcome counts and the timeline', async () => {
    const run = await avma([
      'lab',
      'run',
      '--scenario',
      await scenarioFile(SMALL),
      '--until',
      '2026-11-10T00:00:00Z',
      '--json',
    ]);
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as LabRunReport;
    expect(report.to).toBe('2026-11-10T00:00:00.000Z');
    expect(report.vms.map((vm) => [vm.name, vm.licenseStatus, vm.channel])).toEqual([
      ['web01', 'oot-grace', 'avma'],
    ]);
    expect(report.vms[0]?.avma['avma-success']).toBe(1);
    expect(report.vms[0]?.avma['invalid-host']).toBeGreaterThan(50);
    expect(report.hosts[0]).toMatchObject({
      name: 'HV01',
      activated: false,
      events12310: report.vms[0]?.events12309,
    });
    expect(report.timeline).toEqual([
      expect.objectContaining({ type: 'deactivate-host', outcome: 'applied' }),
    ]);
  });

  it('gives other GUIDs for another seed', async () => {
    const path = await scenarioFile(SMALL);
    const ids = async (seed: string) => {
      const run = await avma(['lab', 'run', '--scenario', path, '--days', '1', '--seed', seed, '--json']);
      return (JSON.parse(run.stdout) as LabRunReport).vms.map((vm) => vm.id);
    };
    expect(await ids('1')).toEqual(await ids('1'));
    expect(await ids('2')).not.toEqual(await ids('1'));
  });

  it('refuses an invalid scenario in one line that names the file and the path', async () => {
    const path = await scenarioFile({ ...SMALL, vms: [{ ...SMALL.vms[0], host: 'HV9' }] });
    const message = oneLineError(await avma(['lab', 'run', '--scenario', path, '--days', '1']));
    expect(message).toBe(`avma lab run: ${path}: vms[0].host: unknown host "HV9", expected one of HV01`);
  });

  it('requires exactly one of --days and --until, and an --until after the start', async () => {
    expect(oneLineError(await avma(['lab', 'run']))).toContain('missing --days N or --until ISO');
    expect(
      oneLineError(await avma(['lab', 'run', '--days', '1', '--until', '2026-12-01T00:00:00Z'])),
    ).toContain('--days and --until contradict each other');
    expect(oneLineError(await avma(['lab', 'run', '--until', '2026-10-01T00:00:00Z']))).toContain(
      'is before the scenario start 2026-11-01T00:00:00.000Z',
    );
    expect(oneLineError(await avma(['lab', 'run', '--days', '0']))).toContain(
      '--days is 0, out of range: expected a whole number from 1',
    );
  });

  it('with --db, runs the agent’s sweep with the lab and prints its summary after the lab report', async () => {
    const db = join(await mkdtemp(join(tmpdir(), 'lab-db-')), 'avma.sqlite');
    const run = await avma([
      'lab',
      'run',
      '--scenario',
      await scenarioFile(SMALL),
      '--days',
      '3',
      '--db',
      db,
    ]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`Agent: 73 sweeps every 60 simulated minutes, recorded in ${db}`);
    const json = await avma([
      'lab',
      'run',
      '--scenario',
      await scenarioFile(SMALL),
      '--days',
      '3',
      '--db',
      `${db}.2`,
      '--json',
      '--sweep-interval',
      '120',
    ]);
    const report = JSON.parse(json.stdout) as LabRunReport & {
      agent: { rounds: number; vms: { total: number } };
    };
    expect(report.agent).toMatchObject({
      rounds: 37,
      sweepIntervalMinutes: 120,
      resumedFrom: null,
      vms: { total: 1 },
    });
    expect(report.hosts[0]?.name).toBe('HV01');
  });

  it('records the same database for the same scenario and seed, and resumes a run stopped part-way', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lab-same-'));
    const path = await scenarioFile(SMALL);
    const args = (db: string, days: string) => [
      'lab',
      'run',
      '--scenario',
      path,
      '--days',
      days,
      '--seed',
      '4',
      '--db',
      join(dir, db),
    ];
    await avma(args('a.sqlite', '3'));
    await avma(args('b.sqlite', '1'));
    const resumed = await avma(args('b.sqlite', '3'));
    expect(resumed.stdout).toContain('(resumed from the sweep of 2026-11-02T00:00:00.000Z)');
    expect(
      firstDifference(await dumpDatabase(join(dir, 'a.sqlite')), await dumpDatabase(join(dir, 'b.sqlite'))),
    ).toBeNull();
    await avma(args('c.sqlite', '3'));
    const fresh = await dumpDatabase(join(dir, 'c.sqlite'));
    expect(firstDifference(await dumpDatabase(join(dir, 'a.sqlite')), fresh)).toBeNull();
    expect(fresh.events?.length).toBeGreaterThan(10);
  });

  it('refuses a database another seed or sweep interval wrote, in one line', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lab-other-'));
    const path = await scenarioFile(SMALL);
    await avma(['lab', 'run', '--scenario', path, '--days', '1', '--db', join(dir, 'x.sqlite')]);
    const seed = oneLineError(
      await avma([
        'lab',
        'run',
        '--scenario',
        path,
        '--days',
        '2',
        '--seed',
        '9',
        '--db',
        join(dir, 'x.sqlite'),
      ]),
    );
    expect(seed).toMatch(
      /the database holds another lab run \(other scenario, seed or sweep interval\); use a new --db file$/,
    );
    const grid = oneLineError(
      await avma([
        'lab',
        'run',
        '--scenario',
        path,
        '--days',
        '2',
        '--sweep-interval',
        '7',
        '--db',
        join(dir, 'x.sqlite'),
      ]),
    );
    expect(grid).toContain('is not on a 7-minute grid from the scenario start');
  });

  it('refuses --sweep-interval without --db instead of pretending to sweep', async () => {
    expect(oneLineError(await avma(['lab', 'run', '--days', '1', '--sweep-interval', '15']))).toContain(
      '--sweep-interval needs --db',
    );
  });
});
