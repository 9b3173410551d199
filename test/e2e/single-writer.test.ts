import { mkdtemp, rm } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { spawnAvma } from './child-avma.js';
import { dumpDatabase } from './db-dump.js';

/** The bundled scenario has six hosts; one progress line each per recorded sweep. */
const HOSTS = 6;
const RECORDED = /\] HV0\d: \d+ VMs, .* ms$/;

async function until(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('e2e/single-writer', () => {
  it('refuses a second sweeping agent in one line naming the first (nothing doubled); readers and vm commands work beside it; a SIGKILLed agent blocks no one', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'e2e-writer-'));
    const db = join(dir, 'avma.sqlite');
    // One sweep, then a day of waiting: an agent that holds the database but writes nothing more.
    const agent = spawnAvma(['run', '--db', db, '--interval', '86400', '--lab-speed', '1'], dir);
    try {
      await until(
        () =>
          agent
            .stderr()
            .split('\n')
            .filter((line) => RECORDED.test(line)).length === HOSTS,
        60_000,
        'the first sweep of every host',
      );
      const status = spawnAvma(['status', '--db', db, '--json'], dir);
      expect(await status.exited).toBe(0);
      expect(JSON.parse(status.stdout())).toContainEqual(expect.objectContaining({ name: 'sql01' }));
      const optOut = spawnAvma(['vm', 'opt-out', 'sql01', '--db', db, '--reason', 'own licence'], dir);
      expect(await optOut.exited).toBe(0);

      const before = await dumpDatabase(db);
      const holder = `store ${db} is in use by another agent (pid ${agent.child.pid} on ${hostname()}, "avma run", since `;
      for (const [name, args] of [
        ['avma sweep', ['sweep', '--db', db]],
        ['avma lab run', ['lab', 'run', '--days', '1', '--db', db]],
      ] as const) {
        const second = spawnAvma(args, dir);
        expect(await second.exited).toBe(2);
        const lines = second.stderr().split('\n');
        expect(lines).toHaveLength(2);
        expect(lines[0]).toMatch(/Z\); one writer per database$/);
        expect(lines[0]?.startsWith(`${name}: ${holder}`)).toBe(true);
      }
      // Neither refused agent swept: no doubled audit records, events or observations.
      expect(await dumpDatabase(db)).toEqual(before);

      agent.child.kill('SIGKILL');
      expect(await agent.exited).toBe('SIGKILL');
      const next = spawnAvma(['sweep', '--db', db], dir);
      expect([await next.exited, next.stderr()]).toEqual([0, expect.stringContaining('HV01')]);
    } finally {
      if (agent.child.exitCode === null && agent.child.signalCode === null) agent.child.kill('SIGKILL');
      await agent.exited;
      await rm(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
