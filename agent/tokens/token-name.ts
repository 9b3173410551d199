/**
 * A token's name: who the audit trail and the access log say acted. ASCII letters and digits plus
 * `._-@` only: no spaces or controls to break a log line, no look-alike letters from other scripts, and
 * SQLite's NOCASE (which folds ASCII only) then makes uniqueness truly case-insensitive.
 */

export const MAX_TOKEN_NAME = 64;
const TOKEN_NAME = new RegExp(`^[A-Za-z0-9._@-]{1,${MAX_TOKEN_NAME}}$`);

/** What a name must be, as the end of an "expected …" phrase. */
export const TOKEN_NAME_RULE = `1 to ${MAX_TOKEN_NAME} characters, each a letter (A-Z, a-z), digit or one of . _ - @`;

/** Whether `value` is a valid token name. Never throws. */
export function isTokenName(value: unknown): boolean {
  return typeof value === 'string' && TOKEN_NAME.test(value);
}
