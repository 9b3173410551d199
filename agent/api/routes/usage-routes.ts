/**
 * The SPLA month: `GET /api/v1/usage/{month}` (JSON, or CSV per table with the CLI's injection guard),
 * `GET /api/v1/months` (closes), `POST /api/v1/months/{month}/close`, `GET .../diff?against=`.
 */
import { z } from 'zod';
import { buildUsageMonth, diffMonths, readClosedMonth, usageCsv } from '../../usage/index.js';
import { closeMonthAs } from '../operator-actions.js';
import { defineRoute, json, type RouteSpec } from '../route.js';
import { MonthClose, MonthDiff, MonthList, MonthParam, UsageMonth, UsageQuery } from '../schemas.js';

const MonthPath = z.strictObject({ month: MonthParam });

/** A closed month's report, or the live one when the month is not closed. */
async function reportOf(services: Parameters<RouteSpec['handle']>[1], month: string) {
  const closed = await services.store.getMonthClose(month);
  return closed === null
    ? buildUsageMonth(services.store, month)
    : (await readClosedMonth(services.store, month)).report;
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
    summary: 'Closed months with their SHA-256',
    response: MonthList,
    async handle(_request, services) {
      const closes = await services.store.listMonthCloses();
      return json({ items: closes.map(({ month, closedAt, sha256 }) => ({ month, closedAt, sha256 })) });
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/months/{month}/close',
    role: 'operator',
    operationId: 'closeMonth',
    status: 201,
    summary: 'Freeze a finished month: its report and SHA-256, audited with the token as actor',
    params: MonthPath,
    response: MonthClose,
    async handle({ params, caller }, services) {
      const closed = await closeMonthAs(services, params.month, caller);
      return json({ month: closed.month, closedAt: closed.closedAt, sha256: closed.sha256 }, 201);
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/months/{month}/diff',
    role: 'reader',
    operationId: 'diffMonths',
    cache: true,
    summary: 'What changed per host and tenant from another month (`against`) to this one',
    params: MonthPath,
    query: z.strictObject({ against: MonthParam }),
    response: MonthDiff,
    async handle({ params, query }, services) {
      const before = await reportOf(services, query.against);
      const after = await reportOf(services, params.month);
      return json(diffMonths(before, after));
    },
  }),
];
