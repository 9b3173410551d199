/**
 * What `avma lab run` prints: per host and per VM final state, licence status, channel, AVMA outcome
 * counts, the 12309/12310 counts, the timeline of applied events and the problems. Built only from
 * simulated state, so the same scenario and seed give a byte-identical report.
 */
import {
  AVMA_NOTIFICATION_INFO,
  AVMA_NOTIFICATIONS,
  type AvmaNotification,
} from '../../shared/avma/index.js';
import { AVMA_GUEST_EVENT_ID, AVMA_HOST_EVENT_ID } from './activation.js';
import type { Lab } from './lab.js';
import type { LabProblem, TimelineEntry } from './lab-records.js';
import type { LabVm } from './vm-model.js';

export type AvmaCounts = Readonly<Record<AvmaNotification, number>>;

export interface HostReport {
  readonly name: string;
  readonly version: string;
  readonly edition: string;
  readonly activated: boolean;
  readonly up: boolean;
  readonly cluster: string | null;
  readonly vms: number;
  readonly events12310: number;
}

export interface VmReport {
  readonly name: string;
  readonly id: string;
  readonly host: string;
  readonly tenant: string | null;
  readonly state: string;
  readonly dataExchange: boolean;
  readonly os: string;
  readonly version: string | null;
  readonly edition: string | null;
  readonly licenseStatus: string | null;
  readonly channel: string | null;
  readonly partialKey: string | null;
  readonly guestAgent: 'running' | 'stopped' | 'none';
  readonly avma: AvmaCounts;
  readonly events12309: number;
}

export interface LabRunReport {
  readonly scenario: string;
  readonly seed: number;
  readonly from: string;
  readonly to: string;
  readonly hosts: readonly HostReport[];
  readonly vms: readonly VmReport[];
  readonly totals: { readonly avma: AvmaCounts; readonly events12309: number; readonly events12310: number };
  readonly licenseStatuses: Readonly<Record<string, number>>;
  readonly timeline: readonly TimelineEntry[];
  readonly problems: readonly LabProblem[];
}

function emptyCounts(): Record<AvmaNotification, number> {
  return { 'avma-success': 0, 'invalid-host': 0, 'invalid-data': 0, 'activation-denied': 0 };
}

const BY_TITLE = new Map(
  AVMA_NOTIFICATIONS.map((notification) => [AVMA_NOTIFICATION_INFO[notification].title, notification]),
);

function vmReport(lab: Lab, vm: LabVm): VmReport {
  const guest = vm.guest;
  const avma = emptyCounts();
  const agent = vm.guestAgentInstalled ? (vm.agentRunning ? 'running' : 'stopped') : 'none';
  const common = {
    name: vm.name,
    id: vm.id,
    host: vm.hostName,
    tenant: vm.tenant,
    state: vm.state,
    dataExchange: vm.dataExchange,
  };
  if (guest.kind === 'linux') {
    const none = { licenseStatus: null, channel: null, partialKey: null, edition: null };
    return {
      ...common,
      os: 'linux',
      version: guest.facts.versionId,
      ...none,
      guestAgent: agent,
      avma,
      events12309: 0,
    };
  }
  const records = guest.log.read([AVMA_GUEST_EVENT_ID], 0, Number.MAX_SAFE_INTEGER);
  for (const record of records) {
    const notification = BY_TITLE.get(record.data.Notification ?? '');
    if (notification !== undefined) avma[notification] += 1;
  }
  const key = guest.spp.key;
  return {
    ...common,
    os: guest.os,
    version: guest.version,
    edition: guest.evaluation ? `${guest.edition} (evaluation)` : guest.edition,
    licenseStatus: guest.spp.status(lab.now()),
    channel: key?.channel ?? 'none',
    partialKey: key === null ? null : key.key.slice(-5),
    guestAgent: agent,
    avma,
    events12309: records.length,
  };
}

/** The report of a lab at its current time. Never throws. */
export function buildLabReport(lab: Lab, scenarioName: string, seed: number): LabRunReport {
  const vms = lab.vms().map((vm) => vmReport(lab, vm));
  const hosts = lab.hosts().map((host) => ({
    name: host.name,
    version: host.version,
    edition: host.edition,
    activated: host.activated,
    up: host.up,
    cluster: host.cluster,
    vms: vms.filter((vm) => vm.host === host.name).length,
    events12310: host.log.count(AVMA_HOST_EVENT_ID),
  }));
  const avma = emptyCounts();
  const licenseStatuses: Record<string, number> = {};
  for (const vm of vms) {
    for (const notification of AVMA_NOTIFICATIONS) avma[notification] += vm.avma[notification];
    if (vm.licenseStatus !== null)
      licenseStatuses[vm.licenseStatus] = (licenseStatuses[vm.licenseStatus] ?? 0) + 1;
  }
  return {
    scenario: scenarioName,
    seed,
    from: new Date(lab.startTime).toISOString(),
    to: lab.clock.nowIso(),
    hosts,
    vms,
    totals: {
      avma,
      events12309: vms.reduce((sum, vm) => sum + vm.events12309, 0),
      events12310: hosts.reduce((sum, host) => sum + host.events12310, 0),
    },
    licenseStatuses,
    timeline: [...lab.timeline],
    problems: [...lab.problems],
  };
}

function table(rows: readonly (readonly string[])[]): string[] {
  const widths: number[] = [];
  for (const row of rows) {
    row.forEach((cell, index) => {
      widths[index] = Math.max(widths[index] ?? 0, cell.length);
    });
  }
  return rows.map((row) =>
    `  ${row.map((cell, index) => cell.padEnd(widths[index] ?? 0)).join('  ')}`.trimEnd(),
  );
}

function counts(avma: AvmaCounts): string {
  return `${avma['avma-success']}/${avma['invalid-host']}/${avma['invalid-data']}/${avma['activation-denied']}`;
}

const VM_HEADER = [
  'VM',
  'HOST',
  'STATE',
  'KVP',
  'GUEST',
  'LICENCE',
  'CHANNEL',
  'KEY',
  'AGENT',
  'AVMA ok/host/data/denied',
  '12309',
];

function hostLines(report: LabRunReport): string[] {
  const rows = report.hosts.map((h) => [
    h.name,
    `${h.version} ${h.edition}`,
    h.activated ? 'activated' : 'NOT activated',
    h.up ? 'up' : 'DOWN',
    h.cluster === null ? '-' : `cluster ${h.cluster}`,
    `${h.vms} VMs`,
    `12310 x${h.events12310}`,
  ]);
  return [`Hosts (${report.hosts.length})`, ...table(rows)];
}

function vmLines(report: LabRunReport): string[] {
  const rows = report.vms.map((v) => [
    v.name,
    v.host,
    v.state,
    v.dataExchange ? 'on' : 'off',
    [v.os, v.version, v.edition].filter((part) => part !== null).join(' '),
    v.licenseStatus ?? '-',
    v.channel ?? '-',
    v.partialKey ?? '-',
    v.guestAgent,
    counts(v.avma),
    String(v.events12309),
  ]);
  return [`VMs (${report.vms.length})`, ...table([VM_HEADER, ...rows])];
}

function totalLines(report: LabRunReport): string[] {
  const { avma, events12309, events12310 } = report.totals;
  const statuses = Object.entries(report.licenseStatuses)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([status, count]) => `${status} ${count}`)
    .join(', ');
  return [
    `AVMA outcomes: success ${avma['avma-success']}, invalid host ${avma['invalid-host']}, ` +
      `invalid data ${avma['invalid-data']}, activation denied ${avma['activation-denied']}`,
    `Events: 12309 x${events12309} (guests), 12310 x${events12310} (hosts)`,
    `Licence status: ${statuses === '' ? '-' : statuses}`,
  ];
}

function listLines(title: string, rows: readonly (readonly string[])[]): string[] {
  return [title, ...(rows.length === 0 ? ['  (none)'] : table(rows))];
}

/** The report as text for people: hosts, VMs, totals, timeline, problems. Never throws. */
export function formatLabReport(report: LabRunReport): string {
  const timeline = report.timeline.map((t) => [t.time, t.type, t.target, t.outcome, t.detail]);
  const problems = report.problems.map((p) => [p.time, p.code, p.vmName, p.message]);
  return `${[
    `Lab run of ${report.scenario}, seed ${report.seed}: ${report.from} .. ${report.to}`,
    '',
    ...hostLines(report),
    '',
    ...vmLines(report),
    '',
    ...totalLines(report),
    '',
    ...listLines(`Timeline (${report.timeline.length} events)`, timeline),
    '',
    ...listLines(`Problems (${report.problems.length})`, problems),
  ].join('\n')}\n`;
}
