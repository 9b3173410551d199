import { describe, expect, it } from 'vitest';
import { StoreError } from '../../../agent/store/index.js';
import { DEFAULT_STORE_RETRY, retryDelays, withStoreRetry } from '../../../agent/sweep/store-retry.js';

describe('agent/sweep/store-retry', () => {
  it('waits 0.5 s, 1 s, 2 s ... and at most 30 s in all by default', () => {
    const delays = retryDelays(DEFAULT_STORE_RETRY);
    expect(delays).toEqual([500, 1000, 2000, 4000, 8000, 14_500]);
    expect(delays.reduce((a, b) => a + b, 0)).toBe(30_000);
  });

  it('does not retry what would fail again (a bad argument), nor anything without a retry policy', async () => {
    let calls = 0;
    const bad = withStoreRetry(
      async () => {
        calls += 1;
        throw new StoreError('INVALID_ARGUMENT', 'bad');
      },
      { firstDelayMs: 1, maxTotalMs: 10 },
    );
    await expect(bad).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect(calls).toBe(1);
    const once = withStoreRetry(async () => {
      calls += 1;
      throw new StoreError('UNAVAILABLE', 'down');
    }, undefined);
    await expect(once).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    expect(calls).toBe(2);
  });

  it('stops when the agent is stopping', async () => {
    const stop = new AbortController();
    let calls = 0;
    const result = withStoreRetry(
      async () => {
        calls += 1;
        stop.abort();
        throw new StoreError('UNAVAILABLE', 'down');
      },
      { firstDelayMs: 60_000, maxTotalMs: 600_000, signal: stop.signal },
    );
    await expect(result).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    expect(calls).toBe(1);
  });
});
