import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { safeLine } from '../../../shared/errors/index.js';

// biome-ignore lint/suspicious/noControlCharactersInRegex: the characters the escaping must remove
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/;

describe('shared/errors/safe-line', () => {
  it('writes CR, LF, TAB, ESC, NUL, DEL and C1 controls as visible escapes', () => {
    expect(safeLine('AB\x1b[31mC\rD\nE\tF\0G\x7fH\x85I')).toBe('AB\\x1b[31mC\\rD\\nE\\tF\\x00G\\x7fH\\x85I');
  });

  it('escapes the line and paragraph separators and the bidi overrides and isolates', () => {
    expect(safeLine('a\u2028b\u2029c\u202ed\u2066e\u2069f\u200fg\u061ch')).toBe(
      'a\\u2028b\\u2029c\\u202ed\\u2066e\\u2069f\\u200fg\\u061ch',
    );
  });

  it('leaves printable text, accents, CJK, emoji and backslashes unchanged', () => {
    const text = 'C:\\ProgramData\\avma "Größe" 中文 😀 \\x1b';
    expect(safeLine(text)).toBe(text);
  });

  it('always yields one line without a raw unsafe character, and is idempotent', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        const line = safeLine(text);
        expect(UNSAFE.test(line)).toBe(false);
        expect(safeLine(line)).toBe(line);
      }),
    );
  });
});
