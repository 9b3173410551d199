import { EventEmitter } from 'node:events';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { stopOnSignals } from '../../../agent/runtime/stop-signal.js';

describe('agent/runtime/stop-signal', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  function setUp() {
    const source = new EventEmitter();
    const calls: string[] = [];
    const stop = stopOnSignals({
      graceMs: 25_000,
      source,
      onStopping: () => calls.push('stopping'),
      onDeadline: (reason) => calls.push(reason),
    });
    return { source, calls, stop };
  }

  it('asks the loop to stop on SIGTERM, and ends the process when the sweep is still running at the deadline', () => {
    const { source, calls, stop } = setUp();
    source.emit('SIGTERM');
    expect(stop.signal.aborted).toBe(true);
    vi.advanceTimersByTime(24_999);
    expect(calls).toEqual(['stopping']);
    vi.advanceTimersByTime(1);
    expect(calls).toEqual(['stopping', 'deadline']);
  });

  it('does nothing more once the loop finished in time, and a second Ctrl+C ends it at once', () => {
    const first = setUp();
    first.source.emit('SIGINT');
    first.stop.release();
    vi.advanceTimersByTime(60_000);
    first.source.emit('SIGINT');
    expect(first.calls).toEqual(['stopping']);
    expect(first.source.listenerCount('SIGINT')).toBe(0);

    const second = setUp();
    second.source.emit('SIGINT');
    second.source.emit('SIGINT');
    expect(second.calls).toEqual(['stopping', 'second-signal']);
  });
});
