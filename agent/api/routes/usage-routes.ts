/**
 * The SPLA month: `GET /api/v1/usage/{month}` (JSON, or CSV per table with the CLI's injection guard),
 * `GET /api/v1/months` (closes with their chain fields), `POST /api/v1/months/{month}/close` (body
 * `{"force": true}` for an early close), `GET .../diff?against=` (with drift), `GET /api/v1/months/verify`.
 * The same code as `avma month ...` (agent/usage).
 */
import { z } from 'zod';
import type { MonthCloseRecord } from '../../store/index.js';
import {
  buildUsageMonth,
  monthsDiff,
  monthTotals,
  USAGE_MONTH_SCHEMA,
  usageCsv,
  verifyMonths,
} from '../../usage/index.js';
import { closeMonthAs } from '../operator-actions.js';
import { defineRoute, json, type RouteSpec } from '../route.js';
import {
  MonthClose,
  MonthCloseBody,
  MonthDiff,
  MonthList,
  MonthParam,
  MonthVerification,
  UsageMonth,
  UsageQuery,
} from '../schemas.js';

const MonthPath = z.strictObject({ month: MonthParam });

/** A close as the API lists it; totals from the stored report as it reads (verify checks it). */
function closeItem(close: MonthCloseRecord) {
  const { month, closedAt, sha256, sequence, format, previousSha256, actor, actorSource, forced } = close;
  let totals: Record<string, number> | null = null;
  try {
    const report = USAGE_MONTH_SCHEMA.safeParse(JSON.parse(close.report));
    totals = report.success ? { ...monthTotals(report.data) } : null;
  } catch {
    totals = null;
  }
  return { month, closedAt, sha256, sequence, format, previousSha256, actor, actorSource, forced, totals };
}

export const USAGE_ROUTES: readonly RouteSpec[] = [
  defineRoute({
    method: 'get',
    path: '/api/v1/usage/{month}',
    role: 'reader',
    operationId: 'getUsage',
    cache: true,
    summary: 'The SPLA month per host, VM and tenant (JSON, or one table as CSV)',
    params: MonthPath,
    query: UsageQuery,
    response: UsageMonth,
    csv: true,
    async handle({ params, query }, services) {
      const q = query;
      const report = await buildUsageMonth(services.store, params.month, {
        ...services.splaSettings,
        ...(q.tenant === undefined ? {} : { tenant: q.tenant }),
      });
      if (q.format === 'json') return json(report);
      const table = q.table ?? 'hosts';
      return {
        kind: 'csv',
        fileName: `avma-usage-${params.month}-${table}.csv`,
        body: usageCsv(report, table),
      };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/months',
    role: 'reader',
    operationId: 'listMonths',
    cache: true,
    summary: 'Closed months in closing order with their SHA-256, previous hash, actor, forced and totals',
    response: MonthList,
    async handle(_request, services) {
      const items = [];
      // One report in memory at a time: a fleet's closes are megabytes each.
      for (const month of await services.store.listClosedMonths()) {
        const close = await services.store.getMonthClose(month);
        if (close !== null) items.push(closeItem(close));
      }
      return json({ items });
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/months/verify',
    role: 'reader',
    operationId: 'verifyMonths',
    cache: true,
    summary: 'Every close’s hash and the chain recomputed (ok false on a mismatch), and drift per month',
    response: MonthVerification,
    async handle(_request, services) {
      return json(await verifyMonths(services.store));
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/months/{month}/close',
    role: 'operator',
    operationId: 'closeMonth',
    status: 201,
    summary:
      'Freeze a finished month (or, with {"force": true}, one not over yet): its report, CSV tables and chained SHA-256, audited with the token as actor',
    params: MonthPath,
    body: MonthCloseBody,
    response: MonthClose,
    async handle({ params, body, caller }, services) {
      const closed = await closeMonthAs(services, params.month, caller, { force: body?.force === true });
      const stored = await services.writer.getMonthClose(closed.month);
      return json(stored === null ? null : closeItem(stored), 201);
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/months/{month}/diff',
    role: 'reader',
    operationId: 'diffMonths',
    cache: true,
    summary:
      'What changed per host and tenant between this month and `against` (earlier first), and closed months’ drift',
    params: MonthPath,
    query: z.strictObject({ against: MonthParam }),
    response: MonthDiff,
    async handle({ params, query }, services) {
      return json(
        await monthsDiff(services.store, params.month, query.against, {
          ...(services.splaSettings === undefined ? {} : { settings: services.splaSettings }),
        }),
      );
    },
  }),
];
