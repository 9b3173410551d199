import { existsSync } from 'node:fs';
import { mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCommand, sweepCommand } from '../../../../agent/cli/commands/run-commands.js';
import { dispatch } from '../../../../agent/cli/run-cli.js';
import { openStore } from '../../../../agent/store/index.js';
import type { SweepReport } from '../../../../agent/sweep/sweep-report.js';

async function avma(args: readonly string[]) {
  let stdout = '';
  let stderr = '';
  const code = await dispatch(args, [runCommand, sweepCommand], {
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

function oneLineError(run: { code: number; stdout: string; stderr: string }): string {
  expect(run.code).toBe(2);
  expect(run.stdout).toBe('');
  expect(run.stderr).toMatch(/^[^\n]+\n$/);
  return run.stderr.trim();
}

async function tempDb(): Promise<string> {
  return join(await mkdtemp(join(tmpdir(), 'run-commands-')), 'avma.sqlite');
}

describe('agent/cli/commands/run-commands', () => {
  it('avma sweep: one pass over the default lab, a line per host on stderr, the summary as JSON on stdout', async () => {
    const db = await tempDb();
    const run = await avma(['sweep', '--db', db]);
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as SweepReport;
    expect(report.at).toBe('2026-11-01T00:00:00.000Z');
    expect(report.hosts.map((host) => host.host)).toEqual(['HV01', 'HV02', 'HV03', 'HV04', 'HV05', 'HV06']);
    expect(report.totals).toMatchObject({ hosts: 6, stale: 0, notRecorded: 0, vms: 31 });
    expect(report.totals.pushed).toBeGreaterThan(0);
    // Durations are microsecond-rounded: no 31.36557799999997 in the JSON.
    const durations = [...run.stdout.matchAll(/"durationMs": ([0-9.e-]+)/g)].map((m) => m[1] ?? '');
    expect(durations.length).toBeGreaterThan(6);
    for (const text of durations) expect(text).toMatch(/^\d+(\.\d{1,3})?$/);
    expect(
      run.stderr
        .split('\n')
        .filter(Boolean)
        .map((line) => line.slice(0, 12)),
    ).toEqual([
      '[1/6] HV01: ',
      '[2/6] HV02: ',
      '[3/6] HV03: ',
      '[4/6] HV04: ',
      '[5/6] HV05: ',
      '[6/6] HV06: ',
    ]);
    const again = JSON.parse((await avma(['sweep', '--db', db])).stdout) as SweepReport;
    expect(again.at).toBe('2026-11-01T00:01:00.000Z');
    expect(again.totals.pushed).toBe(0);
  });

  it('avma sweep --host sweeps only the hosts named', async () => {
    const report = JSON.parse(
      (await avma(['sweep', '--db', await tempDb(), '--host', 'HV03', '--host', 'hv05'])).stdout,
    ) as SweepReport;
    expect(report.hosts.map((host) => host.host)).toEqual(['HV03', 'HV05']);
  });

  it('avma run --once: says where things are and what to run next, sweeps once, stops', async () => {
    const db = await tempDb();
    const run = await avma(['run', '--once', '--db', db]);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('');
    const lines = run.stderr.split('\n');
    expect(lines[0]).toBe(`avma run: lab driver, the bundled scenario (6 hosts, 31 VMs), database ${db}`);
    expect(run.stderr).toContain(
      'lab clock: from 2026-11-01T00:00:00.000Z (the scenario start) at 60x; a sweep every 60 s of lab time',
    );
    expect(run.stderr).toContain(`npx avma status --db ${db}`);
    expect(run.stderr).toContain(`npx avma export usage --db ${db} --month 2026-11 --format csv`);
    expect(lines.filter((line) => /^\[2026-11-01T00:00:00\.000Z\] HV0\d: /.test(line))).toHaveLength(6);
    expect(run.stderr).toContain('avma run: stopped after 1 sweeps (0 not fully recorded)');
  });

  it('avma run continues a lab database from its last sweep', async () => {
    const db = await tempDb();
    await avma(['run', '--once', '--db', db]);
    const run = await avma(['run', '--once', '--db', db]);
    expect(run.stderr).toContain(
      'lab clock: from 2026-11-01T00:01:00.000Z (one interval after the last sweep in the database)',
    );
    const third = await avma(['run', '--once', '--db', db, '--interval', '300']);
    expect(third.stderr).toContain('[2026-11-01T00:06:00.000Z] HV01: ');
  });

  it('takes settings from --config, with flags winning', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'run-config-'));
    await writeFile(
      join(dir, 'agent.json'),
      JSON.stringify({ db: 'from-config.sqlite', hosts: ['HV02'], interval: 120 }),
    );
    const run = await avma(['sweep', '--config', join(dir, 'agent.json')]);
    expect((JSON.parse(run.stdout) as SweepReport).hosts.map((host) => host.host)).toEqual(['HV02']);
    const store = await openStore(join(dir, 'from-config.sqlite'), { readOnly: true });
    expect((await store.listVmStatus()).length).toBe(3);
    await store.close();
    const flags = await avma([
      'sweep',
      '--config',
      join(dir, 'agent.json'),
      '--host',
      'HV04',
      '--db',
      join(dir, 'flag.sqlite'),
    ]);
    expect((JSON.parse(flags.stdout) as SweepReport).hosts.map((host) => host.host)).toEqual(['HV04']);
  });

  it('applies the configuration’s opt-outs as soon as the database knows the VM, audited as config', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'run-optout-'));
    await writeFile(
      join(dir, 'agent.json'),
      JSON.stringify({ db: 'a.sqlite', optOuts: [{ vm: 'web02', reason: 'own licence' }] }),
    );
    const first = await avma(['sweep', '--config', join(dir, 'agent.json')]);
    expect(first.stderr.split('\n')[0]).toBe('config opt-out "web02": no single VM of that name or id yet');
    await avma(['sweep', '--config', join(dir, 'agent.json')]);
    const store = await openStore(join(dir, 'a.sqlite'), { readOnly: true });
    const web02 = (await store.listVmStatus()).find((vm) => vm.name === 'web02');
    expect(web02).toMatchObject({ optedOut: true, reasons: ['OPTED_OUT'] });
    expect((await store.listAudit({ actions: ['opt-out'] })).map((row) => [row.actor, row.reason])).toEqual([
      ['config', 'own licence'],
    ]);
    await store.close();
  });

  it.each([
    [['run', '--port', '8080'], /Unknown option '--port'/],
    [['run', '--dry-run'], /--dry-run applies to the powershell driver/],
    [['run', '--driver', 'vmware'], /--driver is "vmware", expected lab or powershell/],
    [['run', '--interval', '0'], /--interval is 0, out of range: expected a whole number from 1 to 86400/],
    [['run', '--driver', 'powershell', '--scenario', 'x.json'], /--scenario applies to the lab driver/],
    [['run', '--db', '/nonexistent-avma-dir/x.sqlite'], /directory \/nonexistent-avma-dir does not exist/],
    [['sweep', '--host', 'HV99', '--db', 'IGNORED'], /unknown lab host "HV99", expected one of HV01, HV02/],
  ])('refuses %j in one line', async (args, message) => {
    const db = await tempDb();
    const withDb = args.includes('--db') ? args : [...args, '--db', db];
    expect(oneLineError(await avma(withDb.map((arg) => (arg === 'IGNORED' ? db : arg))))).toMatch(message);
  });

  it('refuses a configuration with an unknown field or a bad value, naming the path', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'run-config-'));
    await writeFile(
      join(dir, 'a.json'),
      JSON.stringify({ interval: 60, tenants: [{ prefix: 'c-', tenant: 'contoso', colour: 'red' }] }),
    );
    expect(oneLineError(await avma(['run', '--config', join(dir, 'a.json')]))).toMatch(
      /a\.json: tenants\[0\]/,
    );
    await writeFile(join(dir, 'b.json'), '{"interval": "soon"}');
    expect(oneLineError(await avma(['run', '--config', join(dir, 'b.json')]))).toMatch(/b\.json: interval: /);
    await writeFile(join(dir, 'c.json'), '{interval: 60}');
    expect(oneLineError(await avma(['run', '--config', join(dir, 'c.json')]))).toContain(
      'c.json: not valid JSON',
    );
  });

  it('refuses a file that is not an avma database and leaves it unchanged', async () => {
    const db = await tempDb();
    await writeFile(db, 'not a database at all, just text');
    expect(oneLineError(await avma(['run', '--once', '--db', db]))).toMatch(
      /is not an SQLite database .* refusing to open it, the file was not changed/,
    );
    expect(await readFile(db, 'utf8')).toBe('not a database at all, just text');
  });

  it.each([
    ['run', ['--once', '--scenario', 'GARBAGE']],
    ['sweep', ['--scenario', 'GARBAGE']],
    ['run', ['--once', '--config', 'CONFIG']],
    ['sweep', ['--config', 'CONFIG']],
    ['sweep', ['--driver', 'powershell', '--host', 'bad host!']],
  ])('avma %s %j: refused input creates no database', async (command, args) => {
    const dir = await mkdtemp(join(tmpdir(), 'run-no-db-'));
    await writeFile(join(dir, 'garbage.json'), '{"garbage": 1}');
    await writeFile(join(dir, 'config.json'), '{"interval": 60, "colour": "red"}');
    const db = join(dir, 'x.sqlite');
    const files = { GARBAGE: join(dir, 'garbage.json'), CONFIG: join(dir, 'config.json') };
    const named = args.map((arg) => files[arg as keyof typeof files] ?? arg);
    oneLineError(await avma([command, ...named, '--db', db]));
    expect(existsSync(db)).toBe(false);
    expect(existsSync(`${db}-wal`)).toBe(false);
  });

  it('a refused start leaves an existing database exactly as it was', async () => {
    const db = await tempDb();
    expect((await avma(['sweep', '--db', db])).code).toBe(0);
    const before = await stat(db);
    oneLineError(await avma(['sweep', '--scenario', join(db, '..', 'missing.json'), '--db', db]));
    expect((await stat(db)).size).toBe(before.size);
    const store = await openStore(db, { readOnly: true });
    try {
      expect((await store.listVmStatus()).length).toBe(31);
    } finally {
      await store.close();
    }
  });

  /** Two lab hosts at the scenario start; `down` of them answer no driver call from the start. */
  async function labWithHostsDown(down: readonly string[]): Promise<{ scenario: string; db: string }> {
    const db = await tempDb();
    const scenario = join(db, '..', 'two-hosts.json');
    const start = '2026-11-01T00:00:00Z';
    const host = (name: string) => ({
      name,
      version: '2022',
      edition: 'datacenter',
      sockets: 1,
      coresPerSocket: 8,
    });
    await writeFile(
      scenario,
      JSON.stringify({
        start,
        hosts: [host('HV01'), host('HV02')],
        vms: [],
        events: down.map((name) => ({ at: start, type: 'host-down', host: name })),
      }),
    );
    return { scenario, db };
  }

  it('avma sweep where some hosts failed: exit 0, one stderr line names the failed host and why', async () => {
    const { scenario, db } = await labWithHostsDown(['HV02']);
    const run = await avma(['sweep', '--scenario', scenario, '--db', db]);
    expect(run.code).toBe(0);
    const summary = run.stderr.split('\n').filter((line) => line.startsWith('avma sweep:'));
    expect(summary).toHaveLength(1);
    expect(summary[0]).toMatch(/^avma sweep: 1 of 2 hosts failed, the others were swept: HV02 \(.+\)$/);
  });

  it('avma sweep and avma run --once where every host failed: exit 1 with a one-line summary', async () => {
    const { scenario, db } = await labWithHostsDown(['HV01', 'HV02']);
    const sweep = await avma(['sweep', '--scenario', scenario, '--db', db]);
    expect(sweep.code).toBe(1);
    expect(sweep.stderr).toMatch(/\navma sweep: every host failed \(2 of 2\): HV01 \(.+\); HV02 \(.+\)\n$/);
    const once = await avma(['run', '--once', '--scenario', scenario, '--db', db]);
    expect(once.code).toBe(1);
    expect(once.stderr).toMatch(/\navma run: every host failed \(2 of 2\): HV01 \(.+\); HV02 \(.+\)\n$/);
  });

  it('avma run --driver powershell --once whose shell cannot start: exit 1 naming the host and the cause', async () => {
    const db = await tempDb();
    const config = join(db, '..', 'agent.json');
    await writeFile(config, JSON.stringify({ powershell: { executable: join(db, '..', 'no-such-pwsh') } }));
    const run = await avma(['run', '--driver', 'powershell', '--config', config, '--once', '--db', db]);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr.trimEnd().split('\n').at(-1)).toMatch(
      /^avma run: every host failed \(1 of 1\): localhost \(HOST_UNAVAILABLE: .*cannot start the shell/,
    );
  });
});
