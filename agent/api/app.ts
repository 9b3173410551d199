/**
 * The HTTP API as an express 5 application over a store: the route list (routes/index.ts) mounted
 * with bearer-token authentication and roles, zod on every request part and every JSON answer, RFC 9457
 * problem bodies, helmet's headers, a body size limit, a per-token rate limit, no CORS, and an access
 * log line per request (JSON, pino) naming the token's name, never the token. The web dashboard
 * (agent/dashboard) is mounted at `/` on the same app, over the same services.
 */
import { gzipSync } from 'node:zlib';
import express, { type NextFunction, type Request, type Response } from 'express';
import { rateLimit } from 'express-rate-limit';
import helmet from 'helmet';
import type { Logger } from 'pino';
import { type DashboardOptions, dashboardRouter } from '../dashboard/index.js';
import { ApiError } from './api-error.js';
import { AuthCache } from './auth-cache.js';
import { mountDocs } from './docs.js';
import { type HttpFailure, httpFailure } from './http-status.js';
import { openApiDocument } from './openapi.js';
import { type CachedAnswer, ResponseCache } from './response-cache.js';
import {
  type ApiServices,
  type Caller,
  expressPath,
  type RouteAnswer,
  type RouteSpec,
  roleAllows,
} from './route.js';
import { API_ROUTES } from './routes/index.js';
import { parsePart } from './validate-request.js';

export interface MetricsSource {
  render(): Promise<{ readonly contentType: string; readonly body: string }>;
}

export interface ApiOptions {
  readonly services: ApiServices;
  readonly log: Logger;
  readonly metrics?: MetricsSource;
  /** `/metrics` without a token (config `metrics.public`). */
  readonly metricsPublic?: boolean;
  /** Requests per token per minute (default 6,000: 100/s). */
  readonly rateLimitPerMinute?: number;
  /** When the last sweep ended (ms), for /readyz; `null` while none has; absent under `avma serve`. */
  readonly lastSweepAt?: () => number | null;
  /** /readyz fails when the last sweep is older than this (default 3 intervals, set by the caller). */
  readonly staleAfterMs?: number;
  /** The dashboard at `/` (default: served); `false` leaves it out. */
  readonly dashboard?: Omit<DashboardOptions, 'services' | 'log'> | false;
}

const BODY_LIMIT = '16kb';
const BEARER = /^Bearer ([A-Za-z0-9_\-.~+/=]{1,512})$/;

type Authed = Request & { caller?: Caller; stamp?: string };

/** Writes an RFC 9457 problem; `status` overrides the failure's own (readiness always says 503). */
function writeProblem(res: Response, failure: HttpFailure, status = failure.status): void {
  const title = status === failure.status ? failure.title : 'Service Unavailable';
  res
    .status(status)
    .type('application/problem+json')
    .send(JSON.stringify({ type: `urn:avma:error:${failure.code}`, title, status, detail: failure.detail }));
}

function sendProblem(res: Response, error: unknown, log: Logger, req: Request): void {
  const failure = httpFailure(error);
  if (failure.status >= 500)
    log.error(
      { err: error instanceof Error ? error.message : String(error), code: failure.code, path: req.path },
      'request failed',
    );
  writeProblem(res, failure);
}

function authenticate(services: ApiServices) {
  const known = new AuthCache();
  return async (req: Authed, _res: Response, next: NextFunction) => {
    try {
      const match = BEARER.exec(req.get('authorization') ?? '');
      if (match?.[1] === undefined)
        throw new ApiError('UNAUTHORIZED', 'Authorization: expected "Bearer <token>"');
      const token = match[1];
      const now = services.now();
      // One look at the database per request: the stamp serves the token check and the answer cache.
      const stamp = await services.store.changeStamp();
      req.stamp = stamp;
      let caller: Caller | undefined = known.get(token, stamp, now.getTime());
      if (caller === undefined) {
        const found = services.tokens === undefined ? null : await services.tokens.authenticate(token, now);
        if (found === null) throw new ApiError('UNAUTHORIZED', 'the token is unknown, expired or revoked');
        caller = { name: found.name, role: found.role };
        known.set(token, stamp, caller, found.expiresAt);
      }
      req.caller = caller;
      next();
    } catch (error) {
      next(error);
    }
  };
}

function requireRole(route: RouteSpec) {
  return (req: Authed, _res: Response, next: NextFunction) => {
    const caller = req.caller;
    if (caller === undefined) return next(new ApiError('UNAUTHORIZED', 'no token'));
    if (!roleAllows(caller.role, route.role)) {
      return next(
        new ApiError('FORBIDDEN', `this call needs a ${route.role} token; ${caller.name} is ${caller.role}`),
      );
    }
    next();
  };
}

/** The JSON text of an answer, checked against the route's schema. */
function jsonText(route: RouteSpec, answer: RouteAnswer & { kind: 'json' }): string {
  // Every JSON answer is checked against its schema: a mismatch is a bug (500), never sent half-right.
  return JSON.stringify(route.response.parse(answer.body));
}

function send(res: Response, route: RouteSpec, answer: RouteAnswer): void {
  if (answer.kind === 'csv') {
    const safeName = answer.fileName.replace(/[^A-Za-z0-9._-]/g, '_');
    res.status(200).type('text/csv; charset=utf-8').attachment(safeName);
    if (typeof answer.body === 'string') res.send(answer.body);
    else answer.body.pipe(res);
    return;
  }
  res
    .status(answer.status ?? route.status ?? 200)
    .type('application/json')
    .send(jsonText(route, answer));
}

/** A cacheable read: the kept answer while the database is unchanged, else a fresh one kept. */
async function cachedRead(
  req: Authed,
  res: Response,
  route: RouteSpec,
  services: ApiServices,
  cache: ResponseCache,
  answer: () => Promise<RouteAnswer>,
): Promise<void> {
  const key = `${route.operationId} ${req.originalUrl}`;
  const stamp = req.stamp ?? (await services.store.changeStamp());
  const kept = cache.get(key, stamp);
  if (kept !== undefined) return sendKept(req, res, kept);
  // Requests for the same answer while it is being made wait for that one (after a sweep, a dashboard
  // of several viewers asks at once): one query, not one per request.
  const flight = `${key} ${stamp}`;
  let making = cache.pending.get(flight);
  if (making === undefined) {
    making = makeAnswer(route, stamp, answer).finally(() => cache.pending.delete(flight));
    cache.pending.set(flight, making);
  }
  const made = await making;
  if ('kind' in made) return send(res, route, made as RouteAnswer);
  cache.set(key, made);
  sendKept(req, res, made);
}

/** A fresh answer, validated, serialised and (when large) compressed once per change. */
async function makeAnswer(
  route: RouteSpec,
  stamp: string,
  answer: () => Promise<RouteAnswer>,
): Promise<CachedAnswer | RouteAnswer> {
  const fresh = await answer();
  if (fresh.kind !== 'json') return fresh;
  const status = fresh.status ?? route.status ?? 200;
  const body = Buffer.from(jsonText(route, fresh), 'utf8');
  const gzipped = body.length >= GZIP_FROM ? gzipSync(body, { level: 1 }) : undefined;
  return { stamp, status, body, ...(gzipped === undefined ? {} : { gzipped }) };
}

/** Answers larger than this are kept gzip-compressed too, for clients that accept it. */
const GZIP_FROM = 8 * 1024;

function sendKept(req: Request, res: Response, kept: CachedAnswer): void {
  res.status(kept.status).type('application/json').vary('Accept-Encoding');
  if (kept.gzipped !== undefined && req.acceptsEncodings('gzip') === 'gzip') {
    res.set('Content-Encoding', 'gzip').send(kept.gzipped);
  } else {
    res.send(kept.body);
  }
}

function handler(route: RouteSpec, services: ApiServices, cache: ResponseCache) {
  return async (req: Authed, res: Response, next: NextFunction) => {
    try {
      const params = parsePart(route.params, req.params, 'path');
      const query = parsePart(route.query, req.query, 'query');
      const body = parsePart(route.body, req.body, 'body');
      const run = () => route.handle({ params, query, body, caller: req.caller as Caller }, services);
      if (route.cache === true) await cachedRead(req, res, route, services, cache, run);
      else send(res, route, await run());
    } catch (error) {
      next(error);
    }
  };
}

function accessLog(log: Logger) {
  return (req: Authed, res: Response, next: NextFunction) => {
    const start = performance.now();
    res.on('finish', () => {
      log.info(
        {
          method: req.method,
          path: req.path,
          status: res.statusCode,
          ms: Math.round((performance.now() - start) * 1000) / 1000,
          token: req.caller?.name ?? null,
        },
        'request',
      );
    });
    next();
  };
}

function rateLimiter(perMinute: number) {
  return rateLimit({
    windowMs: 60_000,
    limit: perMinute,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    keyGenerator: (req: Request) => `token:${(req as Authed).caller?.name ?? 'none'}`,
    handler: (_req, _res, next) =>
      next(
        new ApiError('RATE_LIMITED', `more than ${perMinute} requests a minute for this token; slow down`),
      ),
  });
}

function mountHealth(app: express.Express, options: ApiOptions): void {
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    try {
      await options.services.store.changeStamp();
      const last = options.lastSweepAt?.() ?? null;
      const stale =
        options.lastSweepAt !== undefined &&
        options.staleAfterMs !== undefined &&
        (last === null || options.services.now().getTime() - last > options.staleAfterMs);
      if (stale) {
        const detail =
          last === null
            ? 'no sweep has finished yet'
            : `the last sweep ended at ${new Date(last).toISOString()}`;
        throw new ApiError('NOT_AVAILABLE', detail);
      }
      res.json({ status: 'ready', lastSweep: last === null ? null : new Date(last).toISOString() });
    } catch (error) {
      writeProblem(res, httpFailure(error), 503);
    }
  });
}

/** The express application; mount it on an http(s) server (server.ts). */
export function createApiApp(options: ApiOptions): express.Express {
  const { services, log } = options;
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(accessLog(log));
  app.use(helmet());
  mountHealth(app, options);
  const document = openApiDocument(API_ROUTES, services.version);
  mountDocs(app, document);
  const auth = authenticate(services);
  const limiter = rateLimiter(options.rateLimitPerMinute ?? 6000);
  if (options.metrics !== undefined) {
    const metrics = options.metrics;
    const guard = options.metricsPublic === true ? [] : [auth, limiter];
    app.get('/metrics', ...guard, async (_req, res, next) => {
      try {
        const { contentType, body } = await metrics.render();
        res.type(contentType).send(body);
      } catch (error) {
        next(error);
      }
    });
  }
  app.use('/api/v1', auth, limiter, express.json({ limit: BODY_LIMIT, strict: true }));
  app.get('/api/v1/openapi.json', (_req, res) => {
    res.json(document);
  });
  const cache = new ResponseCache();
  for (const route of API_ROUTES)
    app[route.method](expressPath(route.path), requireRole(route), handler(route, services, cache));
  app.use('/api', (_req, _res, next) =>
    next(new ApiError('NOT_FOUND', 'no such API path; see /api/v1/openapi.json')),
  );
  if (options.dashboard !== false) {
    const staleAfterMs = options.staleAfterMs;
    app.use(
      dashboardRouter({
        services,
        log,
        ...(staleAfterMs === undefined ? {} : { staleAfterMs }),
        ...options.dashboard,
      }),
    );
  }
  app.use((error: unknown, req: Request, res: Response, _next: NextFunction) => {
    const typed = error as { type?: string; status?: number };
    if (typed.type === 'entity.too.large')
      return sendProblem(res, new ApiError('PAYLOAD_TOO_LARGE', `body: larger than ${BODY_LIMIT}`), log, req);
    if (typed.type === 'entity.parse.failed')
      return sendProblem(res, new ApiError('BAD_PARAMETER', 'body: not valid JSON'), log, req);
    sendProblem(res, error, log, req);
  });
  return app;
}
