/** `GET /api/v1/events`: stored 12310, 12309 and audit events, oldest first, paged by an opaque cursor. */
import { z } from 'zod';
import type { EventCursor } from '../../store/index.js';
import { ApiError } from '../api-error.js';
import { defineRoute, json, type RouteSpec } from '../route.js';
import { EventPage, EventQuery } from '../schemas.js';

const Position = z.object({ time: z.int(), id: z.int() });

function position(
  services: Parameters<RouteSpec['handle']>[1],
  after: string | undefined,
): EventCursor | null {
  if (after === undefined) return null;
  const parsed = Position.safeParse(services.cursors.decode(after, 'after'));
  if (!parsed.success) throw new ApiError('BAD_PARAMETER', 'after: not a cursor of the events list');
  return parsed.data;
}

export const EVENT_ROUTES: readonly RouteSpec[] = [
  defineRoute({
    method: 'get',
    path: '/api/v1/events',
    role: 'reader',
    operationId: 'listEvents',
    cache: true,
    summary: 'Stored events (host 12310, guest 12309, agent audit), oldest first; `next` pages on',
    query: EventQuery,
    response: EventPage,
    async handle({ query }, services) {
      const q = query;
      const page = await services.store.listEventsPage(
        {
          ...(q.vm === undefined ? {} : { vm: q.vm }),
          ...(q.host === undefined ? {} : { host: q.host }),
          ...(q.eventId === undefined ? {} : { eventId: q.eventId }),
          ...(q.source === undefined ? {} : { source: q.source }),
          ...(q.since === undefined ? {} : { since: new Date(q.since) }),
          ...(q.until === undefined ? {} : { until: new Date(q.until) }),
        },
        position(services, q.after),
        q.limit,
      );
      return json({ items: page.rows, next: page.next === null ? null : services.cursors.encode(page.next) });
    },
  }),
];
