import { describe, expect, it } from 'vitest';
import { AvmaError } from '../../../shared/avma/src/errors.js';
import {
  isGraceStatus,
  LICENSE_STATUS_WMI_NAMES,
  LICENSE_STATUSES,
  licenseStatusCode,
  licenseStatusFromCode,
  licenseStatusWmiName,
  parseLicenseStatus,
} from '../../../shared/avma/src/license-status.js';
import { fixtureText } from './fixture-text.js';

describe('shared/avma/license-status', () => {
  it('numbers the WMI names in the order of the slmgr-ps LicenseStatusCode enum (0..6)', () => {
    const body = fixtureText('license-status-code.ps1').split('{')[1]?.split('}')[0] ?? '';
    const enumNames = body
      .split('\n')
      .map((line) => line.trim())
      .filter(Boolean);
    expect(enumNames).toEqual([...LICENSE_STATUS_WMI_NAMES]);
  });

  it('maps every WMI code to the scenario name and back', () => {
    const expected = [
      'unlicensed',
      'licensed',
      'oob-grace',
      'oot-grace',
      'non-genuine-grace',
      'notification',
      'extended-grace',
    ];
    expected.forEach((name, code) => {
      expect(licenseStatusFromCode(code)).toBe(name);
      expect(licenseStatusCode(licenseStatusFromCode(code))).toBe(code);
    });
    expect(LICENSE_STATUSES).toEqual(expected);
  });

  it('reads scenario names and WMI enum names in any case', () => {
    expect(parseLicenseStatus('OOBGrace')).toBe('oob-grace');
    expect(parseLicenseStatus(' nongenuinegrace ')).toBe('non-genuine-grace');
    expect(parseLicenseStatus('Extended-Grace')).toBe('extended-grace');
    expect(licenseStatusWmiName('oot-grace')).toBe('OOTGrace');
  });

  it('rejects a code outside 0..6 from an untrusted guest report with a one-line message', () => {
    for (const code of [7, -1, 1.5, Number.NaN]) {
      expect(() => licenseStatusFromCode(code)).toThrow(
        new AvmaError(
          'UNKNOWN_LICENSE_STATUS',
          `licence status code is ${String(code)}, expected an integer 0..6`,
        ),
      );
    }
  });

  it('rejects an unknown status name naming both vocabularies', () => {
    expect(() => parseLicenseStatus('activated')).toThrow(
      /^licence status "activated" is unknown, expected one of unlicensed, .* or Unlicensed, /,
    );
    expect(() => licenseStatusCode('active' as never)).toThrow(AvmaError);
  });

  it('counts the four grace states as grace and licensed, unlicensed and notification as not', () => {
    expect(LICENSE_STATUSES.filter(isGraceStatus)).toEqual([
      'oob-grace',
      'oot-grace',
      'non-genuine-grace',
      'extended-grace',
    ]);
  });
});
