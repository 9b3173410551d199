import { isKvpError, KVP_ERROR_CODES, KvpError, quoteForError } from 'hyperv-kvp';
import { describe, expect, it } from 'vitest';

describe('shared/hyperv-kvp/errors', () => {
  it('prefixes the reason with the item and offset when known', () => {
    expect(
      new KvpError('INVALID_SOURCE', 'Source is "7", expected an integer 0..4', { itemIndex: 3, offset: 120 })
        .message,
    ).toBe('KVP item 3 at offset 120: Source is "7", expected an integer 0..4');
    expect(new KvpError('EMPTY_KEY', 'Name is empty', { itemIndex: 0 }).message).toBe(
      'KVP item 0: Name is empty',
    );
    expect(new KvpError('TOO_LARGE', 'too big', { offset: 9 }).message).toBe('KVP at offset 9: too big');
    expect(new KvpError('EMPTY_KEY', 'Name is empty').message).toBe('KVP: Name is empty');
  });

  it('carries code, item index, offset and reason as fields', () => {
    const error = new KvpError('NUL_CHARACTER', 'text contains U+0000', { itemIndex: 2, offset: 5 });
    expect(error).toMatchObject({
      name: 'KvpError',
      code: 'NUL_CHARACTER',
      itemIndex: 2,
      offset: 5,
      reason: 'text contains U+0000',
    });
    expect(isKvpError(error)).toBe(true);
    expect(isKvpError(new Error('x'))).toBe(false);
  });

  it('has a closed list of codes without duplicates', () => {
    expect(new Set(KVP_ERROR_CODES).size).toBe(KVP_ERROR_CODES.length);
    expect(KVP_ERROR_CODES).toContain('TRUNCATED_POOL');
  });

  it('quotes tenant text visibly and cuts it short, so a message stays one line', () => {
    expect(quoteForError('a"b\nc')).toBe('"a\\"b\\nc"');
    expect(quoteForError('x'.repeat(100))).toBe(`"${'x'.repeat(40)}"... (100 chars)`);
  });
});
