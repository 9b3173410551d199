import { describe, expect, it } from 'vitest';
import { DriverError } from '../../../agent/driver/driver-error.js';
import { describeError, runCollector } from '../../../agent/sweep/collector.js';

describe('agent/sweep/collector', () => {
  it('times a collector that succeeds and hands back its value', async () => {
    const result = await runCollector('host-facts', async () => {
      await new Promise((resolve) => setTimeout(resolve, 15));
      return 42;
    });
    expect(result.value).toBe(42);
    expect(result.outcome).toMatchObject({ name: 'host-facts', success: true, error: null });
    expect(result.outcome.durationMs).toBeGreaterThanOrEqual(10);
  });

  it('turns a failure into an outcome with the error, never a rejection', async () => {
    const thrown = await runCollector('vm-inventory', () => {
      throw new DriverError('HOST_UNAVAILABLE', 'host HV05 does not answer');
    });
    expect(thrown).toEqual({
      value: null,
      outcome: expect.objectContaining({
        success: false,
        error: 'HOST_UNAVAILABLE: host HV05 does not answer',
      }),
    });
    const rejected = await runCollector('host-events', async () => Promise.reject('plain text'));
    expect(rejected.outcome.error).toBe('plain text');
  });

  it('keeps error lines short and on one line', () => {
    expect(describeError(new Error(`a\n   b ${'x'.repeat(400)}`))).toMatch(/^a b x+…$/);
    expect(describeError(new Error('a\nb')).includes('\n')).toBe(false);
  });
});
