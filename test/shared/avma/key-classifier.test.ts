import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AVMA_KEYS, SEED_2019_STANDARD_RENDERING } from '../../../shared/avma/src/avma-keys.js';
import { AvmaError } from '../../../shared/avma/src/errors.js';
import { GVLKS } from '../../../shared/avma/src/gvlk.js';
import {
  classifyProductKey,
  expectAvmaKey,
  normalizeProductKey,
  PRODUCT_KEY_ALPHABET,
} from '../../../shared/avma/src/key-classifier.js';

function failure(action: () => unknown): AvmaError {
  try {
    action();
  } catch (error) {
    if (error instanceof AvmaError) return error;
    throw error;
  }
  throw new Error('expected an AvmaError');
}

describe('shared/avma/key-classifier', () => {
  describe('normalizeProductKey', () => {
    it('uppercases and regroups a key typed in lower case with spaces, tabs and no dashes', () => {
      expect(normalizeProductKey(' w3gnr 8ddxr\t2tfrp h8p33dv9bg ')).toBe('W3GNR-8DDXR-2TFRP-H8P33-DV9BG');
    });

    it('repairs the machine-translated rendering of the 2019 Standard key from the Chinese AVMA page', () => {
      expect(normalizeProductKey(SEED_2019_STANDARD_RENDERING)).toBe('TNK62-RXVTB-4P47B-2D623-4GF74');
    });

    it('accepts em-dashes and other hyphen look-alikes that copy-paste substitutes', () => {
      expect(normalizeProductKey('W3GNR\u20148DDXR\u20132TFRP\u2011H8P33\u2212DV9BG')).toBe(
        'W3GNR-8DDXR-2TFRP-H8P33-DV9BG',
      );
    });

    it('rejects a three-character key naming its length and the expected shape', () => {
      const error = failure(() => normalizeProductKey('ABC'));
      expect(error.code).toBe('INVALID_PRODUCT_KEY');
      expect(error.message).toBe('product key "ABC" has 3 characters, expected 25 (5 groups of 5)');
    });

    it('rejects an empty or blank key', () => {
      expect(failure(() => normalizeProductKey('  - ')).message).toBe(
        'product key is empty, expected 25 characters (5 groups of 5)',
      );
    });

    it('rejects a letter outside the product-key alphabet, naming it and its position', () => {
      const error = failure(() => normalizeProductKey('W3GNO-8DDXR-2TFRP-H8P33-DV9BG'));
      expect(error.code).toBe('INVALID_PRODUCT_KEY');
      expect(error.message).toBe(
        `product key "W3GNO-8DDXR-2TFRP-H8P33-DV9BG" has "O" at position 5, expected only ${PRODUCT_KEY_ALPHABET}`,
      );
    });

    it('rejects a key with two letters N, which no key encoding produces', () => {
      expect(failure(() => normalizeProductKey('NNGRR-8DDXR-2TFRP-H8P33-DV9BG')).message).toBe(
        'product key "NNGRR-8DDXR-2TFRP-H8P33-DV9BG" has 2 letters N, expected at most one',
      );
    });

    it('rejects oversized input before looking at it, and quotes long input only in part', () => {
      expect(failure(() => normalizeProductKey('A'.repeat(100_000))).message).toBe(
        'product key input has 100000 characters, expected at most 64',
      );
      expect(failure(() => normalizeProductKey('B'.repeat(30))).message).toBe(
        `product key "${'B'.repeat(30)}" has 30 characters, expected 25 (5 groups of 5)`,
      );
    });

    it('rejects a non-string from untyped callers with a one-line message', () => {
      expect(failure(() => normalizeProductKey(null as unknown as string)).message).toBe(
        'product key is null, expected a string',
      );
    });

    it('uses the 24 base-24 digits of public key decoders plus the N of Windows 8 and later keys', () => {
      expect([...PRODUCT_KEY_ALPHABET].filter((c) => c !== 'N').join('')).toBe('BCDFGHJKMPQRTVWXY2346789');
    });

    it('accepts every key of the AVMA and GVLK tables unchanged', () => {
      for (const key of [...AVMA_KEYS.map((e) => e.key), ...GVLKS.map((e) => e.key)]) {
        expect(normalizeProductKey(key)).toBe(key);
        expect(
          [...key.replaceAll('-', '')].every((c) => PRODUCT_KEY_ALPHABET.includes(c)),
          key,
        ).toBe(true);
      }
    });

    it('normalises any casing, spacing and dash removal of an AVMA key back to the key', () => {
      const spelling = fc.record({
        entry: fc.constantFrom(...AVMA_KEYS),
        lower: fc.array(fc.boolean(), { minLength: 29, maxLength: 29 }),
        separator: fc.constantFrom('', ' ', '-', ' - ', '\t'),
      });
      fc.assert(
        fc.property(spelling, ({ entry, lower, separator }) => {
          const typed = entry.key
            .split('-')
            .join(separator)
            .split('')
            .map((c, i) => (lower[i] ? c.toLowerCase() : c))
            .join('');
          expect(normalizeProductKey(typed)).toBe(entry.key);
        }),
      );
    });
  });

  describe('classifyProductKey', () => {
    it('classifies the seed rendering of the 2019 Standard key as the AVMA key of 2019 and its semi-annual releases', () => {
      expect(classifyProductKey(SEED_2019_STANDARD_RENDERING)).toEqual({
        input: SEED_2019_STANDARD_RENDERING,
        normalized: 'TNK62-RXVTB-4P47B-2D623-4GF74',
        kind: 'avma',
        version: '2019',
        edition: 'standard',
        versions: ['1809', '2019', '1903', '1909'],
      });
    });

    it('classifies every AVMA key back to its version and edition', () => {
      for (const entry of AVMA_KEYS) {
        expect(classifyProductKey(entry.key.toLowerCase())).toMatchObject({
          kind: 'avma',
          version: entry.primaryVersion,
          edition: entry.edition,
          versions: entry.versions,
        });
      }
    });

    it('classifies the key AutomatedLab-style scripts ship as "2022 Standard" AVMA key as the 1809 Standard GVLK', () => {
      expect(classifyProductKey('N2KJX-J94YW-TQVFB-DG9YT-724CC')).toMatchObject({
        kind: 'gvlk',
        version: '1809',
        edition: 'standard',
        versions: ['1809', '1903', '1909'],
      });
    });

    it('classifies a client GVLK with its client release', () => {
      expect(classifyProductKey('NPPR9-FWDCX-D2C8J-H872K-2YT43')).toMatchObject({
        kind: 'gvlk',
        version: '11',
        edition: 'enterprise',
      });
    });

    it('reports a well-formed key found in no table as unknown with empty facts', () => {
      expect(classifyProductKey('B69WH-PRNHK-BXVK3-P9XF7-XD84C')).toEqual({
        input: 'B69WH-PRNHK-BXVK3-P9XF7-XD84C',
        normalized: 'B69WH-PRNHK-BXVK3-P9XF7-XD84C',
        kind: 'unknown',
        version: null,
        edition: null,
        versions: [],
      });
    });

    it('throws for a malformed key instead of calling it unknown', () => {
      expect(failure(() => classifyProductKey('XXXXX')).code).toBe('INVALID_PRODUCT_KEY');
    });
  });

  describe('expectAvmaKey', () => {
    it('returns the canonical AVMA key when the input is the right one in any spelling', () => {
      expect(expectAvmaKey('ydfwn mj9jr 3dyrk fxxrw 78vhk', '2022', 'standard')).toBe(
        'YDFWN-MJ9JR-3DYRK-FXXRW-78VHK',
      );
      expect(expectAvmaKey('H3RNG-8C32Q-Q8FRX-6TDXV-WMBMW', '1903', 'datacenter')).toBe(
        'H3RNG-8C32Q-Q8FRX-6TDXV-WMBMW',
      );
    });

    it('explains that the 2022 Azure Edition GVLK a public script ships is not an AVMA key', () => {
      const error = failure(() => expectAvmaKey('NTBV8-9K7Q8-V27C6-M2BTV-KHMXV', '2022', 'datacenter-azure'));
      expect(error.code).toBe('WRONG_AVMA_KEY');
      expect(error.message).toBe(
        'NTBV8-9K7Q8-V27C6-M2BTV-KHMXV is the KMS client key (GVLK) for Windows Server 2022 Datacenter: Azure Edition, ' +
          'not an AVMA key; the AVMA key for Windows Server 2022 Datacenter: Azure Edition is F7TB6-YKN8Y-FCC6R-KQ484-VMK3J',
      );
    });

    it('explains that the key shipped as the "2022 Standard" AVMA key is the semi-annual Standard GVLK', () => {
      expect(failure(() => expectAvmaKey('N2KJX-J94YW-TQVFB-DG9YT-724CC', '2022', 'standard')).message).toBe(
        'N2KJX-J94YW-TQVFB-DG9YT-724CC is the KMS client key (GVLK) for Windows Server Standard (versions 1809, 1903, 1909), ' +
          'not an AVMA key; the AVMA key for Windows Server 2022 Standard is YDFWN-MJ9JR-3DYRK-FXXRW-78VHK',
      );
    });

    it('catches the AutomatedLab mix-up of the 2019 Datacenter KMS key for the AVMA key (#548)', () => {
      expect(
        failure(() => expectAvmaKey('WMDGN-G9PQG-XVVXX-R3X43-63DFG', '2019', 'datacenter')).message,
      ).toBe(
        'WMDGN-G9PQG-XVVXX-R3X43-63DFG is the KMS client key (GVLK) for Windows Server 2019 Datacenter, ' +
          'not an AVMA key; the AVMA key for Windows Server 2019 Datacenter is H3RNG-8C32Q-Q8FRX-6TDXV-WMBMW',
      );
    });

    it('names the owner when the AVMA key belongs to another version', () => {
      expect(failure(() => expectAvmaKey('C3RCX-M6NRP-6CXC9-TW2F2-4RHYD', '2022', 'standard')).message).toBe(
        'C3RCX-M6NRP-6CXC9-TW2F2-4RHYD is the AVMA key for Windows Server 2016 Standard, not for Windows Server 2022 Standard; ' +
          'the AVMA key for Windows Server 2022 Standard is YDFWN-MJ9JR-3DYRK-FXXRW-78VHK',
      );
    });

    it('rejects the unpublished key a public script ships as "2022 Datacenter"', () => {
      expect(
        failure(() => expectAvmaKey('B69WH-PRNHK-BXVK3-P9XF7-XD84C', '2022', 'datacenter')).message,
      ).toBe(
        'B69WH-PRNHK-BXVK3-P9XF7-XD84C is not a published AVMA or KMS client key; ' +
          'the AVMA key for Windows Server 2022 Datacenter is W3GNR-8DDXR-2TFRP-H8P33-DV9BG',
      );
    });

    it('refuses a version and edition Microsoft publishes no AVMA key for', () => {
      const error = failure(() => expectAvmaKey('W3GNR-8DDXR-2TFRP-H8P33-DV9BG', '2022', 'essentials'));
      expect(error.code).toBe('NO_AVMA_KEY');
      expect(error.message).toBe('Microsoft publishes no AVMA key for Windows Server 2022 Essentials');
    });
  });
});
