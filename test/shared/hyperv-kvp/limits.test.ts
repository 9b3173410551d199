import fc from 'fast-check';
import { checkPortableLimits, checkWireLimits, utf8ByteLength } from 'hyperv-kvp';
import { describe, expect, it } from 'vitest';
import { expectKvpError } from './fixture-files.js';

describe('shared/hyperv-kvp/limits', () => {
  it('counts UTF-8 bytes exactly as TextEncoder writes them, lone surrogates included', () => {
    const encoder = new TextEncoder();
    fc.assert(
      fc.property(
        fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((unit) => String.fromCharCode(unit)) }),
        (text) => {
          expect(utf8ByteLength(text)).toBe(encoder.encode(text).length);
        },
      ),
    );
  });

  it('counts an ASCII text as its length, and one non-ASCII unit anywhere in it as UTF-8 does', () => {
    const encoder = new TextEncoder();
    const ascii = fc.string({
      unit: fc.integer({ min: 0, max: 0x7f }).map((unit) => String.fromCharCode(unit)),
    });
    const other = fc.integer({ min: 0x80, max: 0xffff }).map((unit) => String.fromCharCode(unit));
    fc.assert(
      fc.property(ascii, ascii, fc.option(other), (before, after, unit) => {
        const text = before + (unit ?? '') + after;
        expect(utf8ByteLength(text)).toBe(encoder.encode(text).length);
      }),
    );
  });

  it('accepts 255/1023 units on the wire and refuses one more', () => {
    expect(() => checkWireLimits({ name: 'k'.repeat(255), data: 'v'.repeat(1023) })).not.toThrow();
    expectKvpError(() => checkWireLimits({ name: 'k'.repeat(256), data: '' }), 'KEY_TOO_LONG');
    expectKvpError(() => checkWireLimits({ name: 'k', data: 'v'.repeat(1024) }), 'VALUE_TOO_LONG');
  });

  it('allows HostOnly (Source 4) values up to 8191 units on the wire', () => {
    expect(() => checkWireLimits({ name: 'k', data: 'v'.repeat(8191), source: 4 })).not.toThrow();
    expectKvpError(() => checkWireLimits({ name: 'k', data: 'v'.repeat(8192), source: 4 }), 'VALUE_TOO_LONG');
  });

  it('keeps portable items within what a Linux guest driver passes unchanged (254/1022 units)', () => {
    expect(() => checkPortableLimits({ name: 'k'.repeat(254), data: 'v'.repeat(1022) })).not.toThrow();
    const error = expectKvpError(
      () => checkPortableLimits({ name: 'k'.repeat(255), data: '' }, 5),
      'KEY_TOO_LONG',
    );
    expect(error.message).toBe('KVP item 5: key is 255 UTF-16 units, expected at most 254 (portable limit)');
    expectKvpError(() => checkPortableLimits({ name: 'k', data: 'v'.repeat(1023) }), 'VALUE_TOO_LONG');
  });
});
