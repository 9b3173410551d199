import { describe, expect, it } from 'vitest';
import { SweepCache, sameXml } from '../../../agent/sweep/sweep-cache.js';

const ID = '6a3f5c2e-0b1d-4e8f-9a7b-000000000001';
const OTHER = '6a3f5c2e-0b1d-4e8f-9a7b-000000000002';

describe('agent/sweep/sweep-cache', () => {
  it('compares listings item by item', () => {
    expect(sameXml(['<a/>', '<b/>'], ['<a/>', '<b/>'])).toBe(true);
    expect(sameXml(['<a/>'], ['<a/>', '<b/>'])).toBe(false);
    expect(sameXml(['<a/>'], ['<b/>'])).toBe(false);
  });

  it('answers a pool committed with the same CIM-XML, and forgets one recorded as changed', () => {
    const cache = new SweepCache();
    cache.rememberCommitted(ID, 'guest', ['<a/>']);
    expect(cache.isCommitted(ID, 'guest', ['<a/>'])).toBe(true);
    expect(cache.isCommitted(ID, 'guest', ['<b/>'])).toBe(false);
    cache.rememberCommitted(ID, 'guest', null);
    expect(cache.isCommitted(ID, 'guest', ['<a/>'])).toBe(false);
  });

  it('forgets VMs no longer listed anywhere', () => {
    const cache = new SweepCache();
    for (const id of [ID, OTHER]) {
      cache.rememberRing(id, '1,2');
      cache.rememberCommitted(id, 'host', []);
      cache.rememberDecoded(id, 'host', { xml: [], items: [], problems: [] });
    }
    cache.retainOnly(new Set([ID]));
    expect([cache.ringOf(ID), cache.ringOf(OTHER)]).toEqual(['1,2', undefined]);
    expect(cache.isCommitted(OTHER, 'host', [])).toBe(false);
    expect(cache.decodedPool(OTHER, 'host', [])).toBeUndefined();
    expect(cache.decodedPool(ID, 'host', [])).toBeDefined();
  });
});
