import { describe, expect, it } from 'vitest';
import { fitsKeyLimit, utf8ByteLength, valueSizeViolation } from '../../../shared/protocol/index.js';

describe('shared/protocol/limits', () => {
  it('counts UTF-8 bytes like TextEncoder for ASCII, two-, three- and four-byte characters', () => {
    for (const text of ['AvmaAgent', 'Größe', '€ 中文', '😀 astral', '']) {
      expect(utf8ByteLength(text)).toBe(new TextEncoder().encode(text).length);
    }
  });

  it('counts a lone surrogate as the three bytes of U+FFFD', () => {
    expect(utf8ByteLength('\ud800')).toBe(3);
    expect(utf8ByteLength('a\udc00b')).toBe(5);
  });

  it('accepts a value of exactly 1022 units and bytes and refuses 1023', () => {
    expect(valueSizeViolation('x'.repeat(1022))).toBeNull();
    expect(valueSizeViolation('x'.repeat(1023))).toBe('is 1023 UTF-16 units, expected at most 1022');
  });

  it('refuses a value within 1022 units but over 1022 UTF-8 bytes', () => {
    expect(valueSizeViolation('é'.repeat(600))).toBe('is 1200 UTF-8 bytes, expected at most 1022');
  });

  it('limits keys to 1..254 units', () => {
    expect(fitsKeyLimit('k'.repeat(254))).toBe(true);
    expect(fitsKeyLimit('k'.repeat(255))).toBe(false);
    expect(fitsKeyLimit('')).toBe(false);
  });
});
