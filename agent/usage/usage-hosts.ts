/**
 * Host rows of the month report: hardware and SPLA core licences from the facts in force during the
 * month, and what ran on the host.
 */
import { compareServerVersions } from 'hyperv-kvp';
import { splaCoreLicenses } from '../../shared/avma/index.js';
import type { HostFactsInterval, UsageHost } from '../store/index.js';
import { monthHoursOf } from './coverage.js';
import { hoursOf, peakConcurrency } from './intervals.js';
import {
  compareNames,
  groupBy,
  hostConfirmedAvma,
  isWindowsServer,
  type MonthRuns,
  type Run,
} from './month-runs.js';
import type { UsageHostRow } from './usage-types.js';

type Hardware = Pick<
  UsageHostRow,
  'version' | 'edition' | 'sockets' | 'physicalCores' | 'coreLicenses' | 'twoCorePacks'
>;

const UNKNOWN_HARDWARE: Hardware = Object.freeze({
  version: null,
  edition: null,
  sockets: null,
  physicalCores: null,
  coreLicenses: null,
  twoCorePacks: null,
});

/**
 * Hardware and licences from the facts in force during the month. When they changed mid-month (a CPU
 * upgrade, an edition change) the report takes the maximum: every physical core of the server must be
 * licensed while it runs, and the month's figure is the highest of the month (spla-and-peers §1.2, the
 * "highest number during the month" reading, UNCONFIRMED as SPUR text), so under-reporting is never
 * the outcome. Sockets and cores come from the same facts as the largest licence count; the edition is
 * Datacenter if the host was Datacenter at any time in the month, the version the newest seen.
 */
function hardwareOf(facts: readonly HostFactsInterval[], minCoresPerServer: number): Hardware {
  let best: (Hardware & { coreLicenses: number }) | null = null;
  for (const fact of facts) {
    const licences = splaCoreLicenses({ coresPerProcessor: fact.coresPerSocket, minCoresPerServer });
    if (best === null || licences.coreLicenses > best.coreLicenses) {
      const physicalCores = fact.coresPerSocket.reduce((sum, cores) => sum + cores, 0);
      best = { ...UNKNOWN_HARDWARE, sockets: fact.sockets, physicalCores, ...licences };
    }
  }
  if (best === null) return UNKNOWN_HARDWARE;
  const versions = facts.flatMap((f) => (f.version === null ? [] : [f.version]));
  const version = versions.sort(compareServerVersions).at(-1) ?? null;
  const editions = new Set(facts.map((f) => f.edition));
  const edition = editions.has('datacenter') ? 'datacenter' : editions.has('standard') ? 'standard' : null;
  return { ...best, version, edition };
}

interface HostRowOptions {
  readonly tenantFiltered: boolean;
  readonly minCoresPerServer: number;
  /** Milliseconds of the month each host was observed (coverage.ts). */
  readonly observedMs: ReadonlyMap<string, number>;
}

function hostRow(
  name: string,
  facts: readonly HostFactsInterval[],
  runs: readonly Run[],
  month: MonthRuns,
  options: HostRowOptions,
) {
  const windowsServerRuns = runs.filter((run) => isWindowsServer(month.vms.get(run.vm)));
  const row: UsageHostRow = {
    name,
    ...hardwareOf(facts, options.minCoresPerServer),
    avmaGuests: new Set(runs.filter(hostConfirmedAvma).map((run) => run.vm)).size,
    peakConcurrentWindowsServerVms: peakConcurrency(windowsServerRuns),
    distinctVms: new Set(runs.map((run) => run.vm)).size,
    monthHours: monthHoursOf(month.startMs, month.endMs),
    observedHours: hoursOf(options.observedMs.get(name) ?? 0),
  };
  return Object.freeze(row);
}

/**
 * One row per host, by name. Without a tenant filter: every host seen during the month plus every host
 * a VM ran on. With one: only the hosts that tenant's VMs ran on, counting that tenant's VMs only.
 */
export function hostRows(
  hosts: readonly UsageHost[],
  month: MonthRuns,
  options: HostRowOptions,
): UsageHostRow[] {
  const runsByHost = groupBy(month.runs, (run) => run.host);
  const factsByHost = new Map(hosts.map((host) => [host.name, host.facts]));
  const names = new Set(runsByHost.keys());
  if (!options.tenantFiltered) {
    for (const host of hosts) {
      if (host.firstSeenMs < month.endMs && host.lastSeenMs >= month.startMs) names.add(host.name);
    }
  }
  return [...names]
    .sort(compareNames)
    .map((name) => hostRow(name, factsByHost.get(name) ?? [], runsByHost.get(name) ?? [], month, options));
}
