import { describe, expect, it } from 'vitest';
import { keyReplacement } from '../../../agent/decide/key-replacement.js';
import { reportOf, status } from './decide-kit.js';

describe('agent/decide/key-replacement', () => {
  it.each(['gvlk', 'mak', 'retail', 'oem'] as const)(
    'detects an AVMA key replaced by a %s key the guest reports',
    (channel) => {
      const signal = keyReplacement({
        previousChannel: 'avma',
        report: reportOf(status({ channel })),
        kvpWorking: true,
      });
      expect(signal).toBe(`the guest reports a ${channel} key where it held an AVMA key`);
    },
  );

  it('detects the guest agent having removed its items while the VM runs with working KVP', () => {
    const signal = keyReplacement({ previousChannel: 'avma', report: reportOf(null), kvpWorking: true });
    expect(signal).toMatch(/removed its AvmaAgent items/);
  });

  it('does not mistake a VM that is off (no Guest pool visible) for a wiped guest', () => {
    expect(keyReplacement({ previousChannel: 'avma', report: reportOf(null), kvpWorking: false })).toBeNull();
  });

  it('ignores guests that were not on an AVMA key', () => {
    expect(
      keyReplacement({
        previousChannel: 'gvlk',
        report: reportOf(status({ channel: 'retail' })),
        kvpWorking: true,
      }),
    ).toBeNull();
    expect(keyReplacement({ previousChannel: null, report: reportOf(null), kvpWorking: true })).toBeNull();
  });

  it('does not treat a removed key (slmgr /upk) or an unreadable status as a replacement', () => {
    expect(
      keyReplacement({
        previousChannel: 'avma',
        report: reportOf(status({ channel: 'none' })),
        kvpWorking: true,
      }),
    ).toBeNull();
    expect(
      keyReplacement({
        previousChannel: 'avma',
        report: reportOf(status({ channel: 'unknown' })),
        kvpWorking: true,
      }),
    ).toBeNull();
  });
});
