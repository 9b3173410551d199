import { isKvpSource, KVP_SOURCE, KVP_SOURCES } from 'hyperv-kvp';
import { describe, expect, it } from 'vitest';

describe('shared/hyperv-kvp/item', () => {
  it('accepts exactly the integers 0..4 as a Source', () => {
    expect(KVP_SOURCES.every(isKvpSource)).toBe(true);
    expect([5, -1, 1.5, Number.NaN, '1', null, undefined].some(isKvpSource)).toBe(false);
  });

  it('names the documented Source values after their WMI properties', () => {
    expect(KVP_SOURCE).toEqual({
      HOST_EXCHANGE_ITEMS: 0,
      GUEST_EXCHANGE_ITEMS: 1,
      GUEST_INTRINSIC_EXCHANGE_ITEMS: 2,
      HOST_ONLY_ITEMS: 4,
    });
  });
});
