import { describe, expect, it } from 'vitest';
import { createPrng } from '../../../agent/lab/prng.js';

const GUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('agent/lab/prng', () => {
  it('gives the same sequence for the same seed and another one for another seed', () => {
    const draw = (seed: number) => {
      const prng = createPrng(seed);
      return Array.from({ length: 8 }, () => prng.nextUint32());
    };
    expect(draw(42)).toEqual(draw(42));
    expect(draw(42)).not.toEqual(draw(43));
  });

  it('makes lower-case version-4 GUIDs that do not repeat', () => {
    const prng = createPrng(1);
    const guids = Array.from({ length: 2000 }, () => prng.nextGuid());
    for (const guid of guids) expect(guid).toMatch(GUID_V4);
    expect(new Set(guids).size).toBe(guids.length);
  });

  it('draws integers below the bound with every value about equally often', () => {
    const prng = createPrng(7);
    const counts = [0, 0, 0, 0, 0, 0];
    for (let i = 0; i < 60_000; i += 1) {
      const value = prng.nextInt(6);
      counts[value] = (counts[value] ?? 0) + 1;
    }
    for (const count of counts) expect(Math.abs(count - 10_000)).toBeLessThan(600);
  });

  it('refuses a bound that is not a positive integer and a seed that is not finite', () => {
    const prng = createPrng(1);
    expect(() => prng.nextInt(0)).toThrow(RangeError);
    expect(() => prng.nextInt(2.5)).toThrow(RangeError);
    expect(() => createPrng(Number.NaN)).toThrow(/seed is NaN/);
  });
});
