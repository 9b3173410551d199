/**
 * Host rows of the month report: the host's configurations with their licences (host-configurations.ts),
 * the host's contribution to the reseller table, its hardware at its largest, and what ran on it.
 */
import { compareServerVersions } from 'hyperv-kvp';
import type { HostFactsInterval, UsageHost } from '../store/index.js';
import { monthHoursOf } from './coverage.js';
import { hostConfigurations } from './host-configurations.js';
import { hoursOf, peakConcurrency } from './intervals.js';
import {
  compareNames,
  groupBy,
  hostConfirmedAvma,
  isWindowsServer,
  type MonthRuns,
  type Run,
} from './month-runs.js';
import type { SplaSettings, UsageHostConfiguration, UsageHostRow } from './usage-types.js';

type Hardware = Pick<UsageHostRow, 'version' | 'edition' | 'sockets' | 'physicalCores'>;

const UNKNOWN_HARDWARE: Hardware = Object.freeze({
  version: null,
  edition: null,
  sockets: null,
  physicalCores: null,
});

/**
 * The host's hardware at its largest in the month (the most physical cores), the newest version, and
 * Datacenter if it was Datacenter at any time: a one-line summary; the configurations carry each state.
 */
function hardwareOf(facts: readonly HostFactsInterval[]): Hardware {
  let best: Hardware | null = null;
  for (const fact of facts) {
    const physicalCores = fact.coresPerSocket.reduce((sum, cores) => sum + cores, 0);
    if (best === null || physicalCores > (best.physicalCores ?? 0)) {
      best = { ...UNKNOWN_HARDWARE, sockets: fact.sockets, physicalCores };
    }
  }
  if (best === null) return UNKNOWN_HARDWARE;
  const versions = facts.flatMap((f) => (f.version === null ? [] : [f.version]));
  const version = versions.sort(compareServerVersions).at(-1) ?? null;
  const editions = new Set(facts.map((f) => f.edition));
  const edition = editions.has('datacenter') ? 'datacenter' : editions.has('standard') ? 'standard' : null;
  return { ...best, version, edition };
}

/** The host's contribution: the contributing configurations' licences and packs (null if all unknown). */
function contributionOf(
  configurations: readonly UsageHostConfiguration[],
): Pick<UsageHostRow, 'coreLicenses' | 'twoCorePacks'> {
  const known = configurations.filter((c) => c.quantity !== null);
  if (known.length === 0) return { coreLicenses: null, twoCorePacks: null };
  const contributing = known.filter((c) => (c.quantity ?? 0) > 0);
  return {
    coreLicenses: contributing.reduce((sum, c) => sum + (c.coreLicenses ?? 0), 0),
    twoCorePacks: contributing.reduce((sum, c) => sum + (c.quantity ?? 0), 0),
  };
}

interface HostRowOptions {
  readonly tenantFiltered: boolean;
  readonly settings: SplaSettings;
  /** Milliseconds of the month each host was observed (coverage.ts). */
  readonly observedMs: ReadonlyMap<string, number>;
}

function hostRow(
  name: string,
  host: UsageHost | undefined,
  runs: readonly Run[],
  month: MonthRuns,
  options: HostRowOptions,
) {
  const windowsServerRuns = runs.filter((run) => isWindowsServer(month.vms.get(run.vm)));
  const configurations = hostConfigurations(host, runs, month, options.settings);
  const row: UsageHostRow = {
    name,
    ...hardwareOf(host?.facts ?? []),
    ...contributionOf(configurations),
    avmaGuests: new Set(runs.filter(hostConfirmedAvma).map((run) => run.vm)).size,
    peakConcurrentWindowsServerVms: peakConcurrency(windowsServerRuns),
    distinctVms: new Set(runs.map((run) => run.vm)).size,
    monthHours: monthHoursOf(month.startMs, month.endMs),
    observedHours: hoursOf(options.observedMs.get(name) ?? 0),
    configurations,
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
  const byName = new Map(hosts.map((host) => [host.name, host]));
  const names = new Set(runsByHost.keys());
  if (!options.tenantFiltered) {
    for (const host of hosts) {
      if (host.firstSeenMs < month.endMs && host.lastSeenMs >= month.startMs) names.add(host.name);
    }
  }
  return [...names]
    .sort(compareNames)
    .map((name) => hostRow(name, byName.get(name), runsByHost.get(name) ?? [], month, options));
}
