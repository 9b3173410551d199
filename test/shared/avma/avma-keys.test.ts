import { EDITIONS, type Edition, SERVER_VERSIONS, type ServerVersion } from 'hyperv-kvp';
import { describe, expect, it } from 'vitest';
import {
  AVMA_KEY_TABLE,
  AVMA_KEYS,
  avmaKeyByPartialKey,
  avmaKeyEntry,
  avmaKeyFor,
} from '../../../shared/avma/src/avma-keys.js';
import { GVLKS } from '../../../shared/avma/src/gvlk.js';
import { fixtureText } from './fixture-text.js';
import { keysOnMicrosoftPage } from './microsoft-avma-page.js';

describe('shared/avma/avma-keys', () => {
  it('holds every AVMA key Microsoft publishes, for each version and edition its page lists', () => {
    const page = keysOnMicrosoftPage();
    expect(page.length).toBe(16);
    for (const row of page) {
      for (const version of row.versions)
        expect(avmaKeyFor(version, row.edition), `${version} ${row.edition}`).toBe(row.key);
    }
  });

  it('lists nothing before 2025 that Microsoft does not publish', () => {
    const published = new Set(
      keysOnMicrosoftPage().flatMap((row) => row.versions.map((v) => `${v}/${row.edition}/${row.key}`)),
    );
    for (const entry of AVMA_KEYS.filter((e) => e.primaryVersion !== '2025')) {
      for (const version of entry.versions)
        expect(published).toContain(`${version}/${entry.edition}/${entry.key}`);
    }
  });

  it('takes the 2025 keys from a public script that cites the 2025 tab of the same page', () => {
    const script = fixtureText('deployr-avma-key-mapping-excerpt.ps1');
    expect(script).toContain('"2025.*Datacenter" = "YQB4H-NKHHJ-Q6K4R-4VMY6-VCH67"');
    expect(script).toContain('"2025.*Standard"   = "WWVGQ-PNHV9-B89P4-8GGM9-9HPQ4"');
    expect(script).toContain('"2025.*Azure"      = "6NMQ9-T38WF-6MFGM-QYGYM-88J4F"');
    expect(avmaKeyFor('2025', 'datacenter')).toBe('YQB4H-NKHHJ-Q6K4R-4VMY6-VCH67');
    expect(avmaKeyFor('2025', 'standard')).toBe('WWVGQ-PNHV9-B89P4-8GGM9-9HPQ4');
    expect(avmaKeyFor('2025', 'datacenter-azure')).toBe('6NMQ9-T38WF-6MFGM-QYGYM-88J4F');
  });

  it('gives the 2019 key to 1809, 1903 and 1909 and the 2016 key to 1709 and 1803', () => {
    for (const sac of ['1809', '1903', '1909'] as const) {
      expect(avmaKeyFor(sac, 'datacenter')).toBe('H3RNG-8C32Q-Q8FRX-6TDXV-WMBMW');
      expect(avmaKeyFor(sac, 'standard')).toBe('TNK62-RXVTB-4P47B-2D623-4GF74');
    }
    for (const sac of ['1709', '1803'] as const) {
      expect(avmaKeyFor(sac, 'datacenter')).toBe('TMJ3Y-NTRTM-FJYXT-T22BY-CWG3J');
      expect(avmaKeyFor(sac, 'standard')).toBe('C3RCX-M6NRP-6CXC9-TW2F2-4RHYD');
    }
  });

  it('has no key for Essentials after 2019, for semi-annual Essentials, for client editions, or for 2012 and 2008 R2', () => {
    const expectedNull: [ServerVersion, Edition][] = [
      ['2022', 'essentials'],
      ['2025', 'essentials'],
      ['1809', 'essentials'],
      ['1709', 'essentials'],
      ['2019', 'datacenter-azure'],
      ['2022', 'pro'],
      ['2019', 'enterprise'],
      ['2012', 'datacenter'],
      ['2008R2', 'standard'],
    ];
    for (const [version, edition] of expectedNull)
      expect(avmaKeyFor(version, edition), `${version} ${edition}`).toBeNull();
  });

  it('answers for every version and edition of the vocabulary without throwing', () => {
    const withKeys = SERVER_VERSIONS.flatMap((v) => EDITIONS.map((e) => avmaKeyFor(v, e))).filter(
      (k) => k !== null,
    );
    expect(withKeys).toHaveLength(25);
  });

  it('shares no key with the KMS client key (GVLK) table', () => {
    const gvlks = new Set(GVLKS.map((row) => row.key));
    for (const entry of AVMA_KEYS) expect(gvlks.has(entry.key), entry.key).toBe(false);
  });

  it('has distinct last-five-character suffixes, matching the derived table of avma-facts §1b', () => {
    const suffixes = AVMA_KEYS.map((entry) => entry.key.slice(-5));
    expect(new Set(suffixes).size).toBe(AVMA_KEYS.length);
    expect(suffixes.sort()).toEqual(
      [
        'VCH67',
        '88J4F',
        '9HPQ4',
        'DV9BG',
        'VMK3J',
        '78VHK',
        'WMBMW',
        '4GF74',
        'HFV28',
        'CWG3J',
        '4RHYD',
        'MHBKQ',
        'DV4TW',
        'MTB6V',
        'P36R2',
      ].sort(),
    );
  });

  it('finds the AVMA key from the partial key slmgr and WMI report, ignoring case and blanks', () => {
    expect(avmaKeyByPartialKey('VCH67')?.key).toBe('YQB4H-NKHHJ-Q6K4R-4VMY6-VCH67');
    expect(avmaKeyByPartialKey(' mtb6v ')).toMatchObject({ primaryVersion: '2012R2', edition: 'standard' });
    expect(avmaKeyByPartialKey('4GF74')).toMatchObject({
      primaryVersion: '2019',
      versions: ['1809', '2019', '1903', '1909'],
    });
  });

  it('finds nothing for a GVLK suffix or garbage from an untrusted report', () => {
    expect(avmaKeyByPartialKey('J464C')).toBeNull();
    expect(avmaKeyByPartialKey('')).toBeNull();
    expect(avmaKeyByPartialKey('x'.repeat(10_000))).toBeNull();
    expect(avmaKeyByPartialKey(42 as unknown as string)).toBeNull();
  });

  it('looks a canonical key up to its entry and rejects non-canonical spellings', () => {
    expect(avmaKeyEntry('W3GNR-8DDXR-2TFRP-H8P33-DV9BG')).toMatchObject({
      primaryVersion: '2022',
      edition: 'datacenter',
    });
    expect(avmaKeyEntry('w3gnr-8ddxr-2tfrp-h8p33-dv9bg')).toBeNull();
  });

  it('is frozen so no caller can swap a key at run time', () => {
    expect(Object.isFrozen(AVMA_KEYS)).toBe(true);
    expect(Object.isFrozen(AVMA_KEYS[0])).toBe(true);
    expect(Object.isFrozen(AVMA_KEY_TABLE)).toBe(true);
    expect(Object.isFrozen(AVMA_KEY_TABLE['2022'])).toBe(true);
    expect(() => {
      (AVMA_KEY_TABLE['2022'] as Record<string, string>).standard = 'X';
    }).toThrow(TypeError);
  });
});
