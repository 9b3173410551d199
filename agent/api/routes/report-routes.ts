/**
 * `GET /api/v1/reports/{name}`: the SCCM-style report family (seeds 001/004: licence status summary and
 * the like), one registry so the licence-reporting issue adds reports without new routes. Today:
 * `licence-states`, the count of live VMs by concluded licence status, channel and evidence.
 */
import { z } from 'zod';
import type { Store } from '../../store/index.js';
import { ApiError } from '../api-error.js';
import { defineRoute, json, type RouteSpec } from '../route.js';

const REPORTS = {
  'licence-states': {
    title: 'VMs by licence status, channel and the evidence it rests on (live VMs, latest observation)',
    async rows(store: Store) {
      const counts = new Map<
        string,
        { licenseStatus: string; channel: string; evidence: string; vms: number }
      >();
      for (const vm of await store.listVmStatus()) {
        const key = `${vm.licenseStatus}/${vm.channel}/${vm.evidence}`;
        const row = counts.get(key) ?? {
          licenseStatus: vm.licenseStatus,
          channel: vm.channel,
          evidence: vm.evidence,
          vms: 0,
        };
        counts.set(key, { ...row, vms: row.vms + 1 });
      }
      return [...counts.values()].sort(
        (a, b) => b.vms - a.vms || (a.licenseStatus < b.licenseStatus ? -1 : 1),
      );
    },
  },
} as const;
const REPORT_NAMES = Object.keys(REPORTS) as (keyof typeof REPORTS)[];

const Report = z
  .object({
    name: z.string(),
    title: z.string(),
    generatedAt: z.string(),
    rows: z.array(z.record(z.string(), z.union([z.string(), z.number(), z.null()]))),
  })
  .meta({ id: 'Report' });

export const REPORT_ROUTES: readonly RouteSpec[] = [
  defineRoute({
    method: 'get',
    path: '/api/v1/reports/{name}',
    role: 'reader',
    operationId: 'getReport',
    cache: true,
    summary: `A report by name: ${REPORT_NAMES.join(', ')}`,
    params: z.strictObject({ name: z.string().min(1).max(64) }),
    response: Report,
    async handle({ params }, services) {
      if (!(REPORT_NAMES as string[]).includes(params.name)) {
        throw new ApiError(
          'NOT_FOUND',
          `name: no report ${JSON.stringify(params.name)}; expected one of ${REPORT_NAMES.join(', ')}`,
        );
      }
      const report = REPORTS[params.name as keyof typeof REPORTS];
      return json({
        name: params.name,
        title: report.title,
        generatedAt: services.now().toISOString(),
        rows: await report.rows(services.store),
      });
    },
  }),
];
