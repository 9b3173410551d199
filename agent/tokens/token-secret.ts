/**
 * API token secrets: generation, the one stored form (SHA-256) and constant-time comparison. Tokens
 * are `avma_` + base64url of 32 random bytes, so a leaked one is recognisable (secret scanners, logs)
 * and garbage is refused by its shape before any hashing or lookup.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export const TOKEN_PREFIX = 'avma_';
/** 256 bits of randomness: far beyond guessing, and hashing needs no salt or slow KDF at this entropy. */
export const TOKEN_BYTES = 32;
/** base64url without padding of TOKEN_BYTES bytes: ceil(32 * 4 / 3) = 43 characters. */
const SECRET_CHARS = Math.ceil((TOKEN_BYTES * 4) / 3);
export const TOKEN_LENGTH = TOKEN_PREFIX.length + SECRET_CHARS;
const TOKEN_SHAPE = new RegExp(`^${TOKEN_PREFIX}[A-Za-z0-9_-]{${SECRET_CHARS}}$`);

/** A new random token: `avma_` followed by 43 base64url characters. */
export function generateToken(): string {
  return `${TOKEN_PREFIX}${randomBytes(TOKEN_BYTES).toString('base64url')}`;
}

/** Whether `text` has a token's shape (prefix, length, alphabet). Cheap; never throws. */
export function looksLikeToken(text: unknown): boolean {
  return typeof text === 'string' && text.length === TOKEN_LENGTH && TOKEN_SHAPE.test(text);
}

/** The stored form of a token: SHA-256 as 64 lower-case hex digits. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

function digestBytes(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

/**
 * Whether two digests are the same text, in time independent of where they differ.
 * `crypto.timingSafeEqual` throws for buffers of different lengths, and a stored value may be damaged,
 * so both sides are hashed to 32 bytes first: any two strings compare without throwing.
 */
export function sameDigest(a: string, b: string): boolean {
  if (typeof a !== 'string' || typeof b !== 'string') return false;
  return timingSafeEqual(digestBytes(a), digestBytes(b));
}
