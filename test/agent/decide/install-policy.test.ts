import { describe, expect, it } from 'vitest';
import { installNeed } from '../../../agent/decide/install-policy.js';
import { KEY_2016_DATACENTER, KEY_2019_DATACENTER, status } from './decide-kit.js';

const KEY = KEY_2019_DATACENTER;

describe('agent/decide/install-policy', () => {
  it.each([
    [
      'unlicensed with no key',
      status({ channel: 'none', licenseStatus: 'unlicensed', partialKey: null }),
      'unlicensed',
    ],
    [
      'past grace (notification)',
      status({ channel: 'none', licenseStatus: 'notification', partialKey: null }),
      'unlicensed',
    ],
    ['in out-of-box grace', status({ channel: 'unknown', licenseStatus: 'oob-grace' }), 'grace'],
    ['in extended grace', status({ channel: 'unknown', licenseStatus: 'extended-grace' }), 'grace'],
    ['licensed by KMS', status({ channel: 'gvlk', licenseStatus: 'licensed' }), 'kms-client-key'],
    [
      'on the 2016 AVMA key after an upgrade to 2019',
      status({ channel: 'avma', licenseStatus: 'oot-grace', partialKey: KEY_2016_DATACENTER.slice(-5) }),
      'wrong-avma-version',
    ],
  ] as const)('pushes to a guest %s', (_label, report, need) => {
    expect(installNeed(report, KEY, '2019')).toBe(need);
  });

  it.each([
    [
      'already holds this AVMA key, even while activation fails',
      status({ channel: 'avma', licenseStatus: 'oot-grace', partialKey: 'WMBMW' }),
    ],
    [
      'holds an AVMA key the table does not know',
      status({ channel: 'avma', licenseStatus: 'licensed', partialKey: 'BBBBB' }),
    ],
    [
      'holds an AVMA key whose partial key it did not report',
      status({ channel: 'avma', licenseStatus: 'licensed', partialKey: null }),
    ],
    ['holds a retail key', status({ channel: 'retail', licenseStatus: 'unlicensed' })],
    ['holds an OEM key', status({ channel: 'oem', licenseStatus: 'oob-grace' })],
    ['holds a MAK', status({ channel: 'mak', licenseStatus: 'licensed' })],
    ['is licensed with a key of unknown channel', status({ channel: 'unknown', licenseStatus: 'licensed' })],
  ] as const)('leaves alone a guest that %s', (_label, report) => {
    expect(installNeed(report, KEY, '2019')).toBeNull();
  });

  it('does not call an AVMA key of a semi-annual release sharing the key family wrong', () => {
    // 1809 guests use the 2019 keys (Microsoft's AVMA page).
    expect(installNeed(status({ channel: 'avma', partialKey: 'WMBMW' }), KEY, '1809')).toBeNull();
  });
});
