import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { validateScenario } from '../../../agent/lab/scenario-loader.js';
import { openSession } from '../../../agent/runtime/agent-session.js';
import { runLabWithAgent } from '../../../agent/runtime/lab-run.js';
import { dumpDatabase, firstDifference } from '../../e2e/db-dump.js';
import { openRaw } from '../store/raw-sqlite.js';
import { scenario, server } from '../sweep/sweep-kit.js';

const HOUR = 3_600_000;
const SCENARIO = validateScenario(
  scenario([
    {
      name: 'web01',
      host: 'HV01',
      guestAgent: true,
      guest: server('2019', 'standard', 'gvlk', 'unlicensed'),
    },
    {
      name: 'app01',
      host: 'HV02',
      guestAgent: true,
      guest: server('2022', 'datacenter', 'avma', 'licensed'),
    },
  ]),
);

async function run(db: string, hours: number, busyTimeoutMs?: number) {
  const session = await openSession({
    driver: 'lab',
    scenario: SCENARIO,
    db,
    staleAfterMs: 3 * HOUR,
    silentAfterMs: 3 * HOUR,
    ...(busyTimeoutMs === undefined ? {} : { busyTimeoutMs }),
  });
  try {
    return await runLabWithAgent({
      session,
      end: Date.parse('2026-11-01T00:00:00Z') + hours * HOUR,
      sweepIntervalMs: HOUR,
      concurrency: 2,
    });
  } finally {
    await session.close();
  }
}

describe('agent/runtime/lab-run', () => {
  it('sweeps at the start and every interval, and reports what the sweeps did', async () => {
    const db = join(await mkdtemp(join(tmpdir(), 'lab-run-')), 'avma.sqlite');
    const summary = await run(db, 6);
    expect(summary).toMatchObject({
      db,
      resumedFrom: null,
      sweepIntervalMinutes: 60,
      rounds: 7,
      pushed: 1,
      wiped: 0,
      staleHostSweeps: 0,
    });
    expect(summary.vms).toEqual({
      total: 2,
      eligible: 2,
      keyPushed: 1,
      kvpWiped: 0,
      avmaBlocked: 0,
      optedOut: 0,
      withProblems: 0,
    });
  });

  it('records the same database when run in two parts as in one', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lab-run-'));
    await run(join(dir, 'whole.sqlite'), 12);
    await run(join(dir, 'parts.sqlite'), 5);
    const second = await run(join(dir, 'parts.sqlite'), 12);
    expect(second).toMatchObject({ resumedFrom: '2026-11-01T05:00:00.000Z', rounds: 8 });
    expect(
      firstDifference(
        await dumpDatabase(join(dir, 'whole.sqlite')),
        await dumpDatabase(join(dir, 'parts.sqlite')),
      ),
    ).toBeNull();
  });

  it('stops with NOT_RECORDED rather than let the lab and the database diverge', async () => {
    const db = join(await mkdtemp(join(tmpdir(), 'lab-run-')), 'avma.sqlite');
    await run(db, 1);
    const session = await openSession({
      driver: 'lab',
      scenario: SCENARIO,
      db,
      staleAfterMs: 3 * HOUR,
      silentAfterMs: 3 * HOUR,
      busyTimeoutMs: 100,
    });
    const other = await openRaw(db);
    await other.exec('BEGIN EXCLUSIVE');
    try {
      const end = Date.parse('2026-11-01T03:00:00Z');
      await expect(
        runLabWithAgent({ session, end, sweepIntervalMs: HOUR, concurrency: 2 }),
      ).rejects.toMatchObject({
        code: 'NOT_RECORDED',
        message: expect.stringMatching(/^sweep at 2026-11-01T01:00:00.000Z of HV01 was not recorded: LOCKED/),
      });
    } finally {
      await other.exec('ROLLBACK');
      await other.close();
      await session.close();
    }
  });

  it('refuses a database that another interval’s grid wrote, and one already past the end', async () => {
    const db = join(await mkdtemp(join(tmpdir(), 'lab-run-')), 'avma.sqlite');
    await run(db, 3);
    const session = await openSession({
      driver: 'lab',
      scenario: SCENARIO,
      db,
      staleAfterMs: 3 * HOUR,
      silentAfterMs: 3 * HOUR,
    });
    try {
      await expect(
        runLabWithAgent({
          session,
          end: Date.parse('2026-11-01T09:00:00Z'),
          sweepIntervalMs: 2 * HOUR,
          concurrency: 2,
        }),
      ).rejects.toMatchObject({ code: 'LAB_MISMATCH' });
      await expect(
        runLabWithAgent({
          session,
          end: Date.parse('2026-11-01T02:00:00Z'),
          sweepIntervalMs: HOUR,
          concurrency: 2,
        }),
      ).rejects.toMatchObject({ code: 'INVALID_OPTIONS' });
    } finally {
      await session.close();
    }
  });
});

describe('agent/runtime/lab-run: VM sizes', () => {
  it('records a mid-run resize as two size intervals of the VM, meeting at the resize', async () => {
    const db = join(await mkdtemp(join(tmpdir(), 'lab-run-size-')), 'avma.sqlite');
    const resized = validateScenario(
      scenario(
        [
          {
            name: 'web01',
            host: 'HV01',
            vcpus: 2,
            memoryMb: 4096,
            guest: server('2022', 'datacenter', 'avma', 'licensed'),
          },
        ],
        [{ at: '2026-11-01T10:00:00Z', type: 'resize-vm', vm: 'web01', vcpus: 4 }],
      ),
    );
    const session = await openSession({
      driver: 'lab',
      scenario: resized,
      db,
      staleAfterMs: 3 * HOUR,
      silentAfterMs: 3 * HOUR,
    });
    try {
      await runLabWithAgent({
        session,
        end: Date.parse('2026-11-01T15:00:00Z'),
        sweepIntervalMs: HOUR,
        concurrency: 1,
      });
    } finally {
      await session.close();
    }
    const raw = await openRaw(db);
    try {
      const sizes = await raw.all(
        `SELECT processor_count AS vcpus, memory_assigned_bytes AS memory,
           min(valid_from) AS first, max(COALESCE(valid_to, last_seen)) AS last
         FROM observations GROUP BY processor_count, memory_assigned_bytes ORDER BY first`,
      );
      expect(sizes).toEqual([
        {
          vcpus: 2,
          memory: 4096 * 2 ** 20,
          first: Date.parse('2026-11-01T00:00:00Z'),
          last: Date.parse('2026-11-01T10:00:00Z'),
        },
        {
          vcpus: 4,
          memory: 4096 * 2 ** 20,
          first: Date.parse('2026-11-01T10:00:00Z'),
          last: Date.parse('2026-11-01T15:00:00Z'),
        },
      ]);
    } finally {
      await raw.close();
    }
  });
});
