import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openRaw } from '../agent/store/raw-sqlite.js';
import { spawnAvma } from './child-avma.js';

const RECORDED_HV01 = /\] HV01: \d+ VMs, .* ms$/;

function recordedLines(stderr: string): number {
  return stderr.split('\n').filter((line) => RECORDED_HV01.test(line)).length;
}

async function until(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('e2e/locked-database', () => {
  it('reports sweeps another process’s lock refused, keeps running, records again once the lock is gone, stops on SIGINT', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'e2e-locked-'));
    const db = join(dir, 'avma.sqlite');
    const run = spawnAvma(['run', '--db', db, '--lab-speed', '600'], dir);
    try {
      await run.waitFor(RECORDED_HV01, 30_000);
      const other = await openRaw(db);
      await other.exec('BEGIN EXCLUSIVE');
      const refused = await run.waitFor(
        /NOT RECORDED: LOCKED: database .* is locked by another process/,
        30_000,
      );
      await other.exec('ROLLBACK');
      await other.close();
      expect(refused).toMatch(/^\[2026-11-01T[\d:.]+Z\] HV0\d: \d+ VMs/);
      const before = recordedLines(run.stderr());
      await until(() => recordedLines(run.stderr()) > before, 30_000, 'a recorded sweep after the lock');
      run.child.kill('SIGINT');
      expect(await run.exited).toBe(0);
      expect(run.stderr()).toContain('avma run: stopping after the current sweep…');
      expect(run.stderr()).toMatch(/avma run: stopped after \d+ sweeps \([1-9]\d* not fully recorded\)/);
    } finally {
      if (run.child.exitCode === null) run.child.kill('SIGKILL');
    }
  }, 90_000);
});
