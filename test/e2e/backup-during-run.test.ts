import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { avma } from '../agent/cli/cli-harness.js';
import { spawnAvma } from './child-avma.js';
import { dumpDatabase, firstDifference } from './db-dump.js';

const RECORDED = /\] HV0\d: \d+ VMs, .* ms$/;

/** What an operator reads from a database: every VM's status, the month's usage, every event. */
async function reports(db: string): Promise<Record<string, unknown>> {
  const runs = {
    status: await avma(['status', '--db', db, '--json', '--all']),
    usage: await avma(['export', 'usage', '--db', db, '--month', '2026-11', '--format', 'json']),
    events: await avma(['events', '--db', db, '--json']),
  };
  const out: Record<string, unknown> = {};
  for (const [name, run] of Object.entries(runs)) {
    if (run.code !== 0) throw new Error(`avma ${name} on ${db} exited ${run.code}: ${run.stderr}`);
    out[name] = run.json();
  }
  return out;
}

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

describe('e2e/backup-during-run', () => {
  it('backs up a database while `avma run` sweeps it; the restored copy reports exactly what the live one held', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'e2e-backup-'));
    const db = join(dir, 'avma.sqlite');
    // A sweep every 60 s of lab time at 3600x: the agent writes all the time.
    const agent = spawnAvma(
      ['run', '--db', db, '--no-listen', '--lab-speed', '3600', '--interval', '60'],
      dir,
    );
    try {
      await agent.waitFor(RECORDED, 60_000);
      const snapshots = new Set<string>();
      for (let round = 0; round < 3; round++) {
        await pause(300 + Math.floor(Math.random() * 700));
        const backup = join(dir, `backup-${round}.sqlite`);
        const taken = await avma(['db', 'backup', '--db', db, '--to', backup, '--json']);
        expect(taken.code, taken.stderr).toBe(0);
        // Freeze the agent (perhaps inside a sweep's transaction) to read the live database at one
        // point: what it has committed by then must be at least what the backup holds.
        agent.child.kill('SIGSTOP');
        let live: Record<string, unknown>;
        let liveDump: Awaited<ReturnType<typeof dumpDatabase>>;
        const backupAgain = join(dir, `frozen-${round}.sqlite`);
        try {
          expect((await avma(['db', 'backup', '--db', db, '--to', backupAgain])).code).toBe(0);
          live = await reports(db);
          liveDump = await dumpDatabase(db);
        } finally {
          agent.child.kill('SIGCONT');
        }
        // Restore both copies as an operator would (a plain file copy) and read them with the CLI.
        for (const copy of [backup, backupAgain]) {
          const restored = join(dir, `restored-${round}-${copy === backup ? 'a' : 'b'}.sqlite`);
          await copyFile(copy, restored);
          const check = await avma(['db', 'check', '--db', restored, '--json']);
          expect(check.code, check.stdout).toBe(0);
          expect(check.json()).toMatchObject({ ok: true, integrity: ['ok'], schema: 'current' });
          if (copy === backup) {
            // Taken while the agent ran on: every event and audit record it holds is in the live database.
            const liveEvents = new Set(liveDump.events);
            const held = (await dumpDatabase(restored)).events ?? [];
            expect(held.filter((row) => !liveEvents.has(row))).toEqual([]);
          } else {
            expect(await reports(restored)).toEqual(live);
            expect(firstDifference(await dumpDatabase(restored), liveDump)).toBeNull();
          }
        }
        snapshots.add(JSON.stringify(live));
      }
      // The agent went on sweeping between the rounds, so the copies caught it at different points.
      expect(snapshots.size).toBeGreaterThan(1);
    } finally {
      agent.child.kill('SIGTERM');
      await agent.exited;
      await rm(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
