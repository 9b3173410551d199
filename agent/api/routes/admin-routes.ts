/** Tokens (admin) and "sweep now" (operator). */
import { z } from 'zod';
import { ApiError } from '../api-error.js';
import { type ApiServices, defineRoute, json, type RouteSpec, type TokenAdmin } from '../route.js';
import { SweepStarted, TokenCreateBody, TokenCreated, TokenList } from '../schemas.js';

function tokensOf(services: ApiServices): TokenAdmin {
  if (services.tokens === undefined) throw new ApiError('NOT_AVAILABLE', 'this store keeps no tokens');
  return services.tokens;
}

export const ADMIN_ROUTES: readonly RouteSpec[] = [
  defineRoute({
    method: 'get',
    path: '/api/v1/tokens',
    role: 'admin',
    operationId: 'listTokens',
    summary: 'Tokens: name, role, created, expires, revoked, last used (never the token)',
    response: TokenList,
    async handle(_request, services) {
      return json({ items: await tokensOf(services).list() });
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/tokens',
    role: 'admin',
    operationId: 'createToken',
    status: 201,
    summary: 'Create a token; the answer shows it once, only its SHA-256 is stored',
    body: TokenCreateBody,
    response: TokenCreated,
    async handle({ body, caller }, services) {
      const request = body;
      const created = await tokensOf(services).create({
        name: request.name,
        role: request.role,
        expiresAt: request.expires === undefined ? null : new Date(request.expires),
        actor: caller.name,
        at: services.now(),
      });
      return json(created, 201);
    },
  }),
  defineRoute({
    method: 'delete',
    path: '/api/v1/tokens/{name}',
    role: 'admin',
    operationId: 'revokeToken',
    summary: 'Revoke a token: it is refused from now on (401)',
    params: z.strictObject({ name: z.string().min(1).max(64) }),
    response: z.object({ name: z.string(), revoked: z.boolean() }).meta({ id: 'TokenRevoked' }),
    async handle({ params, caller }, services) {
      // An unknown name is the store's NOT_FOUND (404); revoking twice answers revoked: false.
      const revoked = await tokensOf(services).revoke(params.name, {
        actor: caller.name,
        at: services.now(),
        reason: 'revoked through the API',
      });
      return json({ name: params.name, revoked });
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/sweep',
    role: 'operator',
    operationId: 'sweepNow',
    summary: 'Sweep every host now (only in `avma run`; `avma serve` runs no sweep)',
    response: SweepStarted,
    async handle({ caller }, services) {
      if (services.sweepNow === undefined) {
        throw new ApiError(
          'NOT_AVAILABLE',
          'this server runs no sweep (avma serve); use the agent that sweeps',
        );
      }
      const at = services.now();
      await services.writer.transaction((tx) =>
        tx.audit({ at, actor: caller.name, action: 'sweep-now', reason: 'requested through the API' }),
      );
      return json({ report: await services.sweepNow() });
    },
  }),
];
