import { describe, expect, it } from 'vitest';
import { SessionStore, sameSecret } from '../../../agent/dashboard/session.js';

describe('agent/dashboard/session', () => {
  it('finds a session by its cookie value only, and logout ends it', () => {
    const sessions = new SessionStore();
    const { id, session } = sessions.create('avma_token', 0);
    expect(sessions.get(id, 1)?.token).toBe('avma_token');
    expect(sessions.get(`${id}x`, 1)).toBeUndefined();
    expect(session.csrf).not.toBe(id);
    sessions.end(id);
    expect(sessions.get(id, 2)).toBeUndefined();
  });

  it('ends a session left idle, and any session past its maximum age however much it is used', () => {
    const sessions = new SessionStore({ idleMs: 100, maxAgeMs: 250 });
    const idle = sessions.create('a', 0).id;
    expect(sessions.get(idle, 101)).toBeUndefined();
    const busy = sessions.create('b', 0).id;
    for (const at of [90, 180, 240]) expect(sessions.get(busy, at)).toBeDefined();
    expect(sessions.get(busy, 260)).toBeUndefined();
  });

  it('keeps at most maxSessions, ending the oldest first', () => {
    const sessions = new SessionStore({ maxSessions: 2 });
    const first = sessions.create('a', 0).id;
    const second = sessions.create('b', 0).id;
    const third = sessions.create('c', 0).id;
    expect(sessions.size).toBe(2);
    expect(sessions.get(first, 1)).toBeUndefined();
    expect(sessions.get(second, 1)?.token).toBe('b');
    expect(sessions.get(third, 1)?.token).toBe('c');
  });

  it('compares secrets of any length without throwing', () => {
    expect(sameSecret('abc', 'abc')).toBe(true);
    expect(sameSecret('abc', 'abcd')).toBe(false);
    expect(sameSecret('', 'x')).toBe(false);
  });
});
