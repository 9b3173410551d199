/**
 * The dashboard, served by the API's express app at `/`: server-rendered pages over the same store
 * reads, tokens, roles and services as /api/v1, with a strict CSP (violations counted at
 * /csp-report), CSRF secrets on every form, and HTML error pages.
 */
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import type { Logger } from 'pino';
import { ApiError } from '../api/api-error.js';
import { httpFailure } from '../api/http-status.js';
import { applyVmAction, VM_ACTIONS, type VmAction } from '../api/operator-actions.js';
import type { ApiServices, Caller } from '../api/route.js';
import { VmActionBody } from '../api/schemas.js';
import { isVmId } from '../model/index.js';
import type { EventSource } from '../store/index.js';
import { parseMonth } from '../usage/index.js';
import { mountAssets } from './assets.js';
import { DashboardAuth, mountLogin, type ViewerRequest } from './dashboard-auth.js';
import { mountMonthRoutes } from './month-routes.js';
import { param, vmQuery } from './query-params.js';
import { CONTENT_SECURITY_POLICY, CSP_REPORT_PATH, CspReports } from './security.js';
import { SessionStore } from './session.js';
import { eventsPage } from './views/events-page.js';
import { renderPage, type Viewer } from './views/layout.js';
import { overviewPage } from './views/overview-page.js';
import { vmPage } from './views/vm-page.js';
import { vmsPage } from './views/vms-page.js';
import { VmIndex } from './vm-index.js';

export interface DashboardOptions {
  readonly services: ApiServices;
  readonly log: Logger;
  /** Where CSP violation reports are counted (default: a new counter). */
  readonly cspReports?: CspReports;
  readonly sessions?: SessionStore;
  /** A host not swept for this long is shown stale (default 3 h, the agent's default of 3 intervals). */
  readonly staleAfterMs?: number;
}

const DAY_MS = 86_400_000;
const CHANGE_ACTIONS = [
  'push-key',
  'send-wipe',
  'opt-out',
  'opt-in',
  'allow-avma',
  'block-avma',
  'month-close',
] as const;
const ACTION_DONE: Readonly<Record<VmAction, string>> = {
  'opt-out': 'The VM is opted out of AVMA.',
  'opt-in': 'The VM is opted back in.',
  'allow-avma': 'AVMA is allowed again for the VM.',
};

function securityHeaders(_req: Request, res: Response, next: NextFunction): void {
  res.setHeader('Content-Security-Policy', CONTENT_SECURITY_POLICY);
  res.setHeader('Cache-Control', 'no-store');
  next();
}

/** An async page handler with errors passed on. */
function page(handler: (req: ViewerRequest, res: Response) => Promise<void>) {
  return (req: ViewerRequest, res: Response, next: NextFunction) => {
    handler(req, res).catch(next);
  };
}

function mountCspReports(router: Router, reports: CspReports, log: Logger): void {
  const body = express.json({
    limit: '16kb',
    strict: false,
    type: ['application/csp-report', 'application/reports+json', 'application/json'],
  });
  router.post(CSP_REPORT_PATH, body, (req, res) => {
    const reportsSent: unknown[] = Array.isArray(req.body) ? req.body : [req.body];
    for (const report of reportsSent) {
      // Anyone can post here: anything that is not an object counts as a report of nothing known.
      const r = (typeof report === 'object' && report !== null ? report : {}) as {
        'csp-report'?: Record<string, unknown>;
        body?: Record<string, unknown>;
      };
      const detail = r['csp-report'] ?? r.body ?? {};
      const directive = String(detail['violated-directive'] ?? detail.effectiveDirective ?? 'unknown');
      if (reports.record(directive))
        log.warn(
          { directive, blocked: String(detail['blocked-uri'] ?? detail.blockedURL ?? '') },
          'csp violation',
        );
    }
    res.status(204).end();
  });
}

function mountPages(router: Router, auth: DashboardAuth, options: DashboardOptions, index: VmIndex): void {
  const { services } = options;
  const reader = auth.requireViewer('reader');
  router.get(
    '/',
    reader,
    page(async (req, res) => {
      const now = services.now();
      const since = new Date(now.getTime() - DAY_MS);
      const [hosts, snapshot, newVms, audit, events] = await Promise.all([
        services.store.listHosts(),
        index.snapshot(),
        services.store.listNewVms(since, 50),
        services.store.listAudit({ since, actions: CHANGE_ACTIONS, limit: 1000 }),
        services.store.listEventsPage({ since }, null, 500, 'newest-first'),
      ]);
      const failures = events.rows.filter(
        (e) => e.notification !== null && e.notification !== 'avma-success',
      );
      res.type('html').send(
        overviewPage(req.viewer as Viewer, {
          hosts,
          vms: snapshot.rows,
          newVms,
          audit: audit.slice(-50).reverse(),
          failures: failures.slice(0, 50),
          staleAfterMs: options.staleAfterMs ?? 3 * 3_600_000,
          nowMs: now.getTime(),
        }),
      );
    }),
  );
  router.get(
    '/vms',
    reader,
    page(async (req, res) => {
      const query = vmQuery(req);
      res.type('html').send(vmsPage(req.viewer as Viewer, query, await index.query(query)));
    }),
  );
  router.get(
    '/vms/:id',
    reader,
    page(async (req, res) => {
      const id = String(req.params.id).toLowerCase();
      const vm = isVmId(id) ? await services.store.getVmDetail(id) : null;
      if (vm === null) throw new ApiError('NOT_FOUND', 'no such VM in the store');
      const range = parseMonth(services.now().toISOString().slice(0, 7));
      const done = param(req, 'done', 20) as VmAction | undefined;
      res.type('html').send(
        vmPage(req.viewer as Viewer, {
          vm,
          month: { name: range.month, startMs: range.start.getTime(), endMs: range.end.getTime() },
          nowMs: services.now().getTime(),
          notice: done !== undefined && VM_ACTIONS.includes(done) ? ACTION_DONE[done] : null,
        }),
      );
    }),
  );
  for (const action of VM_ACTIONS) {
    router.post(
      `/vms/:id/${action}`,
      auth.requireViewer('operator'),
      page(async (req, res) => {
        const id = String(req.params.id).toLowerCase();
        if (!isVmId(id)) throw new ApiError('NOT_FOUND', 'no such VM in the store');
        const body = VmActionBody.safeParse({
          reason: typeof req.body?.reason === 'string' ? req.body.reason.trim() : '',
        });
        if (!body.success)
          throw new ApiError('BAD_PARAMETER', 'reason: give a reason of 1 to 1,024 characters');
        if (req.body?.confirm !== 'yes')
          throw new ApiError('BAD_PARAMETER', 'confirm: tick the confirmation box');
        await applyVmAction(services, id, action, req.viewer as Caller, body.data.reason);
        res.redirect(303, `/vms/${id}?done=${action}`);
      }),
    );
  }
  router.get(
    '/events',
    reader,
    page(async (req, res) => {
      const text = {
        eventId: param(req, 'eventId', 5),
        source: param(req, 'source', 5),
        host: param(req, 'host', 253),
        vm: param(req, 'vm', 256),
      };
      const before = /^(-?\d{1,16})\.(\d{1,16})$/.exec(param(req, 'before', 40) ?? '');
      const eventId = Number(text.eventId);
      const source = ['host', 'guest', 'agent'].includes(text.source ?? '')
        ? (text.source as EventSource)
        : undefined;
      const result = await services.store.listEventsPage(
        {
          ...(Number.isInteger(eventId) && eventId > 0 && eventId < 65_536 ? { eventId } : {}),
          ...(source === undefined ? {} : { source }),
          ...(text.host === undefined ? {} : { host: text.host }),
          ...(text.vm === undefined ? {} : { vm: text.vm }),
        },
        before === null ? null : { time: Number(before[1]), id: Number(before[2]) },
        100,
        'newest-first',
      );
      const next = result.next === null ? null : `${result.next.time}.${result.next.id}`;
      res.type('html').send(eventsPage(req.viewer as Viewer, text, result.rows, next));
    }),
  );
}

function errorPage(options: DashboardOptions) {
  return (error: unknown, req: ViewerRequest, res: Response, _next: NextFunction) => {
    // body-parser's own errors: a form or report too large or not parseable is the sender's fault.
    const parser = (error as { type?: string }).type;
    const failure = httpFailure(
      parser === 'entity.too.large'
        ? new ApiError('PAYLOAD_TOO_LARGE', 'the form is larger than 16 KB')
        : parser === 'entity.parse.failed' || parser === 'parameters.too.many'
          ? new ApiError('BAD_PARAMETER', 'the request body could not be read')
          : error,
    );
    if (failure.status >= 500)
      options.log.error({ err: String(error), path: req.path }, 'dashboard request failed');
    res
      .status(failure.status)
      .type('html')
      .send(
        renderPage({
          title: failure.title,
          viewer: req.viewer ?? null,
          children: (
            // The detail names what was wrong; preact escapes it like any text.
            <p role="alert">{failure.detail}</p>
          ),
        }),
      );
  };
}

/** The dashboard as an express router; mount it on the API's app (app.ts). */
export function dashboardRouter(options: DashboardOptions): Router {
  const router = express.Router();
  const reports = options.cspReports ?? new CspReports();
  const auth = new DashboardAuth(options.services, options.sessions ?? new SessionStore(), options.log);
  router.use(securityHeaders);
  mountCspReports(router, reports, options.log);
  mountAssets(router);
  router.use(express.urlencoded({ extended: false, limit: '16kb', parameterLimit: 20 }));
  mountLogin(router, auth);
  mountPages(router, auth, options, new VmIndex(options.services.store));
  mountMonthRoutes(router, auth, options.services);
  router.use((_req, _res, next) => next(new ApiError('NOT_FOUND', 'no such page')));
  router.use(errorPage(options));
  return router;
}
