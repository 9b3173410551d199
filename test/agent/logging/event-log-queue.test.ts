import { describe, expect, it } from 'vitest';
import { type EventLogEntry, EventLogQueue } from '../../../agent/logging/event-log-queue.js';

/** A writer that holds every write until released, like a PowerShell call that takes its time. */
function slowWriter() {
  const written: EventLogEntry[] = [];
  const waiting: (() => void)[] = [];
  return {
    written,
    write: (entry: EventLogEntry) =>
      new Promise<void>((resolve) => {
        waiting.push(() => {
          written.push(entry);
          resolve();
        });
      }),
    releaseAll: async () => {
      while (waiting.length > 0) {
        waiting.shift()?.();
        await new Promise((resolve) => setImmediate(resolve));
      }
    },
  };
}

describe('agent/logging/event-log-queue', () => {
  it('returns at once while the writer is busy, drops and counts what does not fit, and says so in the next entry', async () => {
    const writer = slowWriter();
    const queue = new EventLogQueue(writer.write, 3);
    const accepted = Array.from({ length: 10 }, (_, i) => queue.push({ level: 'warning', message: `w${i}` }));
    // The first is being written, three wait, six were dropped.
    expect(accepted.filter(Boolean)).toHaveLength(4);
    expect(queue.counts()).toMatchObject({ dropped: 6, queued: 3, written: 0 });
    await writer.releaseAll();
    await queue.flush();
    expect(writer.written.map((entry) => entry.message)).toEqual([
      'w0',
      'w1 (6 earlier entries were dropped: the queue was full)',
      'w2',
      'w3',
    ]);
    expect(queue.counts()).toEqual({ written: 4, dropped: 6, failed: 0, queued: 0 });
  });

  it('counts failed writes, reports only the first, and goes on with the next entries', async () => {
    const failures: unknown[] = [];
    const written: string[] = [];
    const queue = new EventLogQueue(
      async (entry) => {
        if (entry.message.startsWith('bad')) throw new Error('source not registered');
        written.push(entry.message);
      },
      10,
      (error) => failures.push(error),
    );
    for (const message of ['bad1', 'bad2', 'good']) queue.push({ level: 'error', message });
    await queue.flush();
    expect(written).toEqual(['good']);
    expect(failures).toHaveLength(1);
    expect(queue.counts()).toMatchObject({ failed: 2, written: 1 });
  });
});
