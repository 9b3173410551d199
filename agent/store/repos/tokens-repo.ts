/**
 * API tokens written: created (only the SHA-256 is stored; the token is returned once), revoked, and
 * their last use recorded. Creation and revocation are audited with the actor; vm and host are null.
 */
import { generateToken, hashToken, isTokenName, TOKEN_NAME_RULE, TOKEN_ROLES } from '../../tokens/index.js';
import { StoreError } from '../errors.js';
import { type DialectSql, sqlOf } from '../sql-connection.js';
import type { ChangeRequest, CreatedToken, TokenInput } from '../types.js';
import { checkOneOf, checkText, checkTime, invalid } from '../validate.js';
import { insertAudit, MAX_ACTOR } from './audit-repo.js';
import type { TxContext } from './context.js';

/** `last_used_at` moves at most this often per token, so authenticated reads rarely write. */
export const LAST_USED_RESOLUTION_MS = 60_000;

/** Token names are unique case-insensitively: SQLite's COLLATE NOCASE, PostgreSQL's index on lower(name). */
const TOKEN_BY_NAME: DialectSql = {
  sqlite: 'SELECT id, name, revoked_at FROM tokens WHERE name = ?',
  postgres: 'SELECT id, name, revoked_at FROM tokens WHERE lower(name) = lower($1)',
};
const NAME_TAKEN: DialectSql = {
  sqlite: 'SELECT name FROM tokens WHERE name = ?',
  postgres: 'SELECT name FROM tokens WHERE lower(name) = lower($1)',
};
const INSERT_TOKEN: DialectSql = {
  sqlite: `INSERT INTO tokens (name, role, sha256, created_at, created_by, expires_at) VALUES (?, ?, ?, ?, ?, ?)`,
  postgres: `INSERT INTO tokens (name, role, sha256, created_at, created_by, expires_at) VALUES ($1, $2, $3, $4, $5, $6)`,
};
const REVOKE: DialectSql = {
  sqlite: 'UPDATE tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL',
  postgres: 'UPDATE tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL',
};
/**
 * The guard is in the UPDATE: PostgreSQL re-checks the WHERE on the row a concurrent UPDATE committed
 * (READ COMMITTED), so two agents authenticating the same token in the same minute write once.
 */
const RECORD_USE: DialectSql = {
  sqlite: 'UPDATE tokens SET last_used_at = ? WHERE name = ? AND (last_used_at IS NULL OR last_used_at < ?)',
  postgres:
    'UPDATE tokens SET last_used_at = $1 WHERE lower(name) = lower($2) AND (last_used_at IS NULL OR last_used_at < $3)',
};

function nameTaken(name: string): StoreError {
  return new StoreError(
    'CONFLICT',
    `a token named ${JSON.stringify(name)} already exists; token names are never reused (not even after a revoke), choose another name`,
  );
}

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
  const taken = await ctx.conn.get(sqlOf(ctx.conn, NAME_TAKEN), [name]);
  if (taken !== undefined) throw nameTaken(String(taken.name));
  const token = generateToken();
  await ctx.conn
    .run(sqlOf(ctx.conn, INSERT_TOKEN), [name, role, hashToken(token), atMs, actor, expiresMs])
    .catch((error: unknown) => {
      // Another agent created the name between the check and the insert (PostgreSQL, READ COMMITTED):
      // the unique index refused it; say so as the check would have.
      if (error instanceof StoreError && error.code === 'CONFLICT') throw nameTaken(name);
      throw error;
    });
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
  const row = await ctx.conn.get(sqlOf(ctx.conn, TOKEN_BY_NAME), [checked]);
  if (row === undefined) {
    throw new StoreError('NOT_FOUND', `no token is named ${JSON.stringify(checked)}; see avma token list`);
  }
  if (row.revoked_at !== null) return false;
  // Two revokes at once: only the one whose UPDATE changed the row audits it.
  const revoked = await ctx.conn.run(sqlOf(ctx.conn, REVOKE), [atMs, Number(row.id)]);
  if (revoked.changes === 0) return false;
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
  const updated = await ctx.conn.run(sqlOf(ctx.conn, RECORD_USE), [
    atMs,
    checked,
    atMs - LAST_USED_RESOLUTION_MS,
  ]);
  return updated.changes > 0;
}
