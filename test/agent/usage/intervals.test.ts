import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hoursOf, peakConcurrency, type Span, touches } from '../../../agent/usage/intervals.js';

/** Brute force: the most spans covering any start instant (a span covers [from, until), or its instant). */
function bruteForcePeak(spans: readonly Span[]): number {
  let peak = 0;
  for (const probe of spans) {
    const t = probe.fromMs;
    const covering = spans.filter((s) =>
      s.untilMs > s.fromMs ? s.fromMs <= t && t < s.untilMs : s.fromMs === t,
    );
    peak = Math.max(peak, covering.length);
  }
  return peak;
}

describe('agent/usage/intervals', () => {
  it('does not count a span ending at t and one starting at t as concurrent', () => {
    expect(
      peakConcurrency([
        { fromMs: 0, untilMs: 10 },
        { fromMs: 10, untilMs: 20 },
      ]),
    ).toBe(1);
    expect(
      peakConcurrency([
        { fromMs: 0, untilMs: 10 },
        { fromMs: 9, untilMs: 20 },
      ]),
    ).toBe(2);
  });

  it('counts a single sighting at its instant', () => {
    expect(
      peakConcurrency([
        { fromMs: 5, untilMs: 5 },
        { fromMs: 0, untilMs: 10 },
      ]),
    ).toBe(2);
    expect(
      peakConcurrency([
        { fromMs: 10, untilMs: 10 },
        { fromMs: 0, untilMs: 10 },
      ]),
    ).toBe(1);
    expect(peakConcurrency([])).toBe(0);
  });

  it('agrees with a brute-force count for any set of spans', () => {
    const span = fc
      .tuple(fc.integer({ min: 0, max: 50 }), fc.integer({ min: 0, max: 20 }))
      .map(([from, length]): Span => ({ fromMs: from, untilMs: from + length }));
    fc.assert(
      fc.property(
        fc.array(span, { maxLength: 30 }),
        (spans) => peakConcurrency(spans) === bruteForcePeak(spans),
      ),
    );
  });

  it('decides which spans belong to a month', () => {
    expect(touches({ fromMs: 0, untilMs: 100 }, 100, 200)).toBe(false);
    expect(touches({ fromMs: 100, untilMs: 100 }, 100, 200)).toBe(true);
    expect(touches({ fromMs: 200, untilMs: 300 }, 100, 200)).toBe(false);
    expect(touches({ fromMs: 50, untilMs: 150 }, 100, 200)).toBe(true);
  });

  it('rounds hours to two decimals', () => {
    expect(hoursOf(90 * 60_000)).toBe(1.5);
    expect(hoursOf(3_600_000 / 3)).toBe(0.33);
  });
});
