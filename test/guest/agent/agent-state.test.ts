import { describe, expect, it } from 'vitest';
import {
  FRESH_STATE,
  MAX_STATE_CHARS,
  readAgentState,
  writeAgentState,
} from '../../../guest/agent/agent-state.js';

describe('guest/agent/agent-state', () => {
  it('round-trips a state through its JSON text', () => {
    const state = {
      ...FRESH_STATE,
      lastSeq: 12,
      heldAvma: true,
      ringNext: 3,
      lastEventRecordId: 4711,
      lastHresult: '0xC004FD02',
    };
    expect(readAgentState(writeAgentState(state))).toEqual({ state, corrupt: null });
  });

  it('starts fresh without complaint when nothing was saved', () => {
    expect(readAgentState(null)).toEqual({ state: FRESH_STATE, corrupt: null });
  });

  it.each([
    ['x'.repeat(MAX_STATE_CHARS + 1), 'state is not text of at most 4096 characters'],
    ['not json', 'state is not valid JSON'],
    ['[]', 'state is not a JSON object'],
    [JSON.stringify({ ...FRESH_STATE, ringNext: 8 }), 'state field "ringNext" is invalid'],
    [JSON.stringify({ ...FRESH_STATE, v: 2 }), 'state field "v" is invalid'],
    [JSON.stringify({ ...FRESH_STATE, __proto__: null, extra: 1 }), 'state has an unknown field "extra"'],
  ])('starts fresh from %j', (text, corrupt) => {
    expect(readAgentState(text)).toEqual({ state: FRESH_STATE, corrupt });
  });
});
