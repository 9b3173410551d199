// SQLite only: kill -9 of a child writing a file in WAL mode; PostgreSQL's crash safety is the server's, and a lost session is in pg/shared-database.test.ts.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore } from '../../../agent/store/index.js';
import { CRASH_START_MS, CRASH_VMS, EVENTS_PER_SWEEP } from './crash-child.js';
import { queryOnce } from './raw-sqlite.js';
import { type TempDir, tempDir } from './store-test-kit.js';

const CHILD = fileURLToPath(new URL('./crash-child.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

interface KillReport {
  /** Last line the child printed before dying. */
  readonly last: string;
  readonly committed: number;
}

/** Runs the child until it has committed `sweeps` more sweeps, waits `delayMs`, then SIGKILLs it. */
function runAndKill(path: string, sweeps: number, delayMs: number): Promise<KillReport> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, path], { cwd: ROOT });
    let output = '';
    let commits = 0;
    let killing = false;
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      commits = (output.match(/^commit /gm) ?? []).length;
      if (commits >= sweeps && !killing) {
        killing = true;
        setTimeout(() => child.kill('SIGKILL'), delayMs);
      }
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on('exit', (_code, signal) => {
      if (signal !== 'SIGKILL') reject(new Error(`child exited on its own: ${stderr}`));
      const lines = output.trim().split('\n');
      const lastCommit = [...lines].reverse().find((l) => l.startsWith('commit ')) ?? 'commit 0';
      resolve({ last: lines.at(-1) ?? '', committed: Number(lastCommit.split(' ')[1]) });
    });
  });
}

/** Whole sweeps only: every VM's open interval is from the same sweep, events match the bookmark. */
async function checkNoPartialSweep(path: string, committedAtLeast: number): Promise<number> {
  const store = await openStore(path, { readOnly: true });
  const hostEvents = await store.listEvents({ eventId: 12310 });
  await store.close();
  const sweeps = hostEvents.length / EVENTS_PER_SWEEP;
  expect(Number.isInteger(sweeps)).toBe(true);
  expect(sweeps).toBeGreaterThanOrEqual(committedAtLeast);
  const [open] = await queryOnce(
    path,
    'SELECT count(*) AS n, min(valid_from) AS first, max(valid_from) AS last FROM observations WHERE valid_to IS NULL',
  );
  expect(open).toEqual({
    n: CRASH_VMS,
    first: CRASH_START_MS + sweeps * 60_000,
    last: CRASH_START_MS + sweeps * 60_000,
  });
  const [all] = await queryOnce(path, 'SELECT count(*) AS n FROM observations');
  expect(all?.n).toBe(CRASH_VMS * sweeps);
  const [mark] = await queryOnce(path, 'SELECT record_id FROM bookmarks');
  expect(mark?.record_id).toBe(sweeps * EVENTS_PER_SWEEP);
  return sweeps;
}

describe('agent/store crash safety', () => {
  let dir: TempDir;
  beforeEach(async () => {
    dir = await tempDir();
  });
  afterEach(async () => {
    await dir.remove();
  });

  it('a SIGKILL at any point of a sweep leaves the last committed sweep, whole, and the store opens again', async () => {
    const path = dir.file('crash.db');
    let midTransaction = 0;
    let sweeps = 0;
    // Kill delays spread over a sweep's duration (tens of ms): most land inside a transaction.
    for (const [round, delay] of [0, 7, 23, 41, 3, 60].entries()) {
      const report = await runAndKill(path, 2, delay);
      if (report.last.startsWith('begin')) midTransaction++;
      const [integrity] = await queryOnce(path, 'PRAGMA integrity_check');
      expect(integrity?.integrity_check).toBe('ok');
      const now = await checkNoPartialSweep(path, sweeps + 2);
      expect(now, `round ${round}`).toBeGreaterThanOrEqual(report.committed);
      sweeps = now;
    }
    expect(midTransaction).toBeGreaterThan(0);
  }, 120_000);
});
