import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { spawnAvma } from './child-avma.js';
import { dumpDatabase, firstDifference } from './db-dump.js';

/** Thirteen days of the bundled scenario: pushes, migrations, a key replacement, hostile writes, a new VM. */
const ARGS = ['lab', 'run', '--days', '13', '--seed', '3'];

async function runToEnd(db: string): Promise<void> {
  const run = spawnAvma([...ARGS, '--db', db]);
  const code = await run.exited;
  if (code !== 0) throw new Error(`avma lab run ended with ${code}: ${run.stderr()}`);
}

async function killAfter(db: string, ms: number): Promise<number | string> {
  const run = spawnAvma([...ARGS, '--db', db]);
  const timer = setTimeout(() => run.child.kill('SIGKILL'), ms);
  const ended = await run.exited;
  clearTimeout(timer);
  return ended;
}

describe('e2e/kill-restart', () => {
  it('ends with the same database after SIGKILLs at random points of a long lab run as without them', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'e2e-kill-'));
    const started = performance.now();
    await runToEnd(join(dir, 'whole.sqlite'));
    const wholeMs = performance.now() - started;
    const killed = join(dir, 'killed.sqlite');
    // Kills within the first 70 % of an uninterrupted run's time (past start-up, ~300 ms), so at least
    // the first lands mid-run however fast the run is; the later ones resume with less left to do.
    const delays = Array.from({ length: 4 }, () =>
      Math.floor(300 + (0.1 + Math.random() * 0.6) * Math.max(0, wholeMs - 300)),
    );
    const endings: (number | string)[] = [];
    for (const delay of delays) endings.push(await killAfter(killed, delay));
    await runToEnd(killed);
    const difference = firstDifference(
      await dumpDatabase(join(dir, 'whole.sqlite')),
      await dumpDatabase(killed),
    );
    expect(difference, `kills after ${delays.join(', ')} ms ended with ${endings.join(', ')}`).toBeNull();
    expect(endings.filter((ending) => ending === 'SIGKILL').length).toBeGreaterThan(0);
  }, 120_000);
});
