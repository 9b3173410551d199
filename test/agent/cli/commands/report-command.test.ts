/**
 * `avma report` over the hand-made fleet (test/agent/reports/report-fixture.ts): the same rows as the
 * registry in JSON and CSV, help listing every report with its parameters, bad input in one line.
 */
import { writeFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPORTS } from '../../../../agent/reports/index.js';
import { AT, ID, reportFleet } from '../../reports/report-fixture.js';
import { type TempDir, tempDir } from '../../store/store-test-kit.js';
import { avma, isOneLineError } from '../cli-harness.js';

let dir: TempDir;
let db: string;
beforeAll(async () => {
  dir = await tempDir();
  const store = await reportFleet(dir);
  db = store.path;
  await store.close();
});
afterAll(async () => {
  await dir.remove();
});

describe('avma report', () => {
  it('prints a report as JSON with its name, parameters, columns and rows', async () => {
    const run = await avma([
      'report',
      'licence-status-vms',
      '--status',
      'licensed',
      '--evidence',
      'host',
      '--db',
      db,
    ]);
    expect(run.code).toBe(0);
    const report = run.json<{ name: string; params: object; columns: string[]; rows: { name: string }[] }>();
    expect(report.name).toBe('licence-status-vms');
    expect(report.params).toEqual({ status: 'licensed', evidence: 'host' });
    expect(report.rows.map((r) => r.name)).toEqual(['app02', 'grace03']);
    expect(report.columns[0]).toBe('id');
  });

  it('prints CSV with a header row, CRLF, quoting, and the BOM unless --no-bom', async () => {
    const args = [
      'report',
      'expiring-vms',
      '--kind',
      'grace-ending',
      '--at',
      AT,
      '--db',
      db,
      '--format',
      'csv',
    ];
    const run = await avma([...args, '--no-bom']);
    expect(run.code).toBe(0);
    // sql01: oob-grace with 2880 minutes in the status stored 11-09 -> ends 11-11, one day after AT.
    expect(run.stdout).toBe(
      'id,name,host,tenant,kind,range,endsAt,daysLeft,licenseStatus,channel,evidence,basis\r\n' +
        `${ID.sql01},sql01,HV02,fabrikam,grace-ending,1d,2026-11-11T00:00:00.000Z,1,oob-grace,none,guest,` +
        '"guest claim: oob-grace, graceMinutes 2880 in the status stored 2026-11-09T00:00:00.000Z"\r\n',
    );
    expect((await avma(args)).stdout.startsWith('\uFEFFid,name,')).toBe(true);
  });

  it('takes the AVMA validity from the config (evidence.hostWindowHours)', async () => {
    const config = dir.file('agent.json');
    await writeFile(config, JSON.stringify({ evidence: { hostWindowHours: 24 } }));
    const args = ['report', 'expiring-vms', '--kind', 'avma-renewal-due', '--at', AT, '--db', db];
    const days = (run: Awaited<ReturnType<typeof avma>>) =>
      run.json<{ rows: { name: string; daysLeft: number }[] }>().rows.map((r) => [r.name, r.daysLeft]);
    // 7 days by default: app02 11-09 12:00, app01 11-15, grace03 11-16 (from AT 11-10).
    expect(days(await avma(args))).toEqual([
      ['app02', -0.5],
      ['app01', 5],
      ['grace03', 6],
    ]);
    // 24 hours: app02 11-03 12:00, app01 11-09, grace03 11-10.
    expect(days(await avma([...args, '--config', config]))).toEqual([
      ['app02', -6.5],
      ['app01', -1],
      ['grace03', 0],
    ]);
  });

  it('--help lists every report with its parameters', async () => {
    const run = await avma(['report', '--help']);
    expect(run.code).toBe(0);
    for (const report of REPORTS) {
      expect(run.stdout).toContain(`  ${report.name}`);
      for (const param of Object.keys(report.params)) expect(run.stdout).toContain(`--${param} `);
    }
    expect(run.stdout).toMatch(/licence-status-vms \(SCCM 03B\) --status STATUS \[--channel CHANNEL\]/);
  });

  it('refuses a bad report, parameter or value in one line, exit 2, before opening the database', async () => {
    const missing = `${dir.path}/absent.db`;
    const cases: [string[], RegExp][] = [
      [['report', 'nope', '--db', db], /no report "nope"; expected one of expiring,/],
      [
        ['report', 'licence-states', '--status', 'licensed', '--db', missing],
        /status: report licence-states takes no parameters/,
      ],
      [
        ['report', 'licence-status-vms', '--status', 'golden', '--db', missing],
        /status: expected one of unlicensed/,
      ],
      [['report', 'licence-status-vms', '--db', db], /status: report licence-status-vms needs status/],
      [['report', 'expiring', '--at', 'tomorrow', '--db', db], /at: expected an ISO-8601 UTC time/],
      [
        ['report', 'licence-states', '--format', 'xml', '--db', db],
        /--format is "xml", expected json or csv/,
      ],
      [['report', 'licence-states', '--bogus', '1', '--db', db], /bogus/],
      [['report', 'vm', '--vm', 'nobody', '--db', db], /vm: no VM is or was called "nobody"/],
      [['report', 'licence-states'], /missing --db/],
    ];
    for (const [args, message] of cases) {
      const run = await avma(args);
      expect(isOneLineError(run), args.join(' ')).toBe(true);
      expect(run.stderr).toMatch(message);
    }
  });
});
