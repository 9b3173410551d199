/**
 * `avma db migrate` and `avma db copy` against the suite's PostgreSQL: exit codes, idempotence, a
 * refused target, and the password of the URL never printed.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateScenario } from '../../../../agent/lab/scenario-loader.js';
import { openSession } from '../../../../agent/runtime/agent-session.js';
import { runLabWithAgent } from '../../../../agent/runtime/lab-run.js';
import { MIGRATIONS, openStore } from '../../../../agent/store/index.js';
import { PG_MIGRATIONS } from '../../../../agent/store/pg/migrations/index.js';
import { createTestDatabase, postgresMissing, type TestDatabase } from '../../../support/postgres.js';
import { type TempDir, tempDir } from '../../store/store-test-kit.js';
import { scenario, server } from '../../sweep/sweep-kit.js';
import { avma, type CliRun, isOneLineError } from '../cli-harness.js';

const missing = postgresMissing();
const HOUR = 3_600_000;
const PASSWORD = 'pw-never-shown-4711';

/** Six hourly sweeps of two VMs into an SQLite database. */
async function labDatabase(path: string): Promise<void> {
  const lab = validateScenario(
    scenario([
      {
        name: 'Web01',
        host: 'HV01',
        guestAgent: true,
        guest: server('2019', 'standard', 'gvlk', 'unlicensed'),
      },
      { name: 'app01', host: 'HV02', guest: server('2022', 'datacenter', 'retail', 'licensed') },
    ]),
  );
  const session = await openSession({
    driver: 'lab',
    scenario: lab,
    db: path,
    staleAfterMs: 3 * HOUR,
    silentAfterMs: 3 * HOUR,
  });
  try {
    await runLabWithAgent({
      session,
      end: Date.parse('2026-11-01T06:00:00Z'),
      sweepIntervalMs: HOUR,
      concurrency: 2,
    });
  } finally {
    await session.close();
  }
}

/** The URL with a password (the test server trusts local connections, so any password connects). */
function withPassword(url: string): string {
  const parsed = new URL(url);
  parsed.password = PASSWORD;
  return parsed.toString();
}

function printed(run: CliRun): string {
  return run.stdout + run.stderr;
}

describe.skipIf(missing !== null)('avma db migrate / db copy', () => {
  let dir: TempDir;
  let source: string;
  const databases: TestDatabase[] = [];
  async function target(): Promise<string> {
    const db = await createTestDatabase('avma_cli');
    databases.push(db);
    return withPassword(db.url);
  }
  beforeAll(async () => {
    dir = await tempDir();
    source = dir.file('agent.sqlite');
    await labDatabase(source);
  }, 60_000);
  afterAll(async () => {
    for (const db of databases) await db.drop();
    await dir?.remove();
  });

  it('migrate creates the PostgreSQL schema, then has nothing to do; an SQLite file too', async () => {
    const url = await target();
    const first = await avma(['db', 'migrate', '--db', url]);
    expect(first.code).toBe(0);
    const latest = PG_MIGRATIONS.length;
    expect(first.stdout).toMatch(new RegExp(`:\\*\\*\\*@.*: schema 0 -> ${latest}\n$`));
    const again = await avma(['db', 'migrate', '--db', url, '--json']);
    expect(again.json()).toMatchObject({ backend: 'postgres', from: latest, to: latest });
    const sqlite = await avma(['db', 'migrate', '--db', source]);
    expect(sqlite.stdout).toBe(`${source}: schema ${MIGRATIONS.length} already, nothing to do\n`);
    for (const run of [first, again, sqlite]) expect(printed(run)).not.toContain(PASSWORD);
  });

  it('copies, verifies every report, and writes nothing the second time', async () => {
    const url = await target();
    const first = await avma(['db', 'copy', '--from', source, '--to', url]);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/^copied .*agent\.sqlite to postgres:\/\/postgres:\*\*\*@.* rows\n/);
    expect(first.stdout).toMatch(/^events +[1-9]\d*$/m);
    expect(first.stdout).toMatch(/\nverified: \d+ reports and reads are the same from both databases\n$/);
    const second = await avma(['db', 'copy', '--from', source, '--to', url, '--json']);
    expect(second.code).toBe(0);
    expect(second.json()).toMatchObject({ outcome: 'unchanged', verified: { difference: null } });
    for (const run of [first, second]) expect(printed(run)).not.toContain(PASSWORD);
  }, 60_000);

  it('refuses in one line (exit 2) a target holding other data, leaving it as it was', async () => {
    const url = await target();
    expect((await avma(['db', 'copy', '--from', source, '--to', url])).code).toBe(0);
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      await client.query("UPDATE vm_names SET name = 'renamed' WHERE id = 1");
      const refused = await avma(['db', 'copy', '--from', source, '--to', url]);
      expect(isOneLineError(refused), refused.stderr).toBe(true);
      expect(refused.stderr).toContain('(vm_names id 1 differs in name); nothing was written');
      expect(refused.stderr).not.toContain(PASSWORD);
      const names = await client.query('SELECT name FROM vm_names WHERE id = 1');
      expect(names.rows).toEqual([{ name: 'renamed' }]);
    } finally {
      await client.end();
    }
  }, 60_000);

  it('points db backup and db check at PostgreSQL tools, and refuses copies the wrong way round', async () => {
    const url = await target();
    for (const args of [
      ['db', 'backup', '--db', url, '--to', dir.file('backup.sqlite')],
      ['db', 'check', '--db', url],
      ['db', 'copy', '--from', url, '--to', url],
      ['db', 'copy', '--from', source, '--to', dir.file('other.sqlite')],
    ]) {
      const run = await avma(args);
      expect(isOneLineError(run), `${args.join(' ')}: ${run.stderr}`).toBe(true);
      expect(run.stderr).not.toContain(PASSWORD);
    }
    expect((await avma(['db', 'backup', '--db', url, '--to', dir.file('b.sqlite')])).stderr).toContain(
      'pg_dump',
    );
  });
});

describe('avma db migrate on an SQLite file', () => {
  it('upgrades an older database after a backup beside it, printing from and to', async () => {
    const dir = await tempDir();
    try {
      const db = dir.file('old.sqlite');
      const older = MIGRATIONS.length - 1;
      await (await openStore(db, { migrations: MIGRATIONS.slice(0, older) })).close();
      // A database with rows: a new, empty one is upgraded without a backup.
      const store = await openStore(db, { migrations: MIGRATIONS.slice(0, older) });
      await store.createToken({
        name: 'noc',
        role: 'operator',
        expiresAt: null,
        actor: 'test',
        at: new Date(),
      });
      await store.close();
      const run = await avma(['db', 'migrate', '--db', db]);
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout).toBe(`${db}: schema ${older} -> ${MIGRATIONS.length}\n`);
      expect(run.stderr).toMatch(/^avma db migrate: copied the database to .*\.backup before upgrading\n$/);
      expect((await avma(['db', 'migrate', '--db', db, '--json'])).json()).toEqual({
        database: db,
        backend: 'sqlite',
        from: MIGRATIONS.length,
        to: MIGRATIONS.length,
      });
      const missing = await avma(['db', 'migrate', '--db', dir.file('missing.sqlite')]);
      expect(isOneLineError(missing), missing.stderr).toBe(true);
    } finally {
      await dir.remove();
    }
  });
});
