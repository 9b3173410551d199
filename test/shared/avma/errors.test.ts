import { describe, expect, it } from 'vitest';
import { AVMA_ERROR_CODES, AvmaError, quoteInput } from '../../../shared/avma/src/errors.js';

describe('shared/avma/errors', () => {
  it('carries a code from the closed union, a name and the message', () => {
    const error = new AvmaError('NO_AVMA_KEY', 'no AVMA key for 2022/essentials');
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('AvmaError');
    expect(error.code).toBe('NO_AVMA_KEY');
    expect(error.message).toBe('no AVMA key for 2022/essentials');
    expect(AVMA_ERROR_CODES).toContain(error.code);
  });

  it('quotes untrusted input on one line and cuts it at 40 characters', () => {
    expect(quoteInput('a\nb"c')).toBe('"a\\nb\\"c"');
    expect(quoteInput('x'.repeat(100))).toBe(`"${'x'.repeat(40)}…"`);
    expect(quoteInput(undefined)).toBe('undefined');
    expect(quoteInput(null)).toBe('null');
    expect(quoteInput({ toString: 'x' })).toBe('an object');
    expect(quoteInput(7)).toBe('a number');
  });
});
