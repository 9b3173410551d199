import { describe, expect, it } from 'vitest';
import {
  generateToken,
  hashToken,
  looksLikeToken,
  sameDigest,
  TOKEN_LENGTH,
} from '../../../agent/tokens/index.js';

describe('agent/tokens/token-secret', () => {
  it('generates avma_ tokens of 32 random bytes in base64url, each different', () => {
    const tokens = Array.from({ length: 200 }, generateToken);
    for (const token of tokens) {
      expect(token).toMatch(/^avma_[A-Za-z0-9_-]{43}$/);
      expect(Buffer.from(token.slice(5), 'base64url')).toHaveLength(32);
      expect(looksLikeToken(token)).toBe(true);
    }
    expect(new Set(tokens).size).toBe(tokens.length);
    expect(TOKEN_LENGTH).toBe(48);
  });

  it('refuses by shape what cannot be a token, before any lookup', () => {
    const token = generateToken();
    for (const text of [
      '',
      'avma_',
      token.slice(0, -1),
      `${token}A`,
      `Bearer ${token}`.slice(0, TOKEN_LENGTH),
      `AVMA_${token.slice(5)}`,
      `ghp_${token.slice(4)}`,
      `${token.slice(0, -1)}=`,
      `${token.slice(0, -1)}+`,
      `${token.slice(0, -1)}\n`,
      `${token.slice(0, -1)}é`,
    ]) {
      expect(looksLikeToken(text), JSON.stringify(text)).toBe(false);
    }
    expect(looksLikeToken(undefined)).toBe(false);
    expect(looksLikeToken(12)).toBe(false);
  });

  it('hashes to the SHA-256 hex of the token text', () => {
    // FIPS 180-2's test vector for SHA-256("abc").
    expect(hashToken('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    const token = generateToken();
    expect(hashToken(token)).toMatch(/^[0-9a-f]{64}$/);
    expect(hashToken(token)).toBe(hashToken(token));
    expect(hashToken(token)).not.toBe(hashToken(generateToken()));
  });

  it('compares digests, and never throws for texts of different lengths', () => {
    const digest = hashToken(generateToken());
    expect(sameDigest(digest, digest)).toBe(true);
    const lastFlipped = `${digest.slice(0, -1)}${digest.endsWith('0') ? '1' : '0'}`;
    expect(sameDigest(digest, lastFlipped)).toBe(false);
    expect(sameDigest(digest, digest.slice(0, 10))).toBe(false);
    expect(sameDigest(digest, '')).toBe(false);
    expect(sameDigest('', '')).toBe(true);
    expect(sameDigest(digest, `${digest}00`)).toBe(false);
    expect(sameDigest(digest, digest.toUpperCase())).toBe(false);
    expect(sameDigest(digest, undefined as unknown as string)).toBe(false);
  });
});
