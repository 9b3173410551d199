import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  byNameThenData,
  canonicalKvpItems,
  kvpItemChanges,
  NO_KVP_ITEMS,
  sameKvpItems,
} from '../../../../agent/store/repos/kvp-items.js';
import type { KvpItemRecord } from '../../../../agent/store/types.js';

/** A stored pool as its rows, `${nth} ${name}` -> data, and the changes applied to it. */
function rowsOf(items: readonly KvpItemRecord[]): Map<string, string> {
  const rows = new Map<string, string>();
  return kvpItemChanges(NO_KVP_ITEMS, items).upserts.reduce(
    (map, [name, nth, data]) => map.set(`${nth} ${name}`, data),
    rows,
  );
}

// Few names and values, so pools repeat names, share items and differ by one.
const item = fc.record({
  name: fc.constantFrom('A', 'B', 'Status', 'Dup', 'é'),
  data: fc.constantFrom('', '1', '2', 'x'),
});
const pool = fc.array(item, { maxLength: 8 });

describe('agent/store/repos/kvp-items', () => {
  it('puts any listing in the one canonical order (by name, then data), small pools and large', () => {
    fc.assert(
      fc.property(fc.array(item, { maxLength: 40 }), (listed) => {
        const expected = [...listed].sort(byNameThenData).map(({ name, data }) => ({ name, data }));
        expect(canonicalKvpItems(listed)).toEqual(expected);
        expect(canonicalKvpItems([...listed].reverse())).toEqual(expected);
      }),
    );
  });

  it('changes exactly the rows that turn the stored pool into the new one, in any listing order', () => {
    fc.assert(
      fc.property(pool, pool, (before, after) => {
        const [stored, items] = [canonicalKvpItems(before), canonicalKvpItems(after)];
        const rows = rowsOf(stored);
        const { deletes, upserts } = kvpItemChanges(stored, items);
        for (const [name, nth] of deletes) expect(rows.delete(`${nth} ${name}`)).toBe(true);
        for (const [name, nth, data] of upserts) {
          expect(rows.get(`${nth} ${name}`)).not.toBe(data);
          rows.set(`${nth} ${name}`, data);
        }
        expect(rows).toEqual(rowsOf(items));
        expect(deletes.length + upserts.length === 0).toBe(sameKvpItems(stored, items));
      }),
    );
  });

  it('writes one row when the status changes in a pool whose event ring is full', () => {
    const ring = Array.from({ length: 8 }, (_, i) => ({
      name: `AvmaAgent.Event.${i}`,
      data: `{"seq":${i}}`,
    }));
    const before = canonicalKvpItems([...ring, { name: 'AvmaAgent.Status', data: '{"at":1}' }]);
    const after = canonicalKvpItems([{ name: 'AvmaAgent.Status', data: '{"at":2}' }, ...ring.reverse()]);
    expect(kvpItemChanges(before, after)).toEqual({
      deletes: [],
      upserts: [['AvmaAgent.Status', 0, '{"at":2}']],
    });
  });

  it('numbers the items of a repeated name in canonical order, and lists them in any order alike', () => {
    const dup = canonicalKvpItems([
      { name: 'Dup', data: 'b' },
      { name: 'Dup', data: 'a' },
    ]);
    expect(kvpItemChanges(NO_KVP_ITEMS, dup).upserts).toEqual([
      ['Dup', 0, 'a'],
      ['Dup', 1, 'b'],
    ]);
    expect(kvpItemChanges(dup, canonicalKvpItems([{ name: 'Dup', data: 'b' }]))).toEqual({
      deletes: [['Dup', 1]],
      upserts: [['Dup', 0, 'b']],
    });
  });
});
