import { describe, expect, it } from 'vitest';
import { capProblems, MAX_VM_PROBLEMS, problem } from '../../../agent/decide/problems.js';

describe('agent/decide/problems', () => {
  it('keeps a problem to one short line the store accepts', () => {
    expect(problem('STATUS_INVALID', 'status.seq:\n  expected\tan integer')).toEqual({
      code: 'STATUS_INVALID',
      message: 'status.seq: expected an integer',
    });
    const long = problem('KVP_ITEM_INVALID', 'x'.repeat(900)).message;
    expect(long).toHaveLength(501);
    expect(long.endsWith('…')).toBe(true);
  });

  it('keeps the first 32 problems of a VM', () => {
    const many = Array.from({ length: 40 }, (_, n) => problem('EVENT_INVALID', `slot ${n}`));
    expect(capProblems(many)).toHaveLength(MAX_VM_PROBLEMS);
    expect(capProblems(many)[0]?.message).toBe('slot 0');
  });
});
