import { describe, expect, it } from 'vitest';
import { AuthCache } from '../../../agent/api/auth-cache.js';

describe('agent/api/auth-cache', () => {
  it('remembers a token only for the database state it was checked in, and never past its expiry', () => {
    const cache = new AuthCache();
    const caller = { name: 'grafana', role: 'reader' as const };
    cache.set('avma_a', '3.7', caller, '2026-12-04T12:00:00.000Z');
    expect(cache.get('avma_a', '3.7', Date.parse('2026-12-04T11:59:59Z'))).toEqual(caller);
    expect(cache.get('avma_a', '3.8', Date.parse('2026-12-04T11:59:59Z'))).toBeUndefined();
    expect(cache.get('avma_a', '3.7', Date.parse('2026-12-04T12:00:00Z'))).toBeUndefined();
    expect(cache.get('avma_b', '3.7', 0)).toBeUndefined();
    cache.set('avma_c', '1.1', caller, null);
    expect(cache.get('avma_c', '1.1', Number.MAX_SAFE_INTEGER)).toEqual(caller);
  });
});
