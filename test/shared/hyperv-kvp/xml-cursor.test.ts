import { decodeKvpItem } from 'hyperv-kvp';
import { describe, expect, it } from 'vitest';
import { expectKvpError, rawInstance } from './fixture-files.js';

/** Decodes `dataXml` as the Data text of an otherwise valid item. */
const decodeData = (dataXml: string) => decodeKvpItem(rawInstance('k', dataXml)).data;
/** The offset of `needle` inside the item built around `dataXml`. */
const offsetOf = (dataXml: string, needle: string) => rawInstance('k', dataXml).indexOf(needle);

describe('shared/hyperv-kvp/xml-cursor', () => {
  describe('references', () => {
    it('refuses entity names XML does not predefine, such as &nbsp; and &copy;', () => {
      const error = expectKvpError(() => decodeData('a&nbsp;b'), 'UNKNOWN_ENTITY');
      expect(error.offset).toBe(offsetOf('a&nbsp;b', '&nbsp;'));
      expect(error.reason).toBe('unknown entity &nbsp;, expected one of &amp; &lt; &gt; &quot; &apos;');
      expectKvpError(() => decodeData('&copy;'), 'UNKNOWN_ENTITY');
      expectKvpError(() => decodeData('&toString;'), 'UNKNOWN_ENTITY');
    });

    it("refuses a bare '&' and references that are not closed with ';'", () => {
      for (const text of ['AT&T', 'a & b', '&amp', '&#65', '&#x;', '&#;', '&#X41;', '&;']) {
        expectKvpError(() => decodeData(text), 'MALFORMED_XML');
      }
    });

    it('refuses references to NUL', () => {
      expectKvpError(() => decodeData('&#0;'), 'NUL_CHARACTER');
      expectKvpError(() => decodeData('&#x0000;'), 'NUL_CHARACTER');
    });

    it('refuses references to surrogates and beyond U+10FFFF, however many digits', () => {
      expectKvpError(() => decodeData('&#xD800;'), 'INVALID_CHAR_REF');
      expectKvpError(() => decodeData('&#57343;'), 'INVALID_CHAR_REF');
      expectKvpError(() => decodeData('&#x110000;'), 'INVALID_CHAR_REF');
      expectKvpError(() => decodeData(`&#${'9'.repeat(400)};`), 'INVALID_CHAR_REF');
      expectKvpError(() => decodeData(`&#x${'F'.repeat(400)};`), 'INVALID_CHAR_REF');
    });

    it('accepts the largest code point and leading zeros', () => {
      expect(decodeData('&#x10FFFF;&#x000041;')).toBe('\u{10FFFF}A');
    });

    it('refuses references to the non-characters U+FFFE and U+FFFF', () => {
      expectKvpError(() => decodeData('&#xFFFE;'), 'FORBIDDEN_CHARACTER');
      expectKvpError(() => decodeData('&#65535;'), 'FORBIDDEN_CHARACTER');
    });

    it('accepts references to C0 controls (XML 1.1 form, what encodeKvpItem writes)', () => {
      expect(decodeData('&#1;&#x1F;')).toBe('\u0001\u001f');
    });
  });

  describe('raw characters', () => {
    it('refuses a raw NUL with its offset', () => {
      expect(expectKvpError(() => decodeData('ab\u0000cd'), 'NUL_CHARACTER').offset).toBe(
        offsetOf('ab\u0000cd', '\u0000'),
      );
    });

    it('refuses raw C0 controls other than TAB, LF and CR', () => {
      for (const control of ['\u0001', '\u0008', '\u000b', '\u000c', '\u001f']) {
        expectKvpError(() => decodeData(`x${control}`), 'FORBIDDEN_CHARACTER');
      }
      expect(decodeData('\t\n')).toBe('\t\n');
    });

    it('refuses raw U+FFFE and U+FFFF but accepts the rest of the BMP and astral pairs', () => {
      expectKvpError(() => decodeData('\uFFFE'), 'FORBIDDEN_CHARACTER');
      expectKvpError(() => decodeData('\uFFFF'), 'FORBIDDEN_CHARACTER');
      expect(decodeData('\uE000\uFFFD\u00e9\u4e2d\u{1F600}')).toBe('\uE000\uFFFD\u00e9\u4e2d\u{1F600}');
    });

    it('refuses a lone high surrogate, a lone low surrogate and a reversed pair', () => {
      for (const text of ['a\uD83D', 'a\uD83Db', '\uDE00', '\uDE00\uD83D']) {
        expectKvpError(() => decodeData(text), 'UNPAIRED_SURROGATE');
      }
    });

    it("refuses ']]>' in text but accepts ']]&gt;' and a lone '>'", () => {
      expectKvpError(() => decodeData('a]]>b'), 'MALFORMED_XML');
      expect(decodeData('a]]&gt;b] ]>')).toBe('a]]>b] ]>');
    });

    it('refuses a lone surrogate in an attribute value and in a key', () => {
      expectKvpError(
        () => decodeKvpItem(rawInstance('k', 'v').replace('TYPE="string"', 'TYPE="\uD800"')),
        'UNPAIRED_SURROGATE',
      );
      expectKvpError(() => decodeKvpItem(rawInstance('k\uDC00', 'v')), 'UNPAIRED_SURROGATE');
    });
  });
});
