/**
 * API tokens written: created (only the SHA-256 is stored; the token is returned once), revoked, and
 * their last use recorded. Creation and revocation are audited with the actor; vm and host are null.
 */
import { generateToken, hashToken, isTokenName, TOKEN_NAME_RULE, TOKEN_ROLES } from '../../tokens/index.js';
import { StoreError } from '../errors.js';
import type { ChangeRequest, CreatedToken, TokenInput } from '../types.js';
import { checkOneOf, checkText, checkTime, invalid } from '../validate.js';
import { insertAudit, MAX_ACTOR } from './audit-repo.js';
import type { TxContext } from './context.js';

/** `last_used_at` moves at most this often per token, so authenticated reads rarely write. */
export const LAST_USED_RESOLUTION_MS = 60_000;

/** Returns the name when valid; INVALID_ARGUMENT otherwise. */
export function checkTokenName(value: unknown, field = 'token name'): string {
  if (!isTokenName(value)) throw invalid(field, value, TOKEN_NAME_RULE);
  return value as string;
}

function checkExpiry(input: TokenInput, atMs: number): number | null {
  if (input.expiresAt === null) return null;
  const expiresMs = checkTime(input.expiresAt, 'expiresAt');
  if (expiresMs <= atMs) {
    throw invalid('expiresAt', input.expiresAt, `a time after ${new Date(atMs).toISOString()} (now)`);
  }
  return expiresMs;
}

/**
 * Creates a token. Rejects with INVALID_ARGUMENT for a bad name, role, actor or an expiry not in the
 * future, CONFLICT when the name is taken (case-insensitively, revoked tokens included).
 */
export async function insertToken(ctx: TxContext, input: TokenInput): Promise<CreatedToken> {
  if (typeof input !== 'object' || input === null) throw invalid('token', input, 'an object');
  const name = checkTokenName(input.name);
  const role = checkOneOf(input.role, 'role', TOKEN_ROLES);
  const atMs = checkTime(input.at, 'at');
  const expiresMs = checkExpiry(input, atMs);
  const actor = checkText(input.actor, 'actor', MAX_ACTOR);
  const taken = await ctx.conn.get('SELECT name FROM tokens WHERE name = ?', [name]);
  if (taken !== undefined) {
    throw new StoreError(
      'CONFLICT',
      `a token named ${JSON.stringify(String(taken.name))} already exists; token names are never reused (not even after a revoke), choose another name`,
    );
  }
  const token = generateToken();
  await ctx.conn.run(
    `INSERT INTO tokens (name, role, sha256, created_at, created_by, expires_at) VALUES (?, ?, ?, ?, ?, ?)`,
    [name, role, hashToken(token), atMs, actor, expiresMs],
  );
  const expiresAt = expiresMs === null ? null : new Date(expiresMs).toISOString();
  const expiry = expiresAt === null ? 'never expires' : `expires ${expiresAt}`;
  await insertAudit(ctx, {
    at: input.at,
    actor,
    action: 'token-create',
    reason: `token ${name} created with role ${role}; ${expiry}`,
    details: { token: name, role, expiresAt },
  });
  const record = Object.freeze({
    name,
    role,
    createdAt: new Date(atMs).toISOString(),
    createdBy: actor,
    expiresAt,
    revokedAt: null,
    lastUsedAt: null,
  });
  return { token, record };
}

/**
 * Revokes a token from `request.at` on. Resolves to true (and audits) when it was active, false when it
 * was already revoked (nothing written). Rejects with NOT_FOUND for an unknown name.
 */
export async function revokeToken(ctx: TxContext, name: string, request: ChangeRequest): Promise<boolean> {
  const checked = checkTokenName(name);
  const atMs = checkTime(request?.at, 'at');
  const row = await ctx.conn.get('SELECT id, name, revoked_at FROM tokens WHERE name = ?', [checked]);
  if (row === undefined) {
    throw new StoreError('NOT_FOUND', `no token is named ${JSON.stringify(checked)}; see avma token list`);
  }
  if (row.revoked_at !== null) return false;
  await ctx.conn.run('UPDATE tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL', [
    atMs,
    Number(row.id),
  ]);
  await insertAudit(ctx, {
    at: request.at,
    actor: request.actor,
    action: 'token-revoke',
    reason: request.reason,
    details: { token: String(row.name) },
  });
  return true;
}

/**
 * Records that the token was used at `at`, unless its last recorded use is less than a minute before:
 * the guard is in the UPDATE itself, so concurrent authentications write once. Resolves to true when
 * the row changed.
 */
export async function recordTokenUse(ctx: TxContext, name: string, at: Date): Promise<boolean> {
  const checked = checkTokenName(name);
  const atMs = checkTime(at, 'at');
  const updated = await ctx.conn.run(
    'UPDATE tokens SET last_used_at = ? WHERE name = ? AND (last_used_at IS NULL OR last_used_at < ?)',
    [atMs, checked, atMs - LAST_USED_RESOLUTION_MS],
  );
  return updated.changes > 0;
}
