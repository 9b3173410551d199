/**
 * Migration 3: API tokens (architecture §12). Only the SHA-256 of a token is stored, never the token.
 * - `name` identifies a token in the audit trail and the access log (it is the actor of every call
 *   made with it), so it is unique case-insensitively and never reused, not even after a revoke.
 * - `role` is a CHECK, unlike other vocabularies: a role outside these three must never authorise.
 * - Revoked and expired tokens stay as rows: the audit trail names them.
 * - `last_used_at` moves at most once a minute per token (the store guards the UPDATE), so
 *   authenticated reads do not turn into writes under load.
 */
export const MIGRATION_0003_TOKENS = `
CREATE TABLE tokens (
  id            INTEGER PRIMARY KEY,
  name          TEXT    NOT NULL UNIQUE COLLATE NOCASE,
  role          TEXT    NOT NULL CHECK (role IN ('reader', 'operator', 'admin')),
  sha256        TEXT    NOT NULL UNIQUE CHECK (length(sha256) = 64),
  created_at    INTEGER NOT NULL,
  created_by    TEXT    NOT NULL,
  expires_at    INTEGER CHECK (expires_at IS NULL OR expires_at > created_at),
  revoked_at    INTEGER,
  last_used_at  INTEGER
);
`;
