/**
 * `avma month close|list|diff|verify` through the CLI on real SQLite files: the chain, refusals,
 * tampering as someone with the file and the sqlite3 shell could do it, late data as drift, and
 * closes made before the chain (schema 3) that still verify.
 */
import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Connection } from '../../../../agent/store/connection.js';
import { MIGRATIONS, openStore, type Store } from '../../../../agent/store/index.js';
import { applyMigrations } from '../../../../agent/store/migrate.js';
import { buildUsageMonth, closeDigest } from '../../../../agent/usage/index.js';
import { openRaw, tamperMonthClose } from '../../store/raw-sqlite.js';
import { type TempDir, tempDir } from '../../store/store-test-kit.js';
import { DEC, NOV, simulate, steadyVm, vmGuid } from '../../usage/usage-test-kit.js';
import { avma, isOneLineError } from '../cli-harness.js';

const OCT = Date.parse('2026-10-01T00:00:00Z');

interface ListedClose {
  month: string;
  actor: string;
  actorSource: string;
  forced: boolean;
  format: number;
  sha256: string;
  previousSha256: string | null;
  totals: { coreLicenses: number; vms: number };
}

async function fill(path: string, sim: Parameters<typeof simulate>[1]): Promise<void> {
  const store: Store = await openStore(path, { staleAfterMs: 7 * 3_600_000 });
  try {
    await simulate(store, sim);
  } finally {
    await store.close();
  }
}

/** October and November on one host with two VMs, swept every 6 hours. */
function twoMonths(path: string): Promise<void> {
  return fill(path, {
    hosts: [{ name: 'HV01' }],
    vms: [steadyVm(1, 'web01', 'contoso', 'HV01'), steadyVm(2, 'sql01', 'fabrikam', 'HV01')],
    fromMs: OCT,
    toMs: DEC,
    stepMinutes: 360,
  });
}

describe('agent/cli/commands/month-commands', () => {
  let dir: TempDir;
  let db: string;
  beforeEach(async () => {
    dir = await tempDir();
    db = dir.file('avma.db');
  });
  afterEach(async () => {
    await dir.remove();
  });

  describe('on two recorded months', () => {
    beforeEach(async () => {
      await twoMonths(db);
    });

    it('closes months into a chain that list shows and verify accepts', async () => {
      const october = await avma(['month', 'close', '2026-10', '--db', db, '--actor', 'alice', '--json']);
      expect(october.code).toBe(0);
      const november = await avma(['month', 'close', '2026-11', '--db', db]);
      expect(november.code).toBe(0);
      expect(november.stdout).toContain(`by ${userInfo().username} (OS user)`);
      const list = await avma(['month', 'list', '--db', db, '--json']);
      const [oct, nov] = list.json<ListedClose[]>();
      expect(oct).toMatchObject({ month: '2026-10', actor: 'alice', actorSource: 'given', forced: false });
      expect(oct?.sha256).toBe(october.json<{ sha256: string }>().sha256);
      expect(oct?.previousSha256).toBeNull();
      expect(nov).toMatchObject({ month: '2026-11', actorSource: 'os-user', format: 2 });
      expect(nov?.previousSha256).toBe(oct?.sha256);
      expect(nov?.totals.vms).toBe(2);
      const table = await avma(['month', 'list', '--db', db]);
      expect(table.stdout).toContain(`2026-11  `);
      expect(table.stdout).toContain(nov?.sha256.slice(0, 12));
      expect(table.stdout).not.toContain(nov?.sha256);
      const verify = await avma(['month', 'verify', '--db', db]);
      expect(verify.code).toBe(0);
      expect(verify.stdout).toContain(`chain ok: 2 close(s), head ${nov?.sha256}`);
      const head = await avma(['month', 'verify', '--db', db, '--expect-head', oct?.sha256 ?? '']);
      expect(head.code).toBe(1);
      expect(head.stderr).toContain('closes were removed or rewritten');
    });

    it('refuses a month that has not ended (one line, exit 2) unless --force, which is recorded', async () => {
      const refused = await avma(['month', 'close', '2099-01', '--db', db]);
      expect(isOneLineError(refused)).toBe(true);
      expect(refused.stderr).toContain('month 2099-01 ends at 2099-02-01T00:00:00.000Z');
      const forced = await avma([
        'month',
        'close',
        '2099-01',
        '--db',
        db,
        '--force',
        '--actor',
        'bob',
        '--json',
      ]);
      expect(forced.code).toBe(0);
      expect(forced.json()).toMatchObject({ month: '2099-01', forced: true, actor: 'bob' });
      const [listed] = (await avma(['month', 'list', '--db', db, '--json'])).json<ListedClose[]>();
      expect(listed?.forced).toBe(true);
      const store = await openStore(db, { readOnly: true });
      const audit = await store.listAudit({ actions: ['month-close'] });
      await store.close();
      expect(audit.map((a) => [a.actor, a.reason, a.details.forced])).toEqual([
        ['bob', 'closed 2099-01 early (forced)', true],
      ]);
    });

    it('refuses a second close of a month, saying when and with which hash (exit 2)', async () => {
      const first = await avma(['month', 'close', '2026-11', '--db', db, '--json']);
      const again = await avma(['month', 'close', '2026-11', '--db', db]);
      expect(isOneLineError(again)).toBe(true);
      const { closedAt, sha256 } = first.json<{ closedAt: string; sha256: string }>();
      expect(again.stderr).toContain(`already closed at ${closedAt} (sha256 ${sha256})`);
    });

    it('catches a close whose report was changed in the file (exit 1, names the month)', async () => {
      await avma(['month', 'close', '2026-10', '--db', db]);
      await avma(['month', 'close', '2026-11', '--db', db]);
      const store = await openStore(db, { readOnly: true });
      const stored = await store.getMonthClose('2026-10');
      await store.close();
      // Fewer core licences: what someone under-reporting would write, leaving everything else as it is.
      const report = JSON.parse(stored?.report ?? '{}') as { hosts: { coreLicenses: number }[] };
      for (const host of report.hosts) host.coreLicenses -= 2;
      await tamperMonthClose(db, '2026-10', JSON.stringify(report));
      const verify = await avma(['month', 'verify', '--db', db, '--json']);
      expect(verify.code).toBe(1);
      expect(verify.stderr).toMatch(
        /^avma month verify: 2026-10 FAILED: stored sha256 \w{12} does not match its content/,
      );
      const result = verify.json<{ ok: boolean; closes: { month: string; problems: string[] }[] }>();
      expect(result.ok).toBe(false);
      expect(result.closes.map((c) => [c.month, c.problems.length])).toEqual([
        ['2026-10', 1],
        ['2026-11', 0],
      ]);
      const diff = await avma(['month', 'diff', '2026-11', '--against', '2026-10', '--db', db]);
      expect(diff.code).toBe(1);
      expect(diff.stderr).toContain('does not match its sha256');
    });

    it('catches a close removed from the middle of the chain, and one replaced by a re-hashed copy', async () => {
      for (const month of ['2026-10', '2026-11']) await avma(['month', 'close', month, '--db', db]);
      await avma(['month', 'close', '2099-01', '--db', db, '--force']);
      const raw = await openRaw(db);
      await raw.exec('DROP TRIGGER month_closes_no_delete');
      await raw.run("DELETE FROM month_closes WHERE month = '2026-11'");
      await raw.close();
      const removed = await avma(['month', 'verify', '--db', db]);
      expect(removed.code).toBe(1);
      expect(removed.stderr).toContain('2099-01 FAILED: chain broken');
      expect(removed.stderr).not.toContain('2026-10 FAILED');
      // An attacker with the code re-inserts a different November with a hash valid for its own fields.
      const store = await openStore(db, { readOnly: true });
      const oct = await store.getMonthClose('2026-10');
      await store.close();
      const report = JSON.stringify({ month: '2026-11', hosts: [], vms: [], tenants: [] });
      const fields = {
        month: '2026-11',
        closedAt: '2026-12-02T00:00:00.000Z',
        actor: 'mallory',
        actorSource: 'given' as const,
        forced: false,
        settings: '{}',
        report,
        csv: '{}',
        previousSha256: oct?.sha256 ?? null,
      };
      const replaced = await openRaw(db);
      await replaced.run(
        `INSERT INTO month_closes (month, closed_at, report, csv, settings, actor, actor_source, forced, previous_sha256, sha256, format)
         VALUES (?, ?, ?, ?, ?, ?, ?, 0, ?, ?, 2)`,
        [
          fields.month,
          Date.parse(fields.closedAt),
          report,
          '{}',
          '{}',
          'mallory',
          'given',
          fields.previousSha256,
          closeDigest(fields),
        ],
      );
      await replaced.close();
      const verify = await avma(['month', 'verify', '--db', db, '--json']);
      expect(verify.code).toBe(1);
      const problems = verify.json<{ closes: { month: string; problems: string[] }[] }>().closes;
      // Closing order: October, 2099-01, then the re-inserted November.
      expect(problems.map((c) => [c.month, c.problems.some((p) => p.startsWith('chain broken'))])).toEqual([
        ['2026-10', false],
        ['2099-01', true],
        ['2026-11', true],
      ]);
    });

    it('shows late data for a closed month as drift in verify and diff, and keeps the frozen report', async () => {
      await avma(['month', 'close', '2026-11', '--db', db]);
      const before = await openStore(db, { readOnly: true });
      const frozen = (await before.getMonthClose('2026-11'))?.report;
      await before.close();
      // HV09 was down at the close and comes back with November's history of its VM.
      await fill(db, {
        hosts: [{ name: 'HV09' }],
        vms: [steadyVm(9, 'late01', 'contoso', 'HV09')],
        fromMs: NOV,
        toMs: DEC,
        stepMinutes: 360,
      });
      const verify = await avma(['month', 'verify', '--db', db]);
      expect(verify.code).toBe(0);
      expect(verify.stdout).toContain('drift 2026-11: drift');
      expect(verify.stdout).toContain(`vms[${vmGuid(9)}]: - -> {`);
      expect((await avma(['month', 'verify', '--db', db, '--fail-on-drift'])).code).toBe(1);
      const diff = await avma(['month', 'diff', '2026-11', '--against', '2026-10', '--db', db, '--json']);
      expect(diff.code).toBe(0);
      const result = diff.json<{
        sources: unknown;
        drift: { month: string; status: string; differences: { path: string; frozen: unknown }[] }[];
        hosts: { name: string }[];
      }>();
      expect(result.sources).toEqual({ from: 'live', to: 'closed' });
      expect(result.drift.map((d) => [d.month, d.status])).toEqual([['2026-11', 'drift']]);
      const paths = result.drift[0]?.differences.map((d) => d.path);
      expect(paths).toContain('hosts[HV09]');
      expect(paths).toContain(`vms[${vmGuid(9)}]`);
      // The month-over-month comparison uses the frozen November: HV09 is not in it.
      expect(result.hosts.map((h) => h.name)).toEqual(['HV01']);
      const after = await openStore(db, { readOnly: true });
      expect((await after.getMonthClose('2026-11'))?.report).toBe(frozen);
      expect(JSON.stringify(await buildUsageMonth(after, '2026-11'))).not.toBe(frozen);
      await after.close();
    });

    it('freezes the report settings of --config and checks drift with them', async () => {
      const config = dir.file('agent.json');
      await writeFile(config, JSON.stringify({ spla: { minCoresPerServer: 16 } }));
      expect((await avma(['month', 'close', '2026-11', '--db', db, '--config', config])).code).toBe(0);
      const store = await openStore(db, { readOnly: true });
      const close = await store.getMonthClose('2026-11');
      const floored = await buildUsageMonth(store, '2026-11', { minCoresPerServer: 16 });
      await store.close();
      expect(close?.settings).toBe('{"minCoresPerServer":16}');
      expect(close?.report).toBe(JSON.stringify(floored));
      const verify = await avma(['month', 'verify', '--db', db, '--json']);
      expect(verify.json<{ closes: { drift: { status: string } }[] }>().closes[0]?.drift.status).toBe('none');
    });

    it('builds a month that is not closed by the spla section of --config in diff', async () => {
      const config = dir.file('agent.json');
      await writeFile(
        config,
        JSON.stringify({ spla: { runningStates: ['Paused'], reportHostsWithoutWindowsServerVms: false } }),
      );
      type Diff = { sources: { from: string; to: string }; totals: { coreLicenses: { after: number } } };
      const plain = await avma(['month', 'diff', '2026-11', '--against', '2026-10', '--db', db, '--json']);
      const configured = await avma([
        'month',
        'diff',
        '2026-11',
        '--against',
        '2026-10',
        '--db',
        db,
        '--json',
        '--config',
        config,
      ]);
      expect(plain.json<Diff>().sources).toEqual({ from: 'live', to: 'live' });
      // HV01 is Datacenter 2 x 16: 32 licences by default. The configuration counts only Paused VMs as
      // running (none was) and does not report a host without Windows Server VMs: 0.
      expect(plain.json<Diff>().totals.coreLicenses.after).toBe(32);
      expect(configured.json<Diff>().totals.coreLicenses.after).toBe(0);
    });

    it('takes the writer lock to close only: beside a running agent, close is refused and the reads work', async () => {
      const agent = await openStore(db, { create: false, writer: { command: 'avma run' } });
      try {
        const close = await avma(['month', 'close', '2026-11', '--db', db]);
        expect(isOneLineError(close)).toBe(true);
        expect(close.stderr).toContain('"avma run"');
        expect((await avma(['month', 'list', '--db', db])).code).toBe(0);
        expect((await avma(['month', 'verify', '--db', db])).code).toBe(0);
        expect((await avma(['month', 'diff', '2026-11', '--against', '2026-10', '--db', db])).code).toBe(0);
      } finally {
        await agent.close();
      }
    });

    it('refuses bad input in one line (exit 2)', async () => {
      for (const args of [
        ['month', 'close', '2026-13', '--db', db],
        ['month', 'diff', '2026-11', '--db', db],
        ['month', 'diff', '2026-11', '--against', '2026-11', '--db', db],
        ['month', 'verify', '--db', db, '--expect-head', 'abc'],
        ['month', 'list', '--db', dir.file('missing.db')],
      ]) {
        expect([args.join(' '), isOneLineError(await avma(args))]).toEqual([args.join(' '), true]);
      }
    });
  });

  it('verifies closes made before the chain by their old rule; the chain starts after them', async () => {
    // A database of schema 3 with a close as the agent wrote it then: the report and its SHA-256 only.
    const conn = await Connection.open(db, { readOnly: false, create: true });
    await applyMigrations(
      conn,
      MIGRATIONS.filter((m) => m.version <= 3),
    );
    const report = JSON.stringify({ month: '2026-09', hosts: [], vms: [], tenants: [] });
    const legacy = createHash('sha256').update(report).digest('hex');
    await conn.run('INSERT INTO month_closes (month, closed_at, report, sha256) VALUES (?, ?, ?, ?)', [
      '2026-09',
      Date.parse('2026-10-01T08:00:00Z'),
      report,
      legacy,
    ]);
    await conn.close();
    await twoMonths(db);
    expect((await avma(['month', 'close', '2026-10', '--db', db])).code).toBe(0);
    const [old, first] = (await avma(['month', 'list', '--db', db, '--json'])).json<ListedClose[]>();
    expect(old).toMatchObject({ month: '2026-09', format: 1, sha256: legacy, previousSha256: null });
    expect(first).toMatchObject({ month: '2026-10', format: 2, previousSha256: legacy });
    const verify = await avma(['month', 'verify', '--db', db]);
    expect(verify.code).toBe(0);
    expect(verify.stdout).toContain('2026-09  ok  format 1');
    await tamperMonthClose(db, '2026-09', report.replace('"hosts":[]', '"hosts":[ ]'));
    const tampered = await avma(['month', 'verify', '--db', db]);
    expect(tampered.code).toBe(1);
    expect(tampered.stderr).toContain('2026-09 FAILED');
  });
});
