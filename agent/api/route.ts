/**
 * One route of the API as data: method, path, the role it needs, the zod schemas of its parameters,
 * body and answer, and its handler. The express router and the OpenAPI document are both made from the
 * same list (routes/index.ts), so a documented route always exists and every route is documented.
 */

import type { Readable } from 'node:stream';
import type { z } from 'zod';
import type { Store } from '../store/index.js';
import type { TokenRole } from '../tokens/index.js';
import type { CloseSettings } from '../usage/index.js';
import type { CursorCodec } from './cursor.js';

// One definition of the roles (agent/tokens): admin ⊃ operator ⊃ reader.
export { roleAllows, TOKEN_ROLES as API_ROLES } from '../tokens/index.js';
export type ApiRole = TokenRole;

/** Who is calling: the token's name and role (never the token). */
export interface Caller {
  readonly name: string;
  readonly role: ApiRole;
}

/** An authenticated token: who calls, and until when the token holds (ISO time, or null). */
export interface Authenticated extends Caller {
  readonly expiresAt: string | null;
}

/** What the server offers the handlers besides the store. */
export interface ApiServices {
  /**
   * Where reads go: in `avma run` a read-only connection of its own on the same file (SQLite WAL
   * readers see every commit and never wait for the sweep's transaction, nor make it wait).
   */
  readonly store: Store;
  /** Where writes go (operator actions, month closes, tokens, audit): the agent's writable store. */
  readonly writer: Store;
  readonly cursors: CursorCodec;
  readonly version: string;
  /** Runs a sweep now and resolves to its report; absent under `avma serve` (no sweep in that process). */
  readonly sweepNow?: () => Promise<unknown>;
  /** Token administration; absent when the store has no tokens (see tokens routes). */
  readonly tokens?: TokenAdmin;
  readonly now: () => Date;
  /** The SPLA rules of the loaded configuration (`spla` section) for month reports and closes. */
  readonly splaSettings?: CloseSettings;
  /**
   * The reports' clock and AVMA validity when they differ from the defaults (real time, 7 days): `avma
   * run` on the lab passes the lab clock and the session's evidence window.
   */
  readonly reports?: { readonly now: () => Date; readonly avmaValidityMs: number };
}

export interface TokenInfo {
  readonly name: string;
  readonly role: ApiRole;
  readonly createdAt: string;
  readonly createdBy: string;
  readonly expiresAt: string | null;
  readonly revokedAt: string | null;
  readonly lastUsedAt: string | null;
}

export interface TokenAdmin {
  authenticate(token: string, at: Date): Promise<Authenticated | null>;
  list(): Promise<TokenInfo[]>;
  create(request: { name: string; role: ApiRole; expiresAt: Date | null; actor: string; at: Date }): Promise<{
    token: string;
    record: TokenInfo;
  }>;
  revoke(name: string, request: { actor: string; at: Date; reason: string }): Promise<boolean>;
}

export interface ValidatedRequest<P, Q, B> {
  readonly params: P;
  readonly query: Q;
  readonly body: B;
  readonly caller: Caller;
}

/** An answer: JSON validated against the route's response schema, or a CSV stream with a file name. */
export type RouteAnswer =
  | { readonly kind: 'json'; readonly status?: number; readonly body: unknown }
  | { readonly kind: 'csv'; readonly fileName: string; readonly body: Readable | string };

export interface RouteSpec {
  readonly method: 'get' | 'post' | 'delete';
  /** OpenAPI form, e.g. `/api/v1/vms/{id}`. */
  readonly path: string;
  readonly role: ApiRole;
  readonly operationId: string;
  readonly summary: string;
  readonly params?: z.ZodObject;
  readonly query?: z.ZodObject;
  readonly body?: z.ZodType;
  /** The JSON answer's schema, sent with `status` (default 200). */
  readonly response: z.ZodType;
  readonly status?: 200 | 201;
  /** The route can also answer `text/csv` (`format=csv`). */
  readonly csv?: boolean;
  /** A read whose JSON answer depends on the database only: kept until the database changes. */
  readonly cache?: boolean;
  handle(request: ValidatedRequest<unknown, unknown, unknown>, services: ApiServices): Promise<RouteAnswer>;
}

type Parsed<S> = S extends z.ZodType ? z.output<S> : undefined;

/** A route whose handler sees its parameters, query and body as its schemas parse them. */
export interface RouteDefinition<
  P extends z.ZodObject | undefined,
  Q extends z.ZodObject | undefined,
  B extends z.ZodType | undefined,
> extends Omit<RouteSpec, 'params' | 'query' | 'body' | 'handle'> {
  readonly params?: P;
  readonly query?: Q;
  readonly body?: B;
  handle(
    request: ValidatedRequest<Parsed<P>, Parsed<Q>, Parsed<B>>,
    services: ApiServices,
  ): Promise<RouteAnswer>;
}

/**
 * Types a route's handler from its schemas. The router parses every part with those same schemas
 * before calling it (app.ts), which is what makes the widening to `RouteSpec` sound.
 */
export function defineRoute<
  P extends z.ZodObject | undefined = undefined,
  Q extends z.ZodObject | undefined = undefined,
  B extends z.ZodType | undefined = undefined,
>(definition: RouteDefinition<P, Q, B>): RouteSpec {
  return definition as unknown as RouteSpec;
}

/** Express's path form of an OpenAPI path: `{id}` -> `:id`. */
export function expressPath(path: string): string {
  return path.replace(/\{([A-Za-z]+)\}/g, ':$1');
}

export function json(body: unknown, status = 200): RouteAnswer {
  return { kind: 'json', status, body };
}
