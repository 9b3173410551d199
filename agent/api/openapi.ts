/**
 * The OpenAPI 3.1 document, generated from the same route list and zod schemas that validate requests
 * and answers (@asteasolutions/zod-to-openapi: zod 4, no engines limit; schemas are named by their
 * `.meta({ id })`).
 */
import { OpenAPIRegistry, OpenApiGeneratorV31 } from '@asteasolutions/zod-to-openapi';
import type { RouteSpec } from './route.js';
import { ProblemDetails } from './schemas.js';

const PROBLEM = { 'application/problem+json': { schema: ProblemDetails } };

function errorResponses(route: RouteSpec) {
  return {
    400: { description: 'A parameter or the body is invalid (the detail names it)', content: PROBLEM },
    401: { description: 'No token, or an unknown, expired or revoked one', content: PROBLEM },
    403: { description: `The token's role is below ${route.role}`, content: PROBLEM },
    ...(route.path.includes('{') ? { 404: { description: 'Not found', content: PROBLEM } } : {}),
    429: { description: 'Too many requests for this token', content: PROBLEM },
  };
}

function register(registry: OpenAPIRegistry, route: RouteSpec): void {
  const content: Record<string, { schema: unknown }> = { 'application/json': { schema: route.response } };
  if (route.csv === true) content['text/csv'] = { schema: { type: 'string' } };
  registry.registerPath({
    method: route.method,
    path: route.path,
    operationId: route.operationId,
    summary: route.summary,
    description: `Needs a token of role ${route.role} or above.`,
    security: [{ bearer: [] }],
    request: {
      ...(route.params === undefined ? {} : { params: route.params }),
      ...(route.query === undefined ? {} : { query: route.query }),
      ...(route.body === undefined
        ? {}
        : { body: { required: true, content: { 'application/json': { schema: route.body } } } }),
    },
    responses: {
      [route.status ?? 200]: {
        description: 'OK',
        content: content as never,
      },
      ...errorResponses(route),
    },
  });
}

/** The document for `version`, with every route of the list. */
export function openApiDocument(routes: readonly RouteSpec[], version: string): object {
  const registry = new OpenAPIRegistry();
  registry.registerComponent('securitySchemes', 'bearer', {
    type: 'http',
    scheme: 'bearer',
    description: 'A token from `avma token create` (prefix avma_)',
  });
  for (const route of routes) register(registry, route);
  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'avma-agent API',
      version,
      description: 'AVMA state, events and SPLA usage of the Hyper-V hosts this agent sweeps.',
    },
    servers: [{ url: '/' }],
  });
}
