import { describe, expect, it } from 'vitest';
import { AvmaError } from '../../../shared/avma/src/errors.js';
import { parseEdition, parseServerVersion, serverProductName } from '../../../shared/avma/src/vocabulary.js';

describe('shared/avma/vocabulary', () => {
  it('reads the ways operators write Windows Server versions', () => {
    const cases: [string, string][] = [
      ['2012r2', '2012R2'],
      ['2012 R2', '2012R2'],
      ['Windows Server 2012 R2', '2012R2'],
      ['2008-r2', '2008R2'],
      ['2019', '2019'],
      ['Windows Server, version 1809', '1809'],
      ['version 1903', '1903'],
      [' 2025 ', '2025'],
    ];
    for (const [text, version] of cases) expect(parseServerVersion(text), text).toBe(version);
  });

  it('rejects an unknown version naming the accepted values', () => {
    expect(() => parseServerVersion('2003')).toThrow(
      new AvmaError(
        'UNKNOWN_VERSION',
        'unknown Windows Server version "2003", expected one of 2008R2, 2012, 2012R2, 2016, 1709, 1803, 1809, 2019, 1903, 1909, 2022, 2025',
      ),
    );
    expect(() => parseServerVersion('9'.repeat(200))).toThrow(/has 200 characters, expected at most 64$/);
  });

  it('reads editions as Microsoft and EditionID write them', () => {
    const cases: [string, string][] = [
      ['Datacenter', 'datacenter'],
      ['STANDARD', 'standard'],
      ['Datacenter: Azure Edition', 'datacenter-azure'],
      ['datacenter-azure', 'datacenter-azure'],
      ['ServerStandard', 'standard'],
      ['ServerSolution', 'essentials'],
      ['Professional', 'pro'],
      ['enterprise', 'enterprise'],
    ];
    for (const [text, edition] of cases) expect(parseEdition(text), text).toBe(edition);
  });

  it('rejects an unknown edition naming the accepted values', () => {
    expect(() => parseEdition('foo')).toThrow(
      new AvmaError(
        'UNKNOWN_EDITION',
        'unknown edition "foo", expected one of datacenter, standard, essentials, datacenter-azure, pro, enterprise',
      ),
    );
    expect(() => parseEdition(7 as unknown as string)).toThrow('edition is a number, expected a string');
  });

  it('names products the way Microsoft does', () => {
    expect(serverProductName('2012R2', 'standard')).toBe('Windows Server 2012 R2 Standard');
    expect(serverProductName('2022', 'datacenter-azure')).toBe(
      'Windows Server 2022 Datacenter: Azure Edition',
    );
    expect(serverProductName('1709', 'datacenter')).toBe('Windows Server, version 1709 Datacenter');
  });
});
