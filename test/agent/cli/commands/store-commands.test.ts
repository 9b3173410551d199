import { createHash } from 'node:crypto';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  eventsCommand,
  exportUsageCommand,
  statusCommand,
} from '../../../../agent/cli/commands/store-commands.js';
import { dispatch } from '../../../../agent/cli/run-cli.js';
import { LATEST_SCHEMA_VERSION, openStore } from '../../../../agent/store/index.js';
import { buildUsageMonth } from '../../../../agent/usage/index.js';
import { openRaw } from '../../store/raw-sqlite.js';
import { HOST_FACTS, observed, type TempDir, tempDir, vmGuid } from '../../store/store-test-kit.js';

const COMMANDS = [statusCommand, eventsCommand, exportUsageCommand];
const AT = new Date('2026-11-10T12:00:00Z');
const HOSTILE_TENANT = '\u001b[31mEvil\u202eCorp\u0007 with a very long name that goes on and on and on';

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

async function avma(args: readonly string[]): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const code = await dispatch(args, COMMANDS, {
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

function oneLineError(run: Run): boolean {
  return run.code === 2 && run.stdout === '' && /^[^\n]+\n$/.test(run.stderr);
}

async function sha256Of(path: string): Promise<string> {
  return createHash('sha256')
    .update(await readFile(path))
    .digest('hex');
}

describe('agent/cli/commands/store-commands', () => {
  let dir: TempDir;
  let db: string;
  beforeAll(async () => {
    dir = await tempDir();
    db = dir.file('avma.db');
    const store = await openStore(db);
    await store.transaction(async (tx) => {
      await tx.upsertHost('HV01', AT);
      await tx.recordHostFacts('HV01', AT, HOST_FACTS);
      await tx.upsertVm({ id: vmGuid(1), tenant: 'contoso' }, AT);
      await tx.recordVmName(vmGuid(1), AT, 'web01');
      await tx.recordObservation(vmGuid(1), AT, observed());
      await tx.upsertVm({ id: vmGuid(2), tenant: HOSTILE_TENANT }, AT);
      await tx.recordVmName(vmGuid(2), AT, '=HYPERLINK("http://x")');
      await tx.recordObservation(
        vmGuid(2),
        AT,
        observed({
          eligible: false,
          reasons: ['TENANT_KEY'],
          channel: 'retail',
          keyPushed: false,
          problems: [{ code: 'INVALID_STATUS', message: 'status.channel: expected one of avma, …' }],
        }),
      );
      await tx.recordHostEvents(
        'HV01',
        'Application',
        [{ recordId: 88, eventId: 12310, time: AT, vm: vmGuid(1) }],
        AT,
      );
      await tx.insertEvents([
        {
          source: 'guest',
          origin: vmGuid(1),
          recordId: 4,
          eventId: 12309,
          time: new Date(AT.getTime() - 60_000),
          vm: vmGuid(1),
          notification: 'avma-success',
          hresult: '0x00000000',
        },
      ]);
    });
    await store.close();
  });
  afterAll(async () => {
    await dir.remove();
  });

  it('prints one JSON row per VM with the contract fields', async () => {
    const run = await avma(['status', '--db', db, '--json']);
    expect(run.code).toBe(0);
    const rows = JSON.parse(run.stdout) as Record<string, unknown>[];
    expect(rows.map((row) => row.name)).toEqual(['=HYPERLINK("http://x")', 'web01']);
    expect(rows[1]).toMatchObject({
      id: vmGuid(1),
      name: 'web01',
      host: 'HV01',
      tenant: 'contoso',
      eligible: true,
      reasons: [],
      licenseStatus: 'licensed',
      channel: 'avma',
      keyPushed: true,
      kvpWiped: false,
      problems: [],
      lastSeen: '2026-11-10T12:00:00.000Z',
    });
    expect(rows[0]).toMatchObject({ reasons: ['TENANT_KEY'], channel: 'retail', tenant: HOSTILE_TENANT });
  });

  it('prints one row per host with who sweeps it and its last sweep (--hosts)', async () => {
    const json = await avma(['status', '--db', db, '--hosts', '--json']);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual([
      { name: 'HV01', agent: null, until: null, live: false, lastSweep: '2026-11-10T12:00:00.000Z' },
    ]);
    const table = await avma(['status', '--db', db, '--hosts']);
    expect(table.stdout.split('\n')[0]).toMatch(/^HOST\s+SWEPT BY\s+LEASE UNTIL\s+LAST SWEEP$/);
    expect(table.stdout.split('\n')[1]).toMatch(/^HV01\s+-\s+-\s+2026-11-10T12:00:00.000Z$/);
  });

  it('prints an aligned table with tenant text stripped of control characters and cut', async () => {
    const run = await avma(['status', '--db', db]);
    expect(run.code).toBe(0);
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(
      /^NAME\s+HOST\s+TENANT\s+STATE\s+ELIGIBLE\s+REASONS\s+AVMA\s+LICENCE\s+CHANNEL\s+EVIDENCE\s+CLAIMED/,
    );
    expect(run.stdout.replaceAll('\n', '')).not.toMatch(/[\p{Cc}\u202e]/u);
    expect(lines[1]).toContain('  [31mEvilCorp with a ver…  ');
    expect(lines[1]).toContain('TENANT_KEY');
    expect(lines[1]).toContain('INVALID_STATUS');
    // Every row starts its HOST column where the header does.
    const hostColumn = lines[0]?.indexOf('HOST');
    const table = lines.slice(1, lines.indexOf(''));
    expect(table.map((line) => line.indexOf('HV01'))).toEqual([hostColumn, hostColumn]);
    // Under the table, each problem with its message, not only its code.
    const problems = lines.slice(lines.indexOf('Problems:') + 1);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^ {2}=HYPERLINK\("http:\/\/x"\): INVALID_STATUS \S/);
  });

  it('shows a VM name with a lone surrogate exactly in JSON and escaped as \\uD800 in the table', async () => {
    const file = dir.file('surrogate.db');
    const store = await openStore(file);
    await store.transaction(async (tx) => {
      await tx.upsertHost('HV01', AT);
      await tx.upsertVm({ id: vmGuid(7), tenant: null }, AT);
      await tx.recordVmName(vmGuid(7), AT, 'db\ud800-01');
      await tx.recordObservation(vmGuid(7), AT, observed());
    });
    await store.close();
    const json = await avma(['status', '--db', file, '--json']);
    expect((JSON.parse(json.stdout) as { name: string }[]).map((row) => row.name)).toEqual(['db\ud800-01']);
    const table = await avma(['status', '--db', file]);
    expect(table.stdout.split('\n')[1]).toMatch(/^db\\uD800-01 {2}/);
  });

  it('lists events oldest first with the contract fields, filtered by id and VM', async () => {
    const all = JSON.parse((await avma(['events', '--db', db, '--json'])).stdout) as Record<
      string,
      unknown
    >[];
    expect(all.map((e) => [e.source, e.eventId, e.recordId])).toEqual([
      ['guest', 12309, 4],
      ['host', 12310, 88],
    ]);
    expect(all[0]).toMatchObject({
      eventId: 12309,
      host: null,
      vm: 'web01',
      recordId: 4,
      time: '2026-11-10T11:59:00.000Z',
      notification: 'avma-success',
      hresult: '0x00000000',
      source: 'guest',
    });
    const hostOnly = JSON.parse((await avma(['events', '--db', db, '--id', '12310', '--json'])).stdout);
    expect(hostOnly).toHaveLength(1);
    expect(JSON.parse((await avma(['events', '--db', db, '--vm', 'WEB01', '--json'])).stdout)).toHaveLength(
      2,
    );
    const table = await avma(['events', '--db', db]);
    expect(table.stdout.split('\n')[0]).toMatch(
      /^TIME\s+SOURCE\s+EVENT\s+HOST\s+VM\s+VIA\s+RECORD\s+NOTIFICATION\s+HRESULT/,
    );
  });

  it('exports the usage month as the same JSON the report builds', async () => {
    const run = await avma(['export', 'usage', '--db', db, '--month', '2026-11', '--format', 'json']);
    expect(run.code).toBe(0);
    const store = await openStore(db, { readOnly: true });
    const expected = await buildUsageMonth(store, '2026-11');
    await store.close();
    expect(JSON.parse(run.stdout)).toEqual(expected);
    expect(Object.keys(JSON.parse(run.stdout))).toEqual([
      'month',
      'settings',
      'hosts',
      'vms',
      'tenants',
      'reseller',
      'warnings',
    ]);
  });

  it('exports CSV tables, with a BOM by default and injection defused', async () => {
    const hosts = await avma(['export', 'usage', '--db', db, '--month', '2026-11', '--format', 'csv']);
    expect(hosts.stdout.startsWith('\uFEFFname,version,edition,sockets,physicalCores,coreLicenses,')).toBe(
      true,
    );
    const vms = await avma([
      'export',
      'usage',
      '--db',
      db,
      '--month',
      '2026-11',
      '--format',
      'csv',
      '--table',
      'vms',
      '--no-bom',
    ]);
    expect(vms.stdout.split('\r\n')[0]).toBe(
      'id,name,tenant,guestVersion,guestEdition,host,hours,channel,licenseStatus,evidence,tenantLicensed',
    );
    expect(vms.stdout).toContain(`${vmGuid(2)},"'=HYPERLINK(""http://x"")"`);
    const tenant = await avma([
      'export',
      'usage',
      '--db',
      db,
      '--month',
      '2026-11',
      '--format',
      'json',
      '--tenant',
      'contoso',
    ]);
    expect(JSON.parse(tenant.stdout).tenants).toMatchObject([
      { tenant: 'contoso', vms: 1, windowsServerVms: 1, avmaActivatedVms: 1 },
    ]);
  });

  it('says on stderr when a month or tenant has no data, still printing the valid empty report', async () => {
    const usage = (...more: string[]) => avma(['export', 'usage', '--db', db, '--format', 'json', ...more]);
    const october = await usage('--month', '2026-10');
    expect(october.code).toBe(0);
    expect(JSON.parse(october.stdout)).toMatchObject({ month: '2026-10', hosts: [], vms: [], tenants: [] });
    expect(october.stderr).toBe(
      'avma export usage: no VM ran in 2026-10 in this database; the report is a zero report\n',
    );
    const nobody = await usage('--month', '2026-11', '--tenant', 'nobody');
    expect(nobody.code).toBe(0);
    expect(nobody.stderr).toBe(
      'avma export usage: no VM of tenant "nobody" ran in 2026-11 in this database; the report is a zero report\n',
    );
    const november = await usage('--month', '2026-11');
    expect(november.stderr).toBe('');
  });

  it('states each host’s coverage of the month in JSON and as added CSV columns', async () => {
    const json = await avma(['export', 'usage', '--db', db, '--month', '2026-11', '--format', 'json']);
    const host = JSON.parse(json.stdout).hosts[0];
    // The fixture saw HV01 in one sweep only: observed for 0 of the month's 720 hours.
    expect(host).toMatchObject({ name: 'HV01', monthHours: 720, observedHours: 0 });
    const csv = await avma([
      'export',
      'usage',
      '--db',
      db,
      '--month',
      '2026-11',
      '--format',
      'csv',
      '--no-bom',
    ]);
    const [header, row] = csv.stdout.split('\r\n');
    expect(header?.endsWith(',distinctVms,monthHours,observedHours')).toBe(true);
    expect(row?.endsWith(`,720,${host.observedHours}`)).toBe(true);
  });

  it('never changes the database file', async () => {
    const before = await sha256Of(db);
    await avma(['status', '--db', db]);
    await avma(['events', '--db', db, '--json']);
    await avma(['export', 'usage', '--db', db, '--month', '2026-11', '--format', 'csv']);
    expect(await sha256Of(db)).toBe(before);
  });

  it('refuses a missing database in one line (exit 2) and does not create it', async () => {
    const missing = dir.file('nope.db');
    for (const args of [
      ['status'],
      ['events'],
      ['export', 'usage', '--month', '2026-11', '--format', 'json'],
    ]) {
      const run = await avma([...args, '--db', missing]);
      expect(oneLineError(run)).toBe(true);
      expect(run.stderr).toContain(`database file ${missing} does not exist`);
    }
    await expect(stat(missing)).rejects.toThrow();
  });

  it('refuses a corrupt or newer database in one line', async () => {
    const garbage = dir.file('garbage.db');
    await writeFile(garbage, 'this is not a database, it is a text file someone named .db\n'.repeat(100));
    const corrupt = await avma(['status', '--db', garbage]);
    expect(oneLineError(corrupt)).toBe(true);
    expect(corrupt.stderr).toContain('is not an SQLite database');
    const newer = dir.file('newer.db');
    await (await openStore(newer)).close();
    const raw = await openRaw(newer);
    await raw.exec(`PRAGMA user_version = ${LATEST_SCHEMA_VERSION + 1}`);
    await raw.close();
    const run = await avma(['events', '--db', newer]);
    expect(oneLineError(run)).toBe(true);
    expect(run.stderr).toBe(
      `avma events: this database was written by a newer avma-agent (schema ${LATEST_SCHEMA_VERSION + 1}, this version knows ${LATEST_SCHEMA_VERSION}); refusing to open it\n`,
    );
  });

  it.each([
    ['no --db', ['status'], 'missing --db'],
    [
      'a bad month',
      ['export', 'usage', '--month', 'Nov', '--format', 'json'],
      'month is "Nov", expected YYYY-MM',
    ],
    ['an unknown format', ['export', 'usage', '--month', '2026-11', '--format', 'xml'], '--format is "xml"'],
    [
      '--table with JSON',
      ['export', 'usage', '--month', '2026-11', '--format', 'json', '--table', 'vms'],
      '--table applies to --format csv',
    ],
    [
      'an unknown table',
      ['export', 'usage', '--month', '2026-11', '--format', 'csv', '--table', 'x'],
      '--table is "x"',
    ],
    [
      'a floor other than 0 or 16',
      ['export', 'usage', '--month', '2026-11', '--format', 'csv', '--min-cores-per-server', '8'],
      'expected 0 or 16',
    ],
    ['an event id that is not a number', ['events', '--id', '12310x'], '--id is "12310x"'],
  ])('reports %s in one line with exit 2', async (_what, args, message) => {
    const withDb = args[0] === 'status' && args.length === 1 ? args : [...args, '--db', db];
    const run = await avma(withDb);
    expect(oneLineError(run)).toBe(true);
    expect(run.stderr).toContain(message);
  });
});
