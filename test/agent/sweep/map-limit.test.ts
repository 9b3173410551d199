import { describe, expect, it } from 'vitest';
import { mapLimit } from '../../../agent/sweep/map-limit.js';

describe('agent/sweep/map-limit', () => {
  it('keeps the input order and never runs more than the limit at once', async () => {
    let running = 0;
    let most = 0;
    const result = await mapLimit([30, 10, 20, 5, 1], 2, async (ms, index) => {
      running += 1;
      most = Math.max(most, running);
      await new Promise((resolve) => setTimeout(resolve, ms));
      running -= 1;
      return index * 10;
    });
    expect(result).toEqual([0, 10, 20, 30, 40]);
    expect(most).toBe(2);
  });

  it('handles an empty list', async () => {
    expect(await mapLimit([], 4, async () => 1)).toEqual([]);
  });
});
