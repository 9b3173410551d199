import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { validateScenario } from '../../../agent/lab/scenario-loader.js';
import { openSession } from '../../../agent/runtime/agent-session.js';
import { runLabWithAgent } from '../../../agent/runtime/lab-run.js';
import { RuntimeError } from '../../../agent/runtime/runtime-error.js';
import { scenario, server } from '../sweep/sweep-kit.js';

const HOUR = 3_600_000;
const SCENARIO = validateScenario(
  scenario(
    [
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
    ],
    [{ at: '2026-11-01T05:00:00Z', type: 'replace-key', vm: 'app01', key: 'retail' }],
  ),
);

async function session(db: string, seed = 1) {
  return openSession({
    driver: 'lab',
    scenario: SCENARIO,
    seed,
    db,
    staleAfterMs: 3 * HOUR,
    silentAfterMs: 3 * HOUR,
  });
}

describe('agent/runtime/lab-replay', () => {
  it('resumes nothing from an empty database', async () => {
    const s = await session(join(await mkdtemp(join(tmpdir(), 'replay-')), 'avma.sqlite'));
    expect(s.resumedAt).toBeNull();
    await s.close();
  });

  it('rebuilds the host items the agent wrote, as of the last committed sweep', async () => {
    const db = join(await mkdtemp(join(tmpdir(), 'replay-')), 'avma.sqlite');
    const first = await session(db);
    const lab = first.lab;
    if (lab === null) throw new Error('no lab');
    await runLabWithAgent({
      session: first,
      end: lab.startTime + 8 * HOUR,
      sweepIntervalMs: HOUR,
      concurrency: 2,
    });
    const items = (name: string, l = lab) => Object.fromEntries(l.vmByName(name).hostItems);
    const expected = { web01: items('web01'), app01: items('app01') };
    expect(expected.web01).toHaveProperty('AvmaAgent.Key');
    await first.close();
    const second = await session(db);
    expect(second.resumedAt).toBe(Date.parse('2026-11-01T08:00:00Z'));
    expect(second.lab?.now()).toBe(second.resumedAt);
    expect({ web01: items('web01', second.lab ?? lab), app01: items('app01', second.lab ?? lab) }).toEqual(
      expected,
    );
    await second.close();
  });

  it('replays writes to a VM the scenario creates later, once the lab has created it', async () => {
    const created = validateScenario(
      scenario(
        [],
        [
          {
            at: '2026-11-01T02:30:00Z',
            type: 'create-vm',
            vm: {
              name: 'late01',
              host: 'HV01',
              guestAgent: true,
              guest: server('2019', 'standard', 'gvlk', 'unlicensed'),
            },
          },
        ],
      ),
    );
    const db = join(await mkdtemp(join(tmpdir(), 'replay-')), 'avma.sqlite');
    const options = {
      driver: 'lab',
      scenario: created,
      db,
      staleAfterMs: 3 * HOUR,
      silentAfterMs: 3 * HOUR,
    } as const;
    const first = await openSession(options);
    await runLabWithAgent({
      session: first,
      end: Date.parse('2026-11-01T05:00:00Z'),
      sweepIntervalMs: HOUR,
      concurrency: 2,
    });
    await first.close();
    const second = await openSession(options);
    expect(Object.keys(Object.fromEntries(second.lab?.vmByName('late01').hostItems ?? []))).toEqual([
      'AvmaAgent.Key',
      'AvmaAgent.Intent',
    ]);
    await second.close();
  });

  it('refuses a database another seed wrote', async () => {
    const db = join(await mkdtemp(join(tmpdir(), 'replay-')), 'avma.sqlite');
    const first = await session(db, 1);
    await runLabWithAgent({
      session: first,
      end: (first.lab?.startTime ?? 0) + 2 * HOUR,
      sweepIntervalMs: HOUR,
      concurrency: 2,
    });
    await first.close();
    const refused = await session(db, 2).then(
      () => null,
      (error: unknown) => error,
    );
    expect(refused).toBeInstanceOf(RuntimeError);
    expect((refused as RuntimeError).code).toBe('LAB_MISMATCH');
  });
});
