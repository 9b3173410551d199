import { describe, expect, it } from 'vitest';
import { LabError } from '../../../agent/lab/lab-error.js';
import { createPrng } from '../../../agent/lab/prng.js';
import { HOUR_MS, MINUTE_MS, SimClock, SimScheduler, type TaskHandle } from '../../../agent/lab/sim-clock.js';

const T0 = Date.UTC(2026, 10, 1);

function scheduler(): { clock: SimClock; scheduler: SimScheduler; log: string[] } {
  const clock = new SimClock(T0);
  return { clock, scheduler: new SimScheduler(clock), log: [] };
}

describe('agent/lab/sim-clock', () => {
  it('runs due tasks in time order and moves the clock to each task and then to the target', async () => {
    const { clock, scheduler: s, log } = scheduler();
    s.schedule(T0 + 2 * HOUR_MS, 'b', () => void log.push(`b@${clock.nowIso()}`));
    s.schedule(T0 + HOUR_MS, 'a', () => void log.push(`a@${clock.nowIso()}`));
    s.schedule(T0 + 5 * HOUR_MS, 'late', () => void log.push('late'));
    expect(await s.runUntil(T0 + 3 * HOUR_MS)).toBe(2);
    expect(log).toEqual(['a@2026-11-01T01:00:00.000Z', 'b@2026-11-01T02:00:00.000Z']);
    expect(clock.now()).toBe(T0 + 3 * HOUR_MS);
    expect(s.pending).toBe(1);
  });

  it('runs tasks of the same time in the order they were scheduled', async () => {
    const { scheduler: s, log } = scheduler();
    for (const name of ['first', 'second', 'third']) s.schedule(T0, name, () => void log.push(name));
    await s.runUntil(T0);
    expect(log).toEqual(['first', 'second', 'third']);
  });

  it('runs tasks that tasks schedule, including async ones, within the same advance', async () => {
    const { clock, scheduler: s, log } = scheduler();
    const tick = async () => {
      log.push(clock.nowIso().slice(11, 16));
      await Promise.resolve();
      if (log.length < 4) s.schedule(clock.now() + HOUR_MS, 'tick', tick);
    };
    s.schedule(T0, 'tick', tick);
    await s.runUntil(T0 + 10 * HOUR_MS);
    expect(log).toEqual(['00:00', '01:00', '02:00', '03:00']);
  });

  it('does not run a cancelled task', async () => {
    const { scheduler: s, log } = scheduler();
    const handle = s.schedule(T0 + HOUR_MS, 'x', () => void log.push('x'));
    s.cancel(handle);
    await s.runUntil(T0 + 2 * HOUR_MS);
    expect(log).toEqual([]);
    expect(handle.done).toBe(true);
  });

  it('repeats a task that ran in the order a new schedule would take, and refuses one still waiting', async () => {
    const { clock, scheduler: s, log } = scheduler();
    const tick = () => {
      log.push(`tick@${clock.nowIso().slice(11, 16)}`);
      if (log.length < 6) s.repeat(handle, clock.now() + HOUR_MS);
    };
    const handle = s.schedule(T0, 'tick', tick);
    // Scheduled before the repeat that lands at 01:00: runs first at the same time, as with schedule.
    s.schedule(T0 + HOUR_MS, 'other', () => void log.push(`other@${clock.nowIso().slice(11, 16)}`));
    expect(() => s.repeat(handle, T0 + HOUR_MS)).toThrow(/still scheduled/);
    await s.runUntil(T0 + 10 * HOUR_MS);
    expect(log).toEqual([
      'tick@00:00',
      'other@01:00',
      'tick@01:00',
      'tick@02:00',
      'tick@03:00',
      'tick@04:00',
    ]);
    expect(handle.done).toBe(true);
    expect(s.pending).toBe(0);
  });

  it('runs repeated and scheduled tasks in exactly the order of one list by time, then scheduling', async () => {
    // Agents repeating every 5 minutes (the queue's case), some every 3 (out of order: the heap's),
    // and one-off tasks landing on the same minutes; a reference keeps one list ordered by time and
    // scheduling order, as the scheduler before the queue did.
    for (const seed of [1, 2, 3]) {
      const prng = createPrng(seed);
      const { clock, scheduler: s, log } = scheduler();
      const reference: { at: number; seq: number; name: string }[] = [];
      let seq = 0;
      const handles = new Map<string, TaskHandle>();
      const note = (name: string, at: number) =>
        reference.push({ at: Math.max(at, clock.now()), seq: seq++, name });
      const body = (name: string, every: number) => () => {
        log.push(`${name}@${(clock.now() - T0) / MINUTE_MS}`);
        const roll = prng.nextInt(60);
        if (roll < 6) {
          const at = clock.now() + prng.nextInt(4) * 5 * MINUTE_MS;
          const other = `once${log.length}`;
          s.schedule(at, other, () => void log.push(`${other}@${(clock.now() - T0) / MINUTE_MS}`));
          note(other, at);
        }
        if (roll !== 6) {
          s.repeat(handles.get(name) as TaskHandle, clock.now() + every);
          note(name, clock.now() + every);
        }
      };
      for (let i = 0; i < 12; i++) {
        const name = `agent${i}`;
        const every = (i % 4 === 3 ? 3 : 5) * MINUTE_MS;
        const at = T0 + prng.nextInt(3) * MINUTE_MS;
        handles.set(name, s.schedule(at, name, body(name, every)));
        note(name, at);
      }
      await s.runUntil(T0 + 6 * HOUR_MS);
      const due = reference
        .filter((task) => task.at <= T0 + 6 * HOUR_MS)
        .sort((a, b) => a.at - b.at || a.seq - b.seq);
      expect(log.length).toBeGreaterThan(300);
      expect(log).toEqual(due.map((task) => `${task.name}@${(task.at - T0) / MINUTE_MS}`));
    }
  });

  it('refuses to move the clock back and to advance from inside a task', async () => {
    const { clock, scheduler: s } = scheduler();
    await s.runUntil(T0 + HOUR_MS);
    expect(() => clock.set(T0)).toThrow(LabError);
    await expect(s.runUntil(T0)).rejects.toThrow(/cannot move the clock back/);
    s.schedule(clock.now(), 'nested', async () => {
      await s.runUntil(clock.now() + HOUR_MS);
    });
    await expect(s.runUntil(clock.now())).rejects.toMatchObject({ code: 'INVALID_OPERATION' });
  });
});
