import { utf8ByteLength as kvpUtf8ByteLength } from 'hyperv-kvp';
import { describe, expect, it } from 'vitest';
import {
  checkProtocolItem,
  fitsKeyLimit,
  PROTOCOL_MAX_KEY_UNITS,
  PROTOCOL_MAX_VALUE_UNITS,
  ProtocolError,
  utf8ByteLength,
  valueSizeViolation,
} from '../../../shared/protocol/index.js';

function tooLarge(check: () => void): string {
  try {
    check();
  } catch (error) {
    expect(error).toBeInstanceOf(ProtocolError);
    expect((error as ProtocolError).code).toBe('TOO_LARGE');
    return (error as ProtocolError).message;
  }
  throw new Error('expected a ProtocolError TOO_LARGE');
}

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

  it('counts with the one UTF-8 function hyperv-kvp exports, and takes the unit caps from its portable limits', () => {
    expect(utf8ByteLength).toBe(kvpUtf8ByteLength);
    expect([PROTOCOL_MAX_KEY_UNITS, PROTOCOL_MAX_VALUE_UNITS]).toEqual([254, 1022]);
  });

  it('checks a whole item: 1022 UTF-8 bytes of value, which non-ASCII text reaches first', () => {
    expect(() => checkProtocolItem({ name: 'k', data: 'v'.repeat(1022) })).not.toThrow();
    expect(() => checkProtocolItem({ name: 'k', data: 'é'.repeat(511) })).not.toThrow();
    expect(tooLarge(() => checkProtocolItem({ name: 'k', data: 'é'.repeat(512) }, 3))).toBe(
      'item 3: value is 1024 UTF-8 bytes, expected at most 1022',
    );
  });

  it('checks a whole item: a key of at most 254 units that also fits a Linux pool record (511 bytes)', () => {
    expect(() => checkProtocolItem({ name: '中'.repeat(170), data: '' })).not.toThrow();
    expect(tooLarge(() => checkProtocolItem({ name: '中'.repeat(171), data: '' }))).toBe(
      'item: key is 513 UTF-8 bytes, expected at most 511',
    );
    expect(tooLarge(() => checkProtocolItem({ name: 'k'.repeat(255), data: '' }))).toBe(
      'item: key is 255 UTF-16 units, expected at most 254',
    );
  });
});
