/**
 * Login, logout and who is looking: a token typed into the login form becomes an in-memory session
 * (session.ts) with an HttpOnly, SameSite=Strict cookie (Secure over TLS); each request authenticates
 * the session's token again through the API's own token check, so roles, expiry and revocation are the
 * API's. Every POST carries the session's CSRF secret (the login form a double-submit cookie).
 */
import type { NextFunction, Request, Response, Router } from 'express';
import type { Logger } from 'pino';
import { ApiError } from '../api/api-error.js';
import { AuthCache } from '../api/auth-cache.js';
import { type ApiRole, type ApiServices, roleAllows } from '../api/route.js';
import { cookieText, LOGIN_COOKIE, readCookies, SESSION_COOKIE } from './security.js';
import { randomSecret, type SessionStore, sameSecret } from './session.js';
import type { Viewer } from './views/layout.js';
import { loginPage } from './views/login-page.js';

export type ViewerRequest = Request & { viewer?: Viewer; sessionId?: string };

export class DashboardAuth {
  readonly #services: ApiServices;
  readonly #sessions: SessionStore;
  readonly #known = new AuthCache();
  readonly #log: Logger;

  constructor(services: ApiServices, sessions: SessionStore, log: Logger) {
    this.#services = services;
    this.#sessions = sessions;
    this.#log = log;
  }

  /** The caller of a token, or null (unknown, expired, revoked). */
  async #caller(token: string) {
    const now = this.#services.now();
    const stamp = await this.#services.store.changeStamp();
    const kept = this.#known.get(token, stamp, now.getTime());
    if (kept !== undefined) return kept;
    const found = (await this.#services.tokens?.authenticate(token, now)) ?? null;
    if (found === null) return null;
    const caller = { name: found.name, role: found.role };
    this.#known.set(token, stamp, caller, found.expiresAt);
    return caller;
  }

  /** Puts `req.viewer` when the session cookie names a live session of a valid token; else to login. */
  requireViewer(role: ApiRole = 'reader') {
    return async (req: ViewerRequest, res: Response, next: NextFunction) => {
      try {
        const id = readCookies(req).get(SESSION_COOKIE);
        const session = id === undefined ? undefined : this.#sessions.get(id, this.#services.now().getTime());
        const caller = session === undefined ? null : await this.#caller(session.token);
        if (id === undefined || session === undefined || caller === null) {
          if (id !== undefined) this.#sessions.end(id);
          if (req.method === 'GET') return res.redirect(303, '/login');
          return next(new ApiError('UNAUTHORIZED', 'not logged in, or the session ended; log in again'));
        }
        req.viewer = { name: caller.name, role: caller.role, csrf: session.csrf };
        req.sessionId = id;
        if (req.method === 'POST') {
          const sent = typeof req.body?.csrf === 'string' ? req.body.csrf : '';
          if (!sameSecret(sent, session.csrf))
            return next(
              new ApiError('FORBIDDEN', 'the form is stale or forged (CSRF check); reload the page'),
            );
        }
        if (!roleAllows(caller.role, role)) {
          return next(
            new ApiError('FORBIDDEN', `this needs an ${role} token; ${caller.name} is ${caller.role}`),
          );
        }
        next();
      } catch (error) {
        next(error);
      }
    };
  }

  showLogin(req: Request, res: Response, problem: string | null = null, status = 200): void {
    const csrf = randomSecret();
    res.setHeader('Set-Cookie', cookieText(req, LOGIN_COOKIE, csrf, 600));
    res.status(status).type('html').send(loginPage(csrf, problem));
  }

  async login(req: Request, res: Response): Promise<void> {
    const sent = typeof req.body?.csrf === 'string' ? req.body.csrf : '';
    const expected = readCookies(req).get(LOGIN_COOKIE) ?? '';
    if (expected === '' || !sameSecret(sent, expected)) {
      return this.showLogin(req, res, 'The login form expired; try again.', 403);
    }
    const token = typeof req.body?.token === 'string' ? req.body.token.trim() : '';
    const caller = token === '' || token.length > 512 ? null : await this.#caller(token);
    if (caller === null) return this.showLogin(req, res, 'That token is unknown, expired or revoked.', 401);
    const { id } = this.#sessions.create(token, this.#services.now().getTime());
    this.#log.info({ token: caller.name, role: caller.role }, 'dashboard login');
    res.setHeader('Set-Cookie', [cookieText(req, SESSION_COOKIE, id), cookieText(req, LOGIN_COOKIE, '', 0)]);
    res.redirect(303, '/');
  }

  logout(req: ViewerRequest, res: Response): void {
    if (req.sessionId !== undefined) this.#sessions.end(req.sessionId);
    res.setHeader('Set-Cookie', cookieText(req, SESSION_COOKIE, '', 0));
    res.redirect(303, '/login');
  }
}

/** Mounts GET/POST /login and POST /logout. */
export function mountLogin(router: Router, auth: DashboardAuth): void {
  router.get('/login', (req, res) => auth.showLogin(req, res));
  router.post('/login', (req, res, next) => {
    auth.login(req, res).catch(next);
  });
  router.post('/logout', auth.requireViewer(), (req, res) => auth.logout(req, res));
}
