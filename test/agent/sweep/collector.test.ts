import { describe, expect, it } from 'vitest';
import { DriverError } from '../../../agent/driver/driver-error.js';
import type { HypervDriver } from '../../../agent/driver/hyperv-driver.js';
import {
  COLLECTOR_NAMES,
  type Collector,
  type CollectorInput,
  type CollectorName,
  describeError,
  runCollector,
} from '../../../agent/sweep/collector.js';
import { COLLECTOR_LIST, OPTIONAL_COLLECTORS } from '../../../agent/sweep/collectors/registry.js';
import { SweepCache } from '../../../agent/sweep/sweep-cache.js';

const INPUT: CollectorInput = {
  driver: {} as HypervDriver,
  cache: new SweepCache(),
  bookmark: 0,
  inventory: null,
};

function collector<T>(name: CollectorName, collect: () => Promise<T>, required = false): Collector<T> {
  return { name, help: 'test', required, collect };
}

describe('agent/sweep/collector', () => {
  it('times a collector that succeeds and hands back its value', async () => {
    const result = await runCollector(
      collector('host-facts', async () => {
        await new Promise((resolve) => setTimeout(resolve, 15));
        return 42;
      }),
      INPUT,
    );
    expect(result.value).toBe(42);
    expect(result.outcome).toMatchObject({ name: 'host-facts', enabled: true, success: true, error: null });
    expect(result.outcome.durationMs).toBeGreaterThanOrEqual(10);
  });

  it('turns a failure into an outcome with the error, never a rejection', async () => {
    const thrown = await runCollector(
      collector('vm-inventory', () => {
        throw new DriverError('HOST_UNAVAILABLE', 'host HV05 does not answer');
      }),
      INPUT,
    );
    expect(thrown).toEqual({
      value: null,
      outcome: expect.objectContaining({
        success: false,
        error: 'HOST_UNAVAILABLE: host HV05 does not answer',
      }),
    });
    const rejected = await runCollector(
      collector('host-events', async () => Promise.reject('plain text')),
      INPUT,
    );
    expect(rejected.outcome.error).toBe('plain text');
  });

  it('skips an optional collector turned off, and never a required one', async () => {
    let runs = 0;
    const counted = async () => ++runs;
    const off = new Set<CollectorName>(['host-events', 'host-facts']);
    const skipped = await runCollector(collector('host-events', counted), INPUT, off);
    expect(skipped).toEqual({
      value: null,
      outcome: { name: 'host-events', enabled: false, durationMs: 0, success: true, error: null },
    });
    expect((await runCollector(collector('host-facts', counted, true), INPUT, off)).value).toBe(1);
    expect(runs).toBe(1);
  });

  it('registers every collector once, in run order, and only the optional ones can be turned off', () => {
    expect(COLLECTOR_LIST.map((c) => c.name)).toEqual([...COLLECTOR_NAMES]);
    expect(OPTIONAL_COLLECTORS).toEqual(['host-events', 'guest-reports']);
  });

  it('keeps error lines short and on one line', () => {
    expect(describeError(new Error(`a\n   b ${'x'.repeat(400)}`))).toMatch(/^a b x+…$/);
    expect(describeError(new Error('a\nb')).includes('\n')).toBe(false);
  });
});
