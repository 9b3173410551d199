/**
 * Licence status and products, after ConfigMgr's License 03A/03B (counts by licence status, the
 * computers in one) and 04A/04B (products counted, the computers with one). Live VMs, latest
 * observation. The status is the agent's conclusion from evidence, with the evidence in every row: a
 * row resting on the guest's word alone says so (`evidence` guest) and is never merged into a
 * host-evidenced count.
 */
import type { ReportVm } from '../store/index.js';
import {
  channelParam,
  EVIDENCE_SOURCE,
  editionParam,
  evidenceParam,
  IDENTITY_SOURCE,
  statusParam,
  versionParam,
} from './report-params.js';
import { defineReport, type ReportRow } from './report-types.js';

/** Rows counted by `key`, in order of count (largest first) then key. */
function countBy(vms: readonly ReportVm[], fields: (vm: ReportVm) => ReportRow): ReportRow[] {
  const counts = new Map<string, { row: ReportRow; vms: number }>();
  for (const vm of vms) {
    const row = fields(vm);
    const key = JSON.stringify(row);
    const entry = counts.get(key) ?? { row, vms: 0 };
    counts.set(key, { row, vms: entry.vms + 1 });
  }
  return [...counts.entries()]
    .sort(([ka, a], [kb, b]) => b.vms - a.vms || (ka < kb ? -1 : ka > kb ? 1 : 0))
    .map(([, { row, vms }]) => Object.freeze({ ...row, vms }));
}

function vmCells(vm: ReportVm): ReportRow {
  return {
    id: vm.id,
    name: vm.name,
    host: vm.host,
    tenant: vm.tenant,
    licenseStatus: vm.licenseStatus,
    channel: vm.channel,
    evidence: vm.evidence,
    claimedLicenseStatus: vm.claimedLicenseStatus,
    claimedChannel: vm.claimedChannel,
    lastSeen: vm.lastSeen,
    source: EVIDENCE_SOURCE[vm.evidence],
  };
}

const VM_COLUMNS = [
  'id',
  'name',
  'host',
  'tenant',
  'licenseStatus',
  'channel',
  'evidence',
  'claimedLicenseStatus',
  'claimedChannel',
  'lastSeen',
  'source',
] as const;

export const licenceStatesReport = defineReport({
  name: 'licence-states',
  sccm: '03A',
  title: 'VMs by licence status, channel and the evidence it rests on (live VMs, latest observation)',
  source: 'the latest observation of each live VM: the conclusion and its evidence',
  params: {},
  columns: ['licenseStatus', 'channel', 'evidence', 'vms', 'source'],
  async rows({ store }) {
    const vms = (await store.readReportInputs()).vms;
    return countBy(vms, (vm) => ({
      licenseStatus: vm.licenseStatus,
      channel: vm.channel,
      evidence: vm.evidence,
      source: EVIDENCE_SOURCE[vm.evidence],
    }));
  },
});

export const licenceStatusVmsReport = defineReport({
  name: 'licence-status-vms',
  sccm: '03B',
  title: 'The VMs in one licence status (live VMs, latest observation)',
  source: 'the latest observation of each live VM, with the guest claim beside the conclusion',
  params: { status: statusParam(true), channel: channelParam, evidence: evidenceParam },
  columns: VM_COLUMNS,
  async rows({ store }, params) {
    const vms = (await store.readReportInputs()).vms;
    return vms
      .filter(
        (vm) =>
          vm.licenseStatus === params.status &&
          (params.channel === undefined || vm.channel === params.channel) &&
          (params.evidence === undefined || vm.evidence === params.evidence),
      )
      .map(vmCells);
  },
});

export const productsReport = defineReport({
  name: 'products',
  sccm: '04A',
  title: 'Products (guest OS, version, edition) by licence channel and evidence (live VMs)',
  source: `identity: ${IDENTITY_SOURCE}; channel: the concluded channel and its evidence`,
  params: {},
  columns: ['os', 'version', 'edition', 'channel', 'evidence', 'vms', 'source'],
  async rows({ store }) {
    const vms = (await store.readReportInputs()).vms;
    return countBy(vms, (vm) => ({
      os: vm.os,
      version: vm.guestVersion,
      edition: vm.guestEdition,
      channel: vm.channel,
      evidence: vm.evidence,
      source: `identity: guest intrinsic KVP; channel: ${EVIDENCE_SOURCE[vm.evidence]}`,
    }));
  },
});

export const productVmsReport = defineReport({
  name: 'product-vms',
  sccm: '04B',
  title: 'The VMs running one product (guest edition, optionally version and channel)',
  source: `identity: ${IDENTITY_SOURCE}; channel: the concluded channel and its evidence`,
  params: { edition: editionParam(true), version: versionParam, channel: channelParam },
  columns: ['id', 'name', 'host', 'tenant', 'os', 'version', 'edition', ...VM_COLUMNS.slice(4)],
  async rows({ store }, params) {
    const vms = (await store.readReportInputs()).vms;
    return vms
      .filter(
        (vm) =>
          vm.guestEdition === params.edition &&
          (params.version === undefined || vm.guestVersion === params.version) &&
          (params.channel === undefined || vm.channel === params.channel),
      )
      .map((vm) => ({ ...vmCells(vm), os: vm.os, version: vm.guestVersion, edition: vm.guestEdition }));
  },
});
