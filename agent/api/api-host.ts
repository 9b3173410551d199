/**
 * The API put together over a store: the services the routes use (tokens from the store, cursors,
 * the clock, "sweep now" when the process sweeps), the express app, and its server. Used by `avma run`
 * (with the sweep) and `avma serve` (the store alone).
 */
import pino, { type Logger } from 'pino';
import type { CspReports } from '../dashboard/index.js';
import { createAgentMetrics } from '../metrics/index.js';
import type { Store } from '../store/index.js';
import type { CloseSettings } from '../usage/index.js';
import { createApiApp, type MetricsSource } from './app.js';
import { CursorCodec } from './cursor.js';
import type { ApiServices, TokenAdmin } from './route.js';
import { type ListenAddress, type RunningServer, startServer } from './server.js';

export interface ApiHostOptions {
  /** The writable store: operator actions, month closes, tokens. */
  readonly store: Store;
  /** A read-only store on the same database for the reads (default: `store`). */
  readonly readStore?: Store;
  readonly version: string;
  readonly listen: ListenAddress;
  readonly tls?: { readonly certFile: string; readonly keyFile: string };
  readonly warn: (line: string) => void;
  /** Where the access log's JSON lines go (default: standard output). */
  readonly log?: Logger;
  readonly metrics?: MetricsSource;
  readonly metricsPublic?: boolean;
  readonly sweepNow?: () => Promise<unknown>;
  readonly lastSweepAt?: () => number | null;
  readonly staleAfterMs?: number;
  readonly rateLimitPerMinute?: number;
  readonly now?: () => Date;
  /** The SPLA rules of the configuration (`spla` section); defaults without. */
  readonly splaSettings?: CloseSettings;
  /** The reports' clock and AVMA validity (see ApiServices.reports). */
  readonly reports?: ApiServices['reports'];
  /** Where the dashboard counts CSP violation reports (tests assert none). */
  readonly cspReports?: CspReports;
}

/** The store's tokens as the API's token administration. */
export function storeTokens(store: Store): TokenAdmin {
  return {
    async authenticate(token, at) {
      const record = await store.authenticateToken(token, at);
      return record === null ? null : { name: record.name, role: record.role, expiresAt: record.expiresAt };
    },
    list: () => store.listTokens(),
    create: (request) => store.createToken(request),
    revoke: (name, request) => store.revokeToken(name, request),
  };
}

export function apiServices(options: ApiHostOptions): ApiServices {
  return {
    store: options.readStore ?? options.store,
    writer: options.store,
    cursors: new CursorCodec(),
    version: options.version,
    tokens: storeTokens(options.store),
    now: options.now ?? (() => new Date()),
    ...(options.sweepNow === undefined ? {} : { sweepNow: options.sweepNow }),
    ...(options.splaSettings === undefined ? {} : { splaSettings: options.splaSettings }),
    ...(options.reports === undefined ? {} : { reports: options.reports }),
  };
}

/** Starts the API on `options.listen`; resolves once it listens. */
export function startApi(options: ApiHostOptions): Promise<RunningServer> {
  const app = createApiApp({
    services: apiServices(options),
    log: options.log ?? pino({ base: null, timestamp: pino.stdTimeFunctions.isoTime }),
    // Without a sweep in this process (`avma serve`), the store's figures alone.
    metrics:
      options.metrics ??
      createAgentMetrics({ store: options.readStore ?? options.store, version: options.version }),
    ...(options.metricsPublic === undefined ? {} : { metricsPublic: options.metricsPublic }),
    ...(options.lastSweepAt === undefined ? {} : { lastSweepAt: options.lastSweepAt }),
    ...(options.staleAfterMs === undefined ? {} : { staleAfterMs: options.staleAfterMs }),
    ...(options.rateLimitPerMinute === undefined ? {} : { rateLimitPerMinute: options.rateLimitPerMinute }),
    ...(options.cspReports === undefined ? {} : { dashboard: { cspReports: options.cspReports } }),
  });
  return startServer(app, {
    listen: options.listen,
    warn: options.warn,
    ...(options.tls === undefined ? {} : { tls: options.tls }),
  });
}
