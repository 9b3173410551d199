import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Store, StoreError, type TokenInput } from '../../../../agent/store/index.js';
import { hashToken } from '../../../../agent/tokens/index.js';
import { type BackendPlace, rawQuery, STORE_BACKENDS } from '../store-backends.js';

const AT = new Date('2026-12-01T09:00:00Z');
const LATER = new Date('2026-12-02T09:00:00Z');

function input(overrides: Partial<TokenInput> = {}): TokenInput {
  return { name: 'grafana', role: 'reader', expiresAt: null, actor: 'alice', at: AT, ...overrides };
}

async function failure(promise: Promise<unknown>): Promise<StoreError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(StoreError);
  return error as StoreError;
}

describe.each(STORE_BACKENDS)('agent/store/repos/tokens-repo ($name)', (backend) => {
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

  it('creates a token, storing only its SHA-256, and lists its record without token or hash', async () => {
    const expiresAt = new Date('2027-06-01T00:00:00Z');
    const created = await store.createToken(input({ role: 'operator', expiresAt }));
    const record = {
      name: 'grafana',
      role: 'operator',
      createdAt: '2026-12-01T09:00:00.000Z',
      createdBy: 'alice',
      expiresAt: '2027-06-01T00:00:00.000Z',
      revokedAt: null,
      lastUsedAt: null,
    };
    expect(created.record).toEqual(record);
    expect(await store.listTokens()).toEqual([record]);
    const listed = JSON.stringify(await store.listTokens());
    expect(listed).not.toContain(created.token);
    expect(listed).not.toContain(hashToken(created.token));
    const rows = await rawQuery(place, 'SELECT sha256 FROM tokens');
    expect(rows).toEqual([{ sha256: hashToken(created.token) }]);
  });

  it('audits creation and revocation with the actor, on no VM and no host', async () => {
    await store.createToken(input({ actor: 'alice' }));
    expect(await store.revokeToken('grafana', { at: LATER, actor: 'bob', reason: 'laptop stolen' })).toBe(
      true,
    );
    const audit = await store.listAudit({ actions: ['token-create', 'token-revoke'] });
    expect(
      audit.map(({ action, actor, vm, host, reason, details }) => ({
        action,
        actor,
        vm,
        host,
        reason,
        details,
      })),
    ).toEqual([
      {
        action: 'token-create',
        actor: 'alice',
        vm: null,
        host: null,
        reason: 'token grafana created with role reader; never expires',
        details: { token: 'grafana', role: 'reader', expiresAt: null },
      },
      {
        action: 'token-revoke',
        actor: 'bob',
        vm: null,
        host: null,
        reason: 'laptop stolen',
        details: { token: 'grafana' },
      },
    ]);
    expect((await store.listEvents()).map((e) => [e.source, e.vm, e.host, e.message])).toEqual([
      ['agent', null, null, 'token-create by alice: token grafana created with role reader; never expires'],
      ['agent', null, null, 'token-revoke by bob: laptop stolen'],
    ]);
  });

  it('records month closes and sweeps asked for through the API on no VM and no host', async () => {
    await store.transaction(async (tx) => {
      await tx.audit({ at: AT, actor: 'ops-token', action: 'month-close', reason: 'month 2026-11 closed' });
      await tx.audit({ at: LATER, actor: 'ops-token', action: 'sweep-now', reason: 'POST /api/v1/sweep' });
    });
    expect((await store.listAudit()).map((a) => [a.action, a.actor, a.vm, a.host])).toEqual([
      ['month-close', 'ops-token', null, null],
      ['sweep-now', 'ops-token', null, null],
    ]);
  });

  it('refuses a second token of the same name, ignoring case, even after a revoke', async () => {
    await store.createToken(input());
    const taken = await failure(store.createToken(input({ name: 'GRAFANA', role: 'admin' })));
    expect(taken.code).toBe('CONFLICT');
    expect(taken.message).toBe(
      'a token named "grafana" already exists; token names are never reused (not even after a revoke), choose another name',
    );
    await store.revokeToken('grafana', { at: LATER, actor: 'bob', reason: 'rotated' });
    expect((await failure(store.createToken(input({ at: LATER })))).code).toBe('CONFLICT');
    expect((await store.listTokens()).map((t) => [t.name, t.role])).toEqual([['grafana', 'reader']]);
    expect(await store.listAudit({ actions: ['token-create'] })).toHaveLength(1);
  });

  it.each([
    ['an empty name', { name: '' }, 'token name is "", expected 1 to 64 characters'],
    ['a name with a space', { name: 'my token' }, 'token name is "my token", expected'],
    ['a 65-character name', { name: 'x'.repeat(65) }, 'expected 1 to 64 characters'],
    [
      'an unknown role',
      { role: 'root' as TokenInput['role'] },
      'role is "root", expected one of reader, operator, admin',
    ],
    [
      'an expiry in the past',
      { expiresAt: new Date('2026-01-01T00:00:00Z') },
      'expected a time after 2026-12-01T09:00:00.000Z (now)',
    ],
    ['an expiry equal to now', { expiresAt: AT }, 'expiresAt is 2026-12-01T09:00:00.000Z'],
    ['an invalid expiry', { expiresAt: new Date(Number.NaN) }, 'expiresAt is an invalid Date'],
    ['an empty actor', { actor: '' }, 'actor is ""'],
  ])('refuses %s in one line, storing nothing', async (_what, override, message) => {
    const error = await failure(store.createToken(input(override)));
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.message).toContain(message);
    expect(error.message).not.toContain('\n');
    expect(await store.listTokens()).toEqual([]);
    expect(await store.listAudit()).toEqual([]);
  });

  it('revokes once: a second revoke is a no-op false, and an unknown name is NOT_FOUND', async () => {
    await store.createToken(input());
    expect(await store.revokeToken('Grafana', { at: LATER, actor: 'bob', reason: 'rotated' })).toBe(true);
    expect(
      await store.revokeToken('grafana', {
        at: new Date('2026-12-03T00:00:00Z'),
        actor: 'carol',
        reason: 'again',
      }),
    ).toBe(false);
    expect((await store.listTokens())[0]?.revokedAt).toBe('2026-12-02T09:00:00.000Z');
    expect(await store.listAudit({ actions: ['token-revoke'] })).toHaveLength(1);
    const unknown = await failure(store.revokeToken('nobody', { at: LATER, actor: 'bob', reason: 'x' }));
    expect(unknown.code).toBe('NOT_FOUND');
    expect(unknown.message).toBe('no token is named "nobody"; see avma token list');
  });

  it('lists tokens oldest first', async () => {
    await store.createToken(input({ name: 'b', at: LATER }));
    await store.createToken(input({ name: 'a', at: AT, role: 'admin' }));
    expect((await store.listTokens()).map((t) => t.name)).toEqual(['a', 'b']);
  });

  it('has a schema that refuses a role outside the three and a hash that is not SHA-256 hex', async () => {
    const raw = await place.raw();
    try {
      const insert = {
        sqlite: 'INSERT INTO tokens (name, role, sha256, created_at, created_by) VALUES (?, ?, ?, 0, ?)',
        postgres:
          'INSERT INTO tokens (name, role, sha256, created_at, created_by) VALUES ($1, $2, $3, 0, $4)',
      };
      await expect(raw.run(insert, ['x', 'root', 'a'.repeat(64), 'mallory'])).rejects.toThrow(
        /CHECK constraint/i,
      );
      await expect(raw.run(insert, ['y', 'admin', 'short', 'mallory'])).rejects.toThrow(/CHECK constraint/i);
    } finally {
      await raw.close();
    }
  });

  it('refuses to create or revoke on a read-only store', async () => {
    await store.createToken(input());
    const reader = await place.open({ readOnly: true });
    try {
      expect((await failure(reader.createToken(input({ name: 'other' })))).code).toBe('READ_ONLY');
      expect(
        (await failure(reader.revokeToken('grafana', { at: LATER, actor: 'bob', reason: 'x' }))).code,
      ).toBe('READ_ONLY');
    } finally {
      await reader.close();
    }
  });
});
