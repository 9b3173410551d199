/**
 * Who a token is, remembered while the database is unchanged (`Store.changeStamp`): a revoked, renamed
 * or newly created token changes the database, so the next request authenticates again; an expiry is
 * checked on every request. Keyed by the token's SHA-256, never the token. Bounded.
 */
import { hashToken } from '../tokens/index.js';
import type { Caller } from './route.js';

interface Remembered {
  readonly caller: Caller;
  readonly stamp: string;
  readonly expiresAtMs: number | null;
}

const MAX_TOKENS = 1024;

export class AuthCache {
  readonly #byDigest = new Map<string, Remembered>();

  /** The caller a token was at `stamp`, unless it has expired by `nowMs`; undefined otherwise. */
  get(token: string, stamp: string, nowMs: number): Caller | undefined {
    const kept = this.#byDigest.get(hashToken(token));
    if (kept === undefined || kept.stamp !== stamp) return undefined;
    if (kept.expiresAtMs !== null && kept.expiresAtMs <= nowMs) return undefined;
    return kept.caller;
  }

  set(token: string, stamp: string, caller: Caller, expiresAt: string | null): void {
    if (this.#byDigest.size >= MAX_TOKENS) this.#byDigest.clear();
    const expiresAtMs = expiresAt === null ? null : Date.parse(expiresAt);
    this.#byDigest.set(hashToken(token), { caller, stamp, expiresAtMs });
  }
}
