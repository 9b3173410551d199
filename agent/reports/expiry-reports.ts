/** License 02A (expiring licences counted by time range) and 02B (the VMs behind one range). */
import { z } from 'zod';
import {
  EXPIRY_KINDS,
  EXPIRY_RANGE_NAMES,
  EXPIRY_RANGES,
  EXPIRY_SOURCE,
  type ExpiryKind,
  type ExpiryRange,
  expiries,
  rangeOf,
} from './expiry.js';
import { atParam } from './report-params.js';
import { defineReport, type ReportParam } from './report-types.js';

const kindParam = <R extends boolean>(required: R): ReportParam<ExpiryKind> & { required: R } => ({
  schema: z.enum(EXPIRY_KINDS, {
    error: `expected one of ${EXPIRY_KINDS.join(', ')}`,
  }) as unknown as z.ZodType<ExpiryKind, string>,
  valueName: 'KIND',
  description: `what ends: ${EXPIRY_KINDS.join('|')}`,
  required,
});

const rangeParam: ReportParam<ExpiryRange> = {
  schema: z.enum(EXPIRY_RANGE_NAMES, {
    error: `expected one of ${EXPIRY_RANGE_NAMES.join(', ')}`,
  }) as unknown as z.ZodType<ExpiryRange, string>,
  valueName: 'RANGE',
  description: `time range: ${EXPIRY_RANGE_NAMES.join('|')} (ended, within 1 day, 1-3 days, ...)`,
};

const DAY_MS = 86_400_000;

export const expiringReport = defineReport({
  name: 'expiring',
  sccm: '02A',
  title: 'Grace periods ending and AVMA activations due for renewal, counted by time range',
  source: `${EXPIRY_SOURCE['grace-ending']}; ${EXPIRY_SOURCE['avma-renewal-due']}`,
  params: { at: atParam, kind: kindParam(false) },
  columns: ['kind', 'range', 'withinDays', 'vms', 'evidence', 'source'],
  async rows({ store, now, avmaValidityMs }, params) {
    const at = (params.at ?? now).getTime();
    const found = expiries((await store.readReportInputs()).vms, avmaValidityMs);
    const kinds = params.kind === undefined ? EXPIRY_KINDS : [params.kind];
    return kinds.flatMap((kind) =>
      EXPIRY_RANGES.map(({ range, withinDays }) => ({
        kind,
        range,
        withinDays,
        vms: found.filter((e) => e.kind === kind && rangeOf(e.endsAtMs, at) === range).length,
        evidence: kind === 'grace-ending' ? 'guest' : 'host',
        source: EXPIRY_SOURCE[kind],
      })),
    );
  },
});

export const expiringVmsReport = defineReport({
  name: 'expiring-vms',
  sccm: '02B',
  title: 'The VMs whose grace period ends or whose AVMA activation is due, in one time range',
  source: expiringReport.source,
  params: { kind: kindParam(false), range: rangeParam, at: atParam },
  columns: [
    'id',
    'name',
    'host',
    'tenant',
    'kind',
    'range',
    'endsAt',
    'daysLeft',
    'licenseStatus',
    'channel',
    'evidence',
    'basis',
  ],
  async rows({ store, now, avmaValidityMs }, params) {
    const at = (params.at ?? now).getTime();
    return expiries((await store.readReportInputs()).vms, avmaValidityMs)
      .filter((e) => params.kind === undefined || e.kind === params.kind)
      .filter((e) => params.range === undefined || rangeOf(e.endsAtMs, at) === params.range)
      .map((e) => ({
        id: e.vm.id,
        name: e.vm.name,
        host: e.vm.host,
        tenant: e.vm.tenant,
        kind: e.kind,
        range: rangeOf(e.endsAtMs, at),
        endsAt: new Date(e.endsAtMs).toISOString(),
        daysLeft: Math.round(((e.endsAtMs - at) / DAY_MS) * 100) / 100,
        licenseStatus: e.vm.licenseStatus,
        channel: e.vm.channel,
        evidence: e.evidence,
        basis: e.basis,
      }));
  },
});
