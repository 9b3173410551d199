/**
 * `GET /api/v1/reports/{name}`: the licence report family (agent/reports: the SCCM-style reports of
 * seeds 001/004 and our own), JSON or CSV (`format=csv`, the usage export's formula guard). Each
 * report's parameters are query strings of the same names as the CLI's options; the registry parses
 * them, so a bad one is a 400 problem naming it and an unknown report a 404.
 */
import { z } from 'zod';
import { allReportParams, REPORT_NAMES, reportCsv, runReport } from '../../reports/index.js';
import { defineRoute, json, type RouteSpec } from '../route.js';

const Cell = z.union([z.string(), z.number(), z.boolean(), z.null()]);

const Report = z
  .object({
    name: z.string(),
    title: z.string(),
    generatedAt: z.string(),
    params: z.record(z.string(), z.string()),
    columns: z.array(z.string()),
    rows: z.array(z.record(z.string(), Cell)),
  })
  .meta({ id: 'Report' });

/** Every parameter any report takes, as an optional query string (the report says which it takes). */
function reportQuery() {
  const shape: Record<string, z.ZodOptional<z.ZodString>> = {};
  for (const [name, param] of allReportParams()) {
    shape[name] = z.string().max(1024).optional().describe(param.description) as z.ZodOptional<z.ZodString>;
  }
  return z.strictObject({ format: z.enum(['json', 'csv']).default('json'), ...shape });
}

export const REPORT_ROUTES: readonly RouteSpec[] = [
  defineRoute({
    method: 'get',
    path: '/api/v1/reports/{name}',
    role: 'reader',
    operationId: 'getReport',
    // Not kept between database changes: reports about "from now" (expiring, kms-hosts) change with time.
    cache: false,
    summary: `A report by name (JSON, or CSV with format=csv): ${REPORT_NAMES.join(', ')}`,
    params: z.strictObject({ name: z.string().min(1).max(64) }),
    query: reportQuery(),
    response: Report,
    csv: true,
    async handle({ params, query }, services) {
      const { format, ...rest } = query as { format: 'json' | 'csv' } & Record<string, string | undefined>;
      const given: Record<string, string> = {};
      for (const [name, value] of Object.entries(rest)) if (value !== undefined) given[name] = value;
      const report = await runReport(services.store, params.name, given, {
        now: services.reports?.now() ?? services.now(),
        ...(services.reports === undefined ? {} : { avmaValidityMs: services.reports.avmaValidityMs }),
      });
      if (format === 'json') return json(report);
      return { kind: 'csv', fileName: `avma-report-${report.name}.csv`, body: reportCsv(report) };
    },
  }),
];
