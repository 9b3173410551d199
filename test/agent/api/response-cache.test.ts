import { describe, expect, it } from 'vitest';
import { ResponseCache } from '../../../agent/api/response-cache.js';

describe('agent/api/response-cache', () => {
  it('keeps an answer for its stamp only, and drops the least recently used past its bounds', () => {
    const cache = new ResponseCache(2, 1000);
    cache.set('a', { stamp: '1.1', status: 200, body: 'A' });
    expect(cache.get('a', '1.1')?.body).toBe('A');
    expect(cache.get('a', '2.1')).toBeUndefined();
    expect(cache.get('a', '1.1')).toBeUndefined();
    cache.set('a', { stamp: '1', status: 200, body: 'A' });
    cache.set('b', { stamp: '1', status: 200, body: 'B' });
    cache.get('a', '1');
    cache.set('c', { stamp: '1', status: 200, body: 'C' });
    expect([cache.get('a', '1')?.body, cache.get('b', '1')?.body, cache.get('c', '1')?.body]).toEqual([
      'A',
      undefined,
      'C',
    ]);
    cache.set('big', { stamp: '1', status: 200, body: 'x'.repeat(300) });
    expect(cache.get('big', '1')).toBeUndefined();
    expect(cache.size).toBe(2);
  });
});
