import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { abortableSleep, runAgentLoop } from '../../../agent/runtime/agent-loop.js';
import { type AgentSession, openSession } from '../../../agent/runtime/agent-session.js';
import { openRaw } from '../store/raw-sqlite.js';

async function labSession(busyTimeoutMs = 5000): Promise<AgentSession> {
  const db = join(await mkdtemp(join(tmpdir(), 'agent-loop-')), 'avma.sqlite');
  return openSession({
    driver: 'lab',
    db,
    staleAfterMs: 600_000,
    silentAfterMs: 180_000,
    busyTimeoutMs,
    hosts: ['HV01', 'HV02'],
  });
}

/** A real clock the test moves: each sleep advances it by the time slept. */
function fakeTime() {
  let now = 1_000_000;
  const slept: number[] = [];
  return {
    realClock: () => now,
    sleep: async (ms: number) => {
      slept.push(ms);
      now += ms;
    },
    slept,
  };
}

/** A loop recording each round, a sweep every simulated minute with the lab at 60x: the lines it prints go to `lines`. */
function everyMinute(session: AgentSession, lines: string[], maxRounds: number) {
  return {
    session,
    intervalMs: 60_000,
    labSpeed: 60,
    concurrency: 2,
    record: true,
    optOuts: [],
    progress: (line: string) => lines.push(line),
    signal: new AbortController().signal,
    maxRounds,
  };
}

describe('agent/runtime/agent-loop', () => {
  let session: AgentSession | null = null;
  afterEach(async () => {
    await session?.close();
    session = null;
  });

  it('moves the lab clock with the real one at the lab speed, a round every interval of lab time', async () => {
    session = await labSession();
    const time = fakeTime();
    const lines: string[] = [];
    const summary = await runAgentLoop({ ...everyMinute(session, lines, 3), ...time });
    expect(summary).toMatchObject({ rounds: 3, failedRounds: 0 });
    expect(time.slept).toEqual([1000, 1000]);
    expect(lines.map((line) => line.slice(0, 31))).toEqual([
      '[2026-11-01T00:00:00.000Z] HV01',
      '[2026-11-01T00:00:00.000Z] HV02',
      '[2026-11-01T00:01:00.000Z] HV01',
      '[2026-11-01T00:01:00.000Z] HV02',
      '[2026-11-01T00:02:00.000Z] HV01',
      '[2026-11-01T00:02:00.000Z] HV02',
    ]);
    expect(summary.lastReport?.at).toBe('2026-11-01T00:02:00.000Z');
  });

  it('sweeps first at the clock’s start however long the start-up took, then follows the real clock', async () => {
    session = await labSession();
    const time = fakeTime();
    let reads = 0;
    // Every reading of the real clock is 3 ms after the last: a loaded machine between start and first round.
    const realClock = () => time.realClock() + 3 * reads++;
    const lines: string[] = [];
    await runAgentLoop({ ...everyMinute(session, lines, 2), realClock, sleep: time.sleep });
    expect(lines[0]?.slice(0, 26)).toBe('[2026-11-01T00:00:00.000Z]');
    expect(lines[2]?.slice(0, 26)).not.toBe('[2026-11-01T00:00:00.000Z]');
  });

  it('prunes past retention after the first round and then once a day of the driver clock, only when recording', async () => {
    session = await labSession();
    const prunes = vi.spyOn(session.store, 'pruneRawData');
    const loop = {
      session,
      intervalMs: 12 * 3_600_000,
      labSpeed: 1_000_000,
      concurrency: 2,
      optOuts: [],
      progress: () => undefined,
      signal: new AbortController().signal,
      rawMonths: 48,
      maxRounds: 4,
      ...fakeTime(),
    };
    await runAgentLoop({ ...loop, record: true });
    expect(
      prunes.mock.calls.map(([options]) => [options.now.toISOString(), options.rawMonths, options.actor]),
    ).toEqual([
      ['2026-11-01T00:00:00.000Z', 48, 'agent'],
      ['2026-11-02T00:00:00.000Z', 48, 'agent'],
    ]);
    prunes.mockClear();
    await runAgentLoop({ ...loop, record: false, maxRounds: 1 });
    expect(prunes).not.toHaveBeenCalled();
  });

  it('stops when the signal aborts, after the round in progress', async () => {
    session = await labSession();
    const controller = new AbortController();
    const time = fakeTime();
    let rounds = 0;
    const summary = await runAgentLoop({
      ...everyMinute(session, [], Number.POSITIVE_INFINITY),
      progress: (line) => {
        if (line.includes('HV02')) rounds += 1;
        if (rounds === 2) controller.abort();
      },
      signal: controller.signal,
      ...time,
    });
    expect(summary.rounds).toBe(2);
  });

  it('reports a round the locked database refused and records at the next one', async () => {
    session = await labSession(100);
    const other = await openRaw(session.store.path);
    await other.exec('BEGIN EXCLUSIVE');
    const lines: string[] = [];
    const time = fakeTime();
    const summary = await runAgentLoop({
      ...everyMinute(session, lines, 2),
      realClock: time.realClock,
      sleep: async (ms) => {
        await other.exec('ROLLBACK');
        await time.sleep(ms);
      },
    });
    await other.close();
    expect(summary).toMatchObject({ rounds: 2, failedRounds: 1 });
    expect(lines[0]).toMatch(/HV01: .* — NOT RECORDED: LOCKED: database .* is locked by another process/);
    expect(lines.slice(2).every((line) => !line.includes('NOT RECORDED'))).toBe(true);
  });

  it('applies the configuration’s opt-outs once the store knows the VM, and names the ones it cannot find', async () => {
    session = await labSession();
    const lines: string[] = [];
    const options = {
      ...everyMinute(session, lines, 2),
      optOuts: [{ vm: 'web02', reason: 'own licence' }, { vm: 'nosuchvm' }],
      ...fakeTime(),
    };
    await runAgentLoop(options);
    const web02 = (await session.store.listVmStatus()).find((vm) => vm.name === 'web02');
    expect(web02).toMatchObject({ optedOut: true, reasons: ['OPTED_OUT'] });
    expect(
      (await session.store.listAudit({ actions: ['opt-out'] })).map((row) => [row.actor, row.reason]),
    ).toEqual([['config', 'own licence']]);
    expect(lines.filter((line) => line.startsWith('config opt-out'))).toEqual([
      'config opt-out "web02": no single VM of that name or id yet',
      'config opt-out "nosuchvm": no single VM of that name or id yet',
      'config opt-out "nosuchvm": no single VM of that name or id yet',
    ]);
  });

  it('sleeps until aborted, and not at all once aborted', async () => {
    const controller = new AbortController();
    const started = Date.now();
    setTimeout(() => controller.abort(), 20);
    await abortableSleep(10_000, controller.signal);
    expect(Date.now() - started).toBeLessThan(2000);
    await abortableSleep(10_000, controller.signal);
  });
});
