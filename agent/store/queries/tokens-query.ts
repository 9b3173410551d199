/** API tokens read back: the records (never a hash leaves this module except for the digest check). */

import { TOKEN_ROLES } from '../../tokens/index.js';
import { intColumn, isoTime, oneOfColumn, optionalIntColumn, textColumn } from '../decode.js';
import { type SqlConnection as Connection, type DialectSql, type SqlRow, sqlOf } from '../sql-connection.js';
import type { TokenRecord } from '../types.js';

const RECORD_COLUMNS = 'name, role, created_at, created_by, expires_at, revoked_at, last_used_at';

const BY_DIGEST_SQL: DialectSql = {
  sqlite: `SELECT sha256, ${RECORD_COLUMNS} FROM tokens WHERE sha256 = ?`,
  postgres: `SELECT sha256, ${RECORD_COLUMNS} FROM tokens WHERE sha256 = $1`,
};

function optionalIso(row: SqlRow, column: string): string | null {
  const ms = optionalIntColumn(row, 'tokens', column);
  return ms === null ? null : isoTime(ms);
}

/** Decodes one row of RECORD_COLUMNS; StoreError CORRUPT for a row edited outside the agent. */
export function decodeToken(row: SqlRow): TokenRecord {
  return Object.freeze({
    name: textColumn(row, 'tokens', 'name'),
    role: oneOfColumn(row, 'tokens', 'role', TOKEN_ROLES),
    createdAt: isoTime(intColumn(row, 'tokens', 'created_at')),
    createdBy: textColumn(row, 'tokens', 'created_by'),
    expiresAt: optionalIso(row, 'expires_at'),
    revokedAt: optionalIso(row, 'revoked_at'),
    lastUsedAt: optionalIso(row, 'last_used_at'),
  });
}

/** Every token, oldest first, revoked and expired ones included. */
export async function listTokens(conn: Connection): Promise<TokenRecord[]> {
  const rows = await conn.all(`SELECT ${RECORD_COLUMNS} FROM tokens ORDER BY created_at, id`);
  return rows.map(decodeToken);
}

/** A stored token found by its digest, with the stored digest for the constant-time comparison. */
export interface StoredToken {
  readonly record: TokenRecord;
  readonly sha256: string;
}

/** The token whose stored SHA-256 is `sha256` (an indexed lookup: `sha256` is UNIQUE), or null. */
export async function findTokenByDigest(conn: Connection, sha256: string): Promise<StoredToken | null> {
  const row = await conn.get(sqlOf(conn, BY_DIGEST_SQL), [sha256]);
  if (row === undefined) return null;
  return { record: decodeToken(row), sha256: textColumn(row, 'tokens', 'sha256') };
}
