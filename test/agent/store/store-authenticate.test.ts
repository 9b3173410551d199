/** Store.authenticateToken: what the API's bearer check rests on. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Store, TokenInput } from '../../../agent/store/index.js';
import { generateToken } from '../../../agent/tokens/index.js';
import { type BackendPlace, rawQuery, STORE_BACKENDS } from './store-backends.js';

const AT = new Date('2026-12-01T09:00:00Z');

function plus(ms: number): Date {
  return new Date(AT.getTime() + ms);
}

function input(overrides: Partial<TokenInput> = {}): TokenInput {
  return { name: 'grafana', role: 'reader', expiresAt: null, actor: 'alice', at: AT, ...overrides };
}

describe.each(STORE_BACKENDS)('agent/store/store authenticateToken ($name)', (backend) => {
  let place: BackendPlace;
  let store: Store;
  beforeEach(async () => {
    place = await backend.place();
    store = await place.open();
  });
  afterEach(async () => {
    await store.close();
    await place.remove();
  });

  async function lastUsedColumn(): Promise<unknown[]> {
    const rows = await rawQuery(place, 'SELECT last_used_at FROM tokens ORDER BY id');
    return rows.map((row) => row.last_used_at);
  }

  it('authenticates a current token to its record and records its use', async () => {
    const { token } = await store.createToken(input({ role: 'operator' }));
    expect(await store.authenticateToken(token, plus(1000))).toEqual({
      name: 'grafana',
      role: 'operator',
      createdAt: '2026-12-01T09:00:00.000Z',
      createdBy: 'alice',
      expiresAt: null,
      revokedAt: null,
      lastUsedAt: '2026-12-01T09:00:01.000Z',
    });
    expect(await lastUsedColumn()).toEqual([plus(1000).getTime()]);
    expect((await store.listTokens())[0]?.lastUsedAt).toBe('2026-12-01T09:00:01.000Z');
  });

  it('refuses an unknown token, a changed one and text that is not a token', async () => {
    const { token } = await store.createToken(input());
    const changed = `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`;
    for (const text of [generateToken(), changed, '', token.slice(0, -1), `${token} `, `Bearer ${token}`]) {
      expect(await store.authenticateToken(text, plus(1000)), JSON.stringify(text)).toBeNull();
    }
    expect(await lastUsedColumn()).toEqual([null]);
  });

  it('refuses an expired token from its expiry on', async () => {
    const { token } = await store.createToken(input({ expiresAt: plus(3_600_000) }));
    expect(await store.authenticateToken(token, plus(3_600_000 - 1))).not.toBeNull();
    expect(await store.authenticateToken(token, plus(3_600_000))).toBeNull();
    expect(await store.authenticateToken(token, plus(7_200_000))).toBeNull();
  });

  it('refuses a revoked token, and only that one', async () => {
    const revoked = await store.createToken(input());
    const kept = await store.createToken(input({ name: 'backup' }));
    await store.revokeToken('grafana', { at: plus(5000), actor: 'bob', reason: 'rotated' });
    expect(await store.authenticateToken(revoked.token, plus(6000))).toBeNull();
    expect((await store.authenticateToken(kept.token, plus(6000)))?.name).toBe('backup');
  });

  it('writes the last use at most once a minute per token', async () => {
    const { token } = await store.createToken(input());
    await store.authenticateToken(token, plus(1000));
    const second = await store.authenticateToken(token, plus(31_000));
    expect(second?.lastUsedAt).toBe('2026-12-01T09:00:01.000Z');
    expect(await lastUsedColumn()).toEqual([plus(1000).getTime()]);
    await store.authenticateToken(token, plus(61_000));
    expect(await lastUsedColumn()).toEqual([plus(1000).getTime()]);
    await store.authenticateToken(token, plus(61_001));
    expect(await lastUsedColumn()).toEqual([plus(61_001).getTime()]);
    // A clock that went back never moves the last use backwards.
    await store.authenticateToken(token, plus(2000));
    expect(await lastUsedColumn()).toEqual([plus(61_001).getTime()]);
  });

  it('writes once for a burst of concurrent authentications', async () => {
    const { token } = await store.createToken(input());
    const records = await Promise.all(
      Array.from({ length: 20 }, (_, i) => store.authenticateToken(token, plus(1000 + i))),
    );
    expect(records.every((r) => r?.name === 'grafana')).toBe(true);
    expect(await lastUsedColumn()).toEqual([plus(1000).getTime()]);
  });

  it('authenticates on a read-only store without writing', async () => {
    const { token } = await store.createToken(input());
    const reader = await place.open({ readOnly: true });
    try {
      expect((await reader.authenticateToken(token, plus(1000)))?.lastUsedAt).toBeNull();
    } finally {
      await reader.close();
    }
    expect(await lastUsedColumn()).toEqual([null]);
  });

  it('authenticates while another process holds the write lock, skipping the last use', async () => {
    const { token } = await store.createToken(input());
    const busy = await place.open({ busyTimeoutMs: 20 });
    const raw = await place.raw();
    try {
      // SQLite: the database's write lock; PostgreSQL: the token's row, which the last-use UPDATE needs.
      await raw.run({ sqlite: 'BEGIN IMMEDIATE', postgres: 'BEGIN; SELECT id FROM tokens FOR UPDATE' });
      expect((await busy.authenticateToken(token, plus(1000)))?.name).toBe('grafana');
      await raw.run('ROLLBACK');
    } finally {
      await raw.close();
      await busy.close();
    }
    expect(await lastUsedColumn()).toEqual([null]);
  });

  it('rejects an invalid time instead of treating every token as current', async () => {
    const { token } = await store.createToken(input());
    await expect(store.authenticateToken(token, new Date(Number.NaN))).rejects.toThrow(
      'at is an invalid Date, expected a valid Date after 1970-01-01',
    );
  });
});
