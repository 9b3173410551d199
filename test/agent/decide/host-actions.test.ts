import { describe, expect, it } from 'vitest';
import {
  currentIntent,
  intentText,
  pushActions,
  removeActions,
  wipeActions,
} from '../../../agent/decide/host-actions.js';
import { hostItems, KEY_2016_DATACENTER, KEY_2019_DATACENTER, status } from './decide-kit.js';

const KEY = KEY_2019_DATACENTER;

describe('agent/decide/host-actions', () => {
  it('pushes the key and an install intent to a host holding neither, in one add call', () => {
    const [push, ...rest] = pushActions({
      hostItems: hostItems(null, null),
      key: KEY,
      seq: 1,
      need: 'unlicensed',
      reason: 'why',
    });
    expect(rest).toEqual([]);
    expect(push).toEqual({
      action: 'push-key',
      reason: 'why',
      calls: [
        {
          op: 'add',
          items: [
            { name: 'AvmaAgent.Key', data: KEY },
            { name: 'AvmaAgent.Intent', data: '{"v":1,"seq":1,"action":"install"}' },
          ],
        },
      ],
      details: { seq: 1, partialKey: 'WMBMW', need: 'unlicensed' },
    });
  });

  it('replaces another version’s key and intent with modify calls', () => {
    const [push] = pushActions({
      hostItems: hostItems(KEY_2016_DATACENTER, intentText(4, 'install')),
      key: KEY,
      seq: 5,
      need: 'wrong-avma-version',
      reason: 'r',
    });
    expect(push?.calls).toEqual([
      {
        op: 'modify',
        items: [
          { name: 'AvmaAgent.Key', data: KEY },
          { name: 'AvmaAgent.Intent', data: '{"v":1,"seq":5,"action":"install"}' },
        ],
      },
    ]);
  });

  it('sends only a new intent when the host already holds the key', () => {
    const [send] = pushActions({
      hostItems: hostItems(KEY, intentText(2, 'install')),
      key: KEY,
      seq: 3,
      need: 'unlicensed',
      reason: 'r',
    });
    expect(send).toMatchObject({
      action: 'send-intent',
      calls: [{ op: 'modify', items: [{ name: 'AvmaAgent.Intent' }] }],
    });
  });

  it('reads the host’s intent, and treats a damaged one as absent', () => {
    expect(currentIntent(hostItems(KEY, intentText(9, 'wipe')))).toEqual({ v: 1, seq: 9, action: 'wipe' });
    expect(currentIntent(hostItems(KEY, '{"v":1,"seq":-1}'))).toBeNull();
  });

  it('withdraws every AvmaAgent item the host holds and nothing else', () => {
    const [remove] = removeActions(hostItems(KEY, intentText(1, 'install')), 'opted out');
    expect(remove).toMatchObject({
      action: 'remove-host-items',
      calls: [{ op: 'remove', items: [{ name: 'AvmaAgent.Intent' }, { name: 'AvmaAgent.Key' }] }],
      details: { names: ['AvmaAgent.Intent', 'AvmaAgent.Key'] },
    });
    expect(removeActions(hostItems(null, null), 'nothing of ours')).toEqual([]);
  });

  it('after a replacement: sends a wipe intent to an answering guest and stops offering the key', () => {
    const actions = wipeActions({
      hostItems: hostItems(KEY, intentText(3, 'install')),
      status: status({ channel: 'retail' }),
      guestItems: ['AvmaAgent.Status'],
      nextSeq: 4,
      reason: 'key replaced',
    });
    expect(actions.map((action) => [action.action, action.calls])).toEqual([
      [
        'send-wipe',
        [{ op: 'modify', items: [{ name: 'AvmaAgent.Intent', data: '{"v":1,"seq":4,"action":"wipe"}' }] }],
      ],
      ['remove-host-items', [{ op: 'remove', items: [{ name: 'AvmaAgent.Key', data: '' }] }]],
    ]);
  });

  it('keeps a wipe intent already sent while the guest still holds items', () => {
    const actions = wipeActions({
      hostItems: hostItems(null, intentText(4, 'wipe')),
      status: null,
      guestItems: ['AvmaAgent.Event.0'],
      nextSeq: 5,
      reason: 'r',
    });
    expect(actions).toEqual([]);
  });

  it('sends no wipe to a guest whose agent does not answer, and withdraws what the host offered', () => {
    const actions = wipeActions({
      hostItems: hostItems(KEY, intentText(3, 'install')),
      status: null,
      guestItems: ['AvmaAgent.Event.0'],
      nextSeq: 4,
      reason: 'r',
    });
    expect(actions.map((action) => action.action)).toEqual(['remove-host-items']);
    expect(actions[0]?.details).toEqual({ names: ['AvmaAgent.Intent', 'AvmaAgent.Key'] });
  });

  it('removes the last host item once the guest side is clean, then plans nothing', () => {
    const done = wipeActions({
      hostItems: hostItems(null, intentText(4, 'wipe')),
      status: null,
      guestItems: [],
      nextSeq: 5,
      reason: 'r',
    });
    expect(done.map((action) => action.details)).toEqual([{ names: ['AvmaAgent.Intent'] }]);
    expect(
      wipeActions({
        hostItems: hostItems(null, null),
        status: null,
        guestItems: [],
        nextSeq: 5,
        reason: 'r',
      }),
    ).toEqual([]);
  });
});
