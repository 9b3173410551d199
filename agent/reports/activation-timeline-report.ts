/**
 * Activation timeline (no peer has it): per VM, the stretches of its licence history from the agent's
 * observation intervals, and what changed at the start of each: when it became licensed and through
 * which channel, when it lost the licence, when the channel or the evidence changed. A stretch that
 * rests on the guest's word alone says so: `claims-licensed`, never `became-licensed`.
 */
import type { ReportLicenceSpan } from '../store/index.js';
import { EVIDENCE_SOURCE, tenantParam, vmParam } from './report-params.js';
import { defineReport, type ReportRow } from './report-types.js';
import { resolveVm } from './vm-report.js';

type Change =
  | 'first-seen'
  | 'became-licensed'
  | 'claims-licensed'
  | 'lost-licence'
  | 'channel-changed'
  | 'evidence-changed'
  | 'status-changed';

interface Stretch {
  readonly first: ReportLicenceSpan;
  readonly last: ReportLicenceSpan;
}

const sameLicence = (a: ReportLicenceSpan, b: ReportLicenceSpan) =>
  a.licenseStatus === b.licenseStatus && a.channel === b.channel && a.evidence === b.evidence;

/** Consecutive intervals of one VM with the same conclusion, merged. */
function stretches(spans: readonly ReportLicenceSpan[]): Stretch[] {
  const out: Stretch[] = [];
  for (const span of spans) {
    const last = out.at(-1);
    if (last !== undefined && last.first.vm === span.vm && sameLicence(last.first, span)) {
      out[out.length - 1] = { first: last.first, last: span };
    } else out.push({ first: span, last: span });
  }
  return out;
}

function changeOf(before: ReportLicenceSpan | null, now: ReportLicenceSpan): Change {
  if (before === null || before.vm !== now.vm) return 'first-seen';
  const hostBacked = now.evidence === 'host' || now.evidence === 'host+guest';
  if (now.licenseStatus === 'licensed' && before.licenseStatus !== 'licensed') {
    return hostBacked ? 'became-licensed' : 'claims-licensed';
  }
  if (before.licenseStatus === 'licensed' && now.licenseStatus !== 'licensed') return 'lost-licence';
  if (before.licenseStatus !== now.licenseStatus) return 'status-changed';
  if (before.channel !== now.channel) return 'channel-changed';
  return 'evidence-changed';
}

function rowsOf(spans: readonly ReportLicenceSpan[]): ReportRow[] {
  let before: ReportLicenceSpan | null = null;
  return stretches(spans).map(({ first, last }) => {
    const row: ReportRow = {
      id: first.vm,
      name: first.name,
      tenant: first.tenant,
      from: first.from,
      to: last.to,
      lastSeen: last.lastSeen,
      change: changeOf(before, first),
      licenseStatus: first.licenseStatus,
      channel: first.channel,
      evidence: first.evidence,
      host: first.host,
      source: EVIDENCE_SOURCE[first.evidence],
    };
    before = last;
    return row;
  });
}

export const activationTimelineReport = defineReport({
  name: 'activation-timeline',
  sccm: null,
  title:
    'Per VM: when it became licensed, through which channel and on what evidence, and every change since',
  source: 'the observation intervals (each a conclusion with its evidence) the agent recorded per sweep',
  params: { vm: vmParam(false), tenant: tenantParam },
  columns: [
    'id',
    'name',
    'tenant',
    'from',
    'to',
    'lastSeen',
    'change',
    'licenseStatus',
    'channel',
    'evidence',
    'host',
    'source',
  ],
  async rows({ store }, params) {
    const vm = params.vm === undefined ? null : await resolveVm(store, params.vm);
    const spans = await store.readLicenceHistory(vm);
    return rowsOf(spans.filter((s) => params.tenant === undefined || s.tenant === params.tenant));
  },
});
