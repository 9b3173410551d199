/**
 * Dashboard sessions, in memory: the login form turns a token into a random session id (the cookie);
 * the token stays in this process, never in the browser after login, and every request authenticates
 * it again, so a revoked or expired token ends its sessions too. A restart of the agent logs everyone
 * out (documented). Each session carries its CSRF secret (synchronizer token, one per session).
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export interface DashboardSession {
  /** The API token the user logged in with. */
  readonly token: string;
  /** The CSRF secret every form of this session carries. */
  readonly csrf: string;
  readonly createdMs: number;
  lastUsedMs: number;
}

export interface SessionLimits {
  /** A session unused this long ends (default 8 h). */
  readonly idleMs: number;
  /** A session ends this long after login however much it is used (default 12 h). */
  readonly maxAgeMs: number;
  /** Sessions kept at most; the oldest ends first (default 10,000). */
  readonly maxSessions: number;
}

export const DEFAULT_SESSION_LIMITS: SessionLimits = Object.freeze({
  idleMs: 8 * 3_600_000,
  maxAgeMs: 12 * 3_600_000,
  maxSessions: 10_000,
});

/** A random secret: 32 bytes, base64url. */
export function randomSecret(): string {
  return randomBytes(32).toString('base64url');
}

const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();

/** Whether two secrets are equal, in constant time (fixed-length digests; any input is safe). */
export function sameSecret(a: string, b: string): boolean {
  return timingSafeEqual(digest(a), digest(b));
}

export class SessionStore {
  /** By the SHA-256 of the session id: a memory dump does not hold usable cookies. */
  readonly #sessions = new Map<string, DashboardSession>();
  readonly #limits: SessionLimits;

  constructor(limits: Partial<SessionLimits> = {}) {
    this.#limits = { ...DEFAULT_SESSION_LIMITS, ...limits };
  }

  /** Starts a session for `token`; resolves to the cookie value (the session id). */
  create(token: string, nowMs: number): { id: string; session: DashboardSession } {
    if (this.#sessions.size >= this.#limits.maxSessions) {
      const oldest = this.#sessions.keys().next();
      if (oldest.done !== true) this.#sessions.delete(oldest.value);
    }
    const id = randomSecret();
    const session: DashboardSession = { token, csrf: randomSecret(), createdMs: nowMs, lastUsedMs: nowMs };
    this.#sessions.set(digest(id).toString('hex'), session);
    return { id, session };
  }

  /** The live session of a cookie value, touched; undefined when unknown, idle too long or too old. */
  get(id: string, nowMs: number): DashboardSession | undefined {
    const key = digest(id).toString('hex');
    const session = this.#sessions.get(key);
    if (session === undefined) return undefined;
    const expired =
      nowMs - session.lastUsedMs > this.#limits.idleMs || nowMs - session.createdMs > this.#limits.maxAgeMs;
    if (expired) {
      this.#sessions.delete(key);
      return undefined;
    }
    session.lastUsedMs = nowMs;
    return session;
  }

  /** Ends the session of a cookie value (logout); unknown ids are ignored. */
  end(id: string): void {
    this.#sessions.delete(digest(id).toString('hex'));
  }

  get size(): number {
    return this.#sessions.size;
  }
}
