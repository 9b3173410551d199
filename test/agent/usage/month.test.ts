import { describe, expect, it } from 'vitest';
import { parseMonth, previousMonth, UsageError } from '../../../agent/usage/index.js';

describe('agent/usage/month', () => {
  it('gives a month its UTC boundaries, including February of a leap year', () => {
    expect(parseMonth('2028-02')).toEqual({
      month: '2028-02',
      start: new Date('2028-02-01T00:00:00Z'),
      end: new Date('2028-03-01T00:00:00Z'),
    });
    expect(parseMonth('2026-12').end).toEqual(new Date('2027-01-01T00:00:00Z'));
  });

  it.each(['2026-13', '2026-00', '2026-1', '26-11', '1999-12', ' 2026-11', 42])('rejects %j', (input) => {
    expect(() => parseMonth(input)).toThrow(UsageError);
  });

  it('names the bad input and the expected form', () => {
    expect(() => parseMonth('November')).toThrow(
      'month is "November", expected YYYY-MM such as 2026-11 (year 2000 or later)',
    );
  });

  it('steps back across a year boundary', () => {
    expect(previousMonth('2027-01')).toBe('2026-12');
  });
});
