/**
 * Three agents (separate processes) share one PostgreSQL and one lab fleet (`avma lab serve`, the
 * 6-host agent/lab/scenarios/shared-fleet.json: two live migrations, AVMA pushes, a new and a deleted
 * VM), each configured with 4 of the 6 hosts so every host is on exactly two agents, leases of 3 s.
 * Mid-run one agent is SIGKILLed and restarted, and PostgreSQL is restarted once (`pg_ctl restart -m
 * fast`). At the end: every host event stored exactly once and equal to a single-agent run's, no two
 * agents' `host-sweep` audit intervals of one host overlap, and the month report equals a single-agent
 * SQLite `avma lab run` of the same scenario, seed and interval.
 *
 * NEEDS THE POSTGRESQL PORT OF agent/store/repos and agent/store/queries (issue 13, parts 1 and 2):
 * on the `leases` branch alone a PostgreSQL store cannot sweep yet, so this test is written against the
 * merged branches and was NOT run green on `leases` by itself. Until a PostgreSQL store can read its
 * sweep state it skips, saying so on stderr (the in-process version, test/agent/runtime/
 * shared-lab-agents.test.ts, runs everywhere).
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '../../agent/store/index.js';
import { PgConnection } from '../../agent/store/pg/pg-connection.js';
import { buildUsageMonth } from '../../agent/usage/index.js';
import { labRunFingerprint } from '../agent/runtime/lab-fingerprint.js';
import { createTestDatabase, postgresMissing, type TestDatabase } from '../support/postgres.js';
import { type ChildRun, spawnAvma } from './child-avma.js';

const missing = postgresMissing();

/** Whether a PostgreSQL store can sweep yet (the port of repos and queries is another branch's). */
async function storeCanSweep(): Promise<boolean> {
  if (missing !== null) return false;
  const probe = await createTestDatabase();
  const store = await openStore(probe.url);
  try {
    await store.readSweepState();
    return true;
  } catch (error) {
    console.warn(
      `e2e/shared-agents skipped: a PostgreSQL store cannot sweep on this branch yet (${String(error).slice(0, 160)})`,
    );
    return false;
  } finally {
    await store.close();
    await probe.drop();
  }
}
const canSweep = await storeCanSweep();
const SCENARIO = 'agent/lab/scenarios/shared-fleet.json';
const SEED = '11';
const UNTIL = '2026-11-03T00:00:00Z';
// 30-minute sweeps: 97 ticks over the two days, each needing all six hosts recorded by the agents.
const MINUTES = '30';
/** The same lab for the single-agent reference run and the lab server. */
const LAB_ARGS = ['--scenario', SCENARIO, '--seed', SEED, '--until', UNTIL, '--sweep-interval', MINUTES];
/** Each host on exactly two agents. */
const AGENT_HOSTS: Readonly<Record<string, readonly string[]>> = {
  'agent-a': ['HV01', 'HV02', 'HV03', 'HV04'],
  'agent-b': ['HV03', 'HV04', 'HV05', 'HV06'],
  'agent-c': ['HV01', 'HV02', 'HV05', 'HV06'],
};

/** `pg_ctl restart -m fast` on the suite's cluster (as user postgres when root). */
function restartPostgres(): void {
  const [pgCtl, data] = (process.env.AVMA_TEST_PG_CTL ?? '').split(' ');
  if (pgCtl === undefined || data === undefined || pgCtl === '')
    throw new Error('AVMA_TEST_PG_CTL is not set');
  // -l: without a log file the new server would write to (and hold open) this call's pipes, and
  // spawnSync would wait for them until its timeout.
  const args = ['-D', data, '-l', join(dirname(data), 'log'), '-m', 'fast', '-w', 'restart'];
  const root = process.getuid?.() === 0;
  const result = spawnSync(root ? 'runuser' : pgCtl, root ? ['-u', 'postgres', '--', pgCtl, ...args] : args, {
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (result.status !== 0) throw new Error(`pg_ctl restart failed: ${result.stderr || result.stdout}`);
}

async function ended(run: ChildRun, what: string): Promise<void> {
  const code = await run.exited;
  if (code !== 0) throw new Error(`${what} ended with ${code}: ${run.stderr().slice(-2000)}`);
}

describe.skipIf(missing !== null || !canSweep)(
  'e2e/shared-agents: three agents, one PostgreSQL, shared hosts',
  () => {
    let db: TestDatabase;
    const runs: ChildRun[] = [];
    let dir = '';
    afterAll(async () => {
      for (const run of runs) run.child.kill('SIGKILL');
      await db?.drop();
      if (dir !== '') await rm(dir, { recursive: true, force: true });
    });

    it('stores every event once, never sweeps a host twice at once, and reports what one agent reports', async () => {
      dir = await mkdtemp(join(tmpdir(), 'e2e-shared-'));
      db = await createTestDatabase('avma_shared');
      const baseline = join(dir, 'baseline.sqlite');
      const single = spawnAvma(['lab', 'run', ...LAB_ARGS, '--db', baseline]);
      runs.push(single);
      await ended(single, 'avma lab run');

      const server = spawnAvma(['lab', 'serve', ...LAB_ARGS]);
      runs.push(server);
      const url = (await server.waitFor(/avma lab serve: .* at http:\/\/127\.0\.0\.1:\d+/)).match(
        /http:\/\/127\.0\.0\.1:\d+/,
      )?.[0] as string;

      const agent = async (id: string): Promise<ChildRun> => {
        const config = join(dir, `${id}.json`);
        await writeFile(config, JSON.stringify({ hosts: AGENT_HOSTS[id], leases: { ttlSeconds: 3 } }));
        const run = spawnAvma([
          'run',
          '--driver',
          'lab',
          '--lab-url',
          url,
          '--db',
          db.url,
          '--config',
          config,
          '--interval',
          String(Number(MINUTES) * 60),
          '--agent-id',
          id,
          '--no-listen',
        ]);
        runs.push(run);
        return run;
      };
      const agents = new Map<string, ChildRun>();
      for (const id of Object.keys(AGENT_HOSTS)) agents.set(id, await agent(id));

      // A third of the way: agent-a dies without a word, and comes back as a new holder.
      await server.waitFor(/tick 2026-11-01T16:00:00/, 60_000);
      agents.get('agent-a')?.child.kill('SIGKILL');
      await agents.get('agent-a')?.exited;
      agents.set('agent-a', await agent('agent-a'));
      // Two thirds: PostgreSQL restarts under everyone's feet.
      await server.waitFor(/tick 2026-11-02T08:00:00/, 60_000);
      restartPostgres();
      await server.waitFor(/every host recorded up to/, 90_000);
      for (const run of agents.values()) run.child.kill('SIGTERM');
      for (const [id, run] of agents) await ended(run, id);
      server.child.kill('SIGTERM');
      await server.exited;

      const shared = await openStore(db.url, { readOnly: true });
      const one = await openStore(baseline, { readOnly: true });
      const check = new PgConnection(db.url);
      try {
        const doubled = await check.all(
          "SELECT source, origin, record_id, count(*) AS n FROM events WHERE source <> 'agent' GROUP BY 1, 2, 3 HAVING count(*) > 1",
        );
        expect(doubled).toEqual([]);
        expect((await labRunFingerprint(shared)).events).toEqual((await labRunFingerprint(one)).events);

        const sweeps = await shared.listAudit({ actions: ['host-sweep'] });
        // Which of the two agents of a host wins its lease is a race, so who swept what is not fixed;
        // what is: each agent swept only hosts of its own config, and the killed agent-a's hosts went
        // on being swept by another holder (its successor process, agent-b or agent-c).
        for (const row of sweeps) {
          const agent = row.actor.replace(/\/[0-9a-f]{6}$/, '');
          expect(AGENT_HOSTS[agent], `${row.actor} swept ${row.host}`).toContain(row.host);
        }
        const holdersOf = (host: string) =>
          new Set(sweeps.filter((r) => r.host === host).map((r) => r.actor));
        for (const host of AGENT_HOSTS['agent-a'] ?? []) {
          if ([...holdersOf(host)].some((actor) => actor.startsWith('agent-a/'))) {
            expect(holdersOf(host).size, `${host} after agent-a was killed`).toBeGreaterThan(1);
          }
        }
        const byHost = new Map<string, { start: number; end: number; actor: string }[]>();
        for (const row of sweeps) {
          const interval = {
            start: Number(row.details.startedAt),
            end: Number(row.details.committedAt),
            actor: row.actor,
          };
          byHost.set(row.host ?? '', [...(byHost.get(row.host ?? '') ?? []), interval]);
        }
        expect(byHost.size).toBe(6);
        for (const [host, intervals] of byHost) {
          intervals.sort((a, b) => a.start - b.start);
          for (let i = 1; i < intervals.length; i++) {
            const [before, after] = [intervals[i - 1], intervals[i]];
            if (before === undefined || after === undefined) continue;
            expect(
              after.start,
              `${host}: ${after.actor} started before ${before.actor} committed`,
            ).toBeGreaterThanOrEqual(before.end);
          }
        }
        expect(await buildUsageMonth(shared, '2026-11')).toEqual(await buildUsageMonth(one, '2026-11'));
      } finally {
        await check.close();
        await shared.close();
        await one.close();
      }
    }, 180_000);
  },
);
