import { describe, expect, it } from 'vitest';
import { afterCalls, agentNames, removeCalls, setCalls } from '../../../agent/decide/kvp-calls.js';

const KEY = 'AvmaAgent.Key';
const INTENT = 'AvmaAgent.Intent';

describe('agent/decide/kvp-calls', () => {
  it('adds missing items in one call, in the order wanted', () => {
    const calls = setCalls(
      new Map(),
      new Map([
        [KEY, 'K'],
        [INTENT, 'I'],
      ]),
    );
    expect(calls).toEqual([
      {
        op: 'add',
        items: [
          { name: KEY, data: 'K' },
          { name: INTENT, data: 'I' },
        ],
      },
    ]);
  });

  it('modifies present items and adds missing ones, the key’s call first', () => {
    expect(
      setCalls(
        new Map([[KEY, 'old']]),
        new Map([
          [KEY, 'K'],
          [INTENT, 'I'],
        ]),
      ),
    ).toEqual([
      { op: 'modify', items: [{ name: KEY, data: 'K' }] },
      { op: 'add', items: [{ name: INTENT, data: 'I' }] },
    ]);
    expect(
      setCalls(
        new Map([[INTENT, 'old']]),
        new Map([
          [KEY, 'K'],
          [INTENT, 'I'],
        ]),
      ),
    ).toEqual([
      { op: 'add', items: [{ name: KEY, data: 'K' }] },
      { op: 'modify', items: [{ name: INTENT, data: 'I' }] },
    ]);
  });

  it('plans nothing when the host already holds every value (a re-run after a crash)', () => {
    expect(
      setCalls(
        new Map([
          [KEY, 'K'],
          [INTENT, 'I'],
        ]),
        new Map([
          [KEY, 'K'],
          [INTENT, 'I'],
        ]),
      ),
    ).toEqual([]);
  });

  it('never plans a write or a removal of an item that is not ours', () => {
    expect(setCalls(new Map(), new Map([['Name', 'x']]))).toEqual([]);
    expect(removeCalls(new Map([['Name', 'x']]), ['Name'])).toEqual([]);
  });

  it('removes only the names the host holds', () => {
    expect(removeCalls(new Map([[KEY, 'K']]), [KEY, INTENT])).toEqual([
      { op: 'remove', items: [{ name: KEY, data: '' }] },
    ]);
    expect(removeCalls(new Map(), [KEY])).toEqual([]);
  });

  it('tells the host’s items after the calls, and which of them are ours', () => {
    const before = new Map([
      ['Name', 'x'],
      [KEY, 'K'],
    ]);
    const after = afterCalls(before, [
      { op: 'remove', items: [{ name: KEY, data: '' }] },
      { op: 'add', items: [{ name: INTENT, data: 'I' }] },
    ]);
    expect([...after]).toEqual([
      ['Name', 'x'],
      [INTENT, 'I'],
    ]);
    expect(agentNames(after)).toEqual([INTENT]);
    expect([...before]).toEqual([
      ['Name', 'x'],
      [KEY, 'K'],
    ]);
  });
});
