/** The month report's routes: the page, its downloads and chart series, and the operator's close. */
import type { Response, Router } from 'express';
import { ApiError } from '../api/api-error.js';
import { closeMonthAs } from '../api/operator-actions.js';
import type { ApiServices, Caller } from '../api/route.js';
import { MonthParam } from '../api/schemas.js';
import {
  buildUsageMonth,
  concurrencySeries,
  diffMonths,
  parseMonth,
  previousMonth,
  readClosedMonth,
  USAGE_CSV_TABLES,
  type UsageCsvTable,
  type UsageMonth,
  usageCsv,
} from '../usage/index.js';
import type { DashboardAuth, ViewerRequest } from './dashboard-auth.js';
import { param, positiveInt } from './query-params.js';
import type { Viewer } from './views/layout.js';
import { monthPage } from './views/month-page.js';

/**
 * A closed month's frozen report, or the live one by the configuration's SPLA rules (as the API's diff
 * reads them).
 */
async function readReport(services: ApiServices, month: string): Promise<UsageMonth> {
  const closed = await services.store.getMonthClose(month);
  return closed === null
    ? buildUsageMonth(services.store, month, services.splaSettings)
    : (await readClosedMonth(services.store, month)).report;
}

/** Months' reports kept while the database is unchanged (`Store.changeStamp`), like the API's answers. */
class MonthReports {
  readonly #kept = new Map<string, { readonly stamp: string; readonly report: Promise<UsageMonth> }>();
  readonly #services: ApiServices;

  constructor(services: ApiServices) {
    this.#services = services;
  }

  async get(month: string): Promise<UsageMonth> {
    const stamp = await this.#services.store.changeStamp();
    const kept = this.#kept.get(month);
    if (kept !== undefined && kept.stamp === stamp) return kept.report;
    if (this.#kept.size >= 24) this.#kept.clear();
    const report = readReport(this.#services, month);
    this.#kept.set(month, { stamp, report });
    report.catch(() => this.#kept.delete(month));
    return report;
  }
}

/** The month of the path; a bad one is the usage layer's INVALID_MONTH (400, naming the input). */
function monthOf(req: ViewerRequest): string {
  return parseMonth(req.params.month).month;
}

const NOTICES: Readonly<Record<string, string>> = {
  closed: 'The month is closed: its report and SHA-256 are frozen.',
};

export function mountMonthRoutes(router: Router, auth: DashboardAuth, services: ApiServices): void {
  const reports = new MonthReports(services);
  const reader = auth.requireViewer('reader');
  router.get('/months', reader, (req, res) => {
    const asked = param(req, 'month', 7);
    const month =
      asked !== undefined && MonthParam.safeParse(asked).success
        ? asked
        : previousMonth(services.now().toISOString().slice(0, 7));
    res.redirect(303, `/months/${month}`);
  });
  router.get('/months/:month', reader, async (req: ViewerRequest, res, next) => {
    try {
      const month = monthOf(req);
      const [report, close, closedMonths] = await Promise.all([
        reports.get(month),
        services.store.getMonthClose(month),
        // Months only: every close's frozen report and CSV tables are megabytes each at fleet scale.
        services.store.listClosedMonths(),
      ]);
      const before = previousMonth(month);
      const diff = diffMonths(await reports.get(before), report);
      const done = param(req, 'done', 20);
      res.type('html').send(
        monthPage(req.viewer as Viewer, {
          report,
          close,
          closedMonths,
          diff,
          over: parseMonth(month).end.getTime() <= services.now().getTime(),
          vmPage: positiveInt(param(req, 'page'), 1),
          notice: done === undefined ? null : (NOTICES[done] ?? null),
        }),
      );
    } catch (error) {
      next(error);
    }
  });
  router.get('/months/:month/usage.csv', reader, async (req: ViewerRequest, res: Response, next) => {
    try {
      const month = monthOf(req);
      const asked = param(req, 'table', 10) ?? 'hosts';
      const table = (USAGE_CSV_TABLES as readonly string[]).includes(asked)
        ? (asked as UsageCsvTable)
        : 'hosts';
      const body = usageCsv(await reports.get(month), table);
      res.type('text/csv; charset=utf-8').attachment(`avma-usage-${month}-${table}.csv`).send(body);
    } catch (error) {
      next(error);
    }
  });
  router.get('/months/:month/usage.json', reader, async (req: ViewerRequest, res, next) => {
    try {
      const month = monthOf(req);
      res.attachment(`avma-usage-${month}.json`).json(await reports.get(month));
    } catch (error) {
      next(error);
    }
  });
  router.get('/months/:month/concurrency.json', reader, async (req: ViewerRequest, res, next) => {
    try {
      res.json(await concurrencySeries(services.store, monthOf(req), services.splaSettings?.runningStates));
    } catch (error) {
      next(error);
    }
  });
  router.post(
    '/months/:month/close',
    auth.requireViewer('operator'),
    async (req: ViewerRequest, res, next) => {
      try {
        const month = monthOf(req);
        if (req.body?.confirm !== 'yes')
          throw new ApiError('BAD_PARAMETER', 'confirm: tick the confirmation box');
        await closeMonthAs(services, month, req.viewer as Caller);
        res.redirect(303, `/months/${month}?done=closed`);
      } catch (error) {
        next(error);
      }
    },
  );
}
