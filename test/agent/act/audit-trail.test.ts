import { describe, expect, it } from 'vitest';
import { auditRecords, recoveredRecord } from '../../../agent/act/audit-trail.js';
import { intentText, pushActions } from '../../../agent/decide/host-actions.js';

const AT = new Date('2026-11-01T00:30:00Z');
const CONTEXT = { at: AT, vm: '6a3f5c2e-0b1d-4e8f-9a7b-000000000001', host: 'HV01' };
const KEY = 'TNK62-RXVTB-4P47B-2D623-4GF74';

describe('agent/act/audit-trail', () => {
  it('records who, what, when and why with the exact calls that succeeded', () => {
    const [planned] = pushActions({
      hostItems: new Map(),
      key: KEY,
      seq: 4,
      need: 'grace',
      reason: 'eligible; in grace',
    });
    if (planned === undefined) throw new Error('nothing planned');
    const [record] = auditRecords([{ planned, calls: planned.calls, failure: null }], CONTEXT);
    expect(record).toEqual({
      at: AT,
      actor: 'agent',
      action: 'push-key',
      vm: CONTEXT.vm,
      host: 'HV01',
      reason: 'eligible; in grace',
      details: {
        seq: 4,
        partialKey: '4GF74',
        need: 'grace',
        calls: [
          {
            op: 'add',
            items: [
              { name: 'AvmaAgent.Key', data: KEY },
              { name: 'AvmaAgent.Intent', data: intentText(4, 'install') },
            ],
          },
        ],
      },
    });
  });

  it('says an action stopped part-way', () => {
    const [planned] = pushActions({ hostItems: new Map(), key: KEY, seq: 1, need: 'grace', reason: 'r' });
    if (planned === undefined) throw new Error('nothing planned');
    const [record] = auditRecords([{ planned, calls: [], failure: 'add failed' }], CONTEXT);
    expect(record?.reason).toBe('r (incomplete: add failed)');
  });

  it('records an intent no audit record covers as recovered, restating the host’s items', () => {
    const items = new Map([
      ['Name', 'Data'],
      ['AvmaAgent.Key', KEY],
      ['AvmaAgent.Intent', intentText(3, 'install')],
    ]);
    const record = recoveredRecord(items, 2, CONTEXT);
    expect(record).toMatchObject({
      action: 'push-key',
      details: {
        seq: 3,
        recovered: true,
        calls: [{ op: 'add', items: [{ name: 'AvmaAgent.Intent' }, { name: 'AvmaAgent.Key' }] }],
      },
    });
    expect(recoveredRecord(items, 3, CONTEXT)).toBeNull();
    expect(recoveredRecord(new Map([['AvmaAgent.Intent', intentText(5, 'wipe')]]), 3, CONTEXT)?.action).toBe(
      'send-wipe',
    );
    expect(
      recoveredRecord(new Map([['AvmaAgent.Intent', intentText(5, 'install')]]), 3, CONTEXT)?.action,
    ).toBe('send-intent');
  });
});
