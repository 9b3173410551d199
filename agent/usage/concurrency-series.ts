/**
 * The month report's chart: concurrent running Windows Server VMs per host, hour by hour, from the
 * store's observation intervals, counted the way the report's peak is (intervals.ts peakConcurrency:
 * a VM whose interval was split at t is one VM; a single sighting counts at its instant). Each hour
 * shows the highest count within it, so the chart's top equals the report's peak.
 */
import type { VmState } from '../model/index.js';
import type { Store } from '../store/index.js';
import { concurrencyEdges } from './intervals.js';
import { parseMonth } from './month.js';
import { compareNames, isWindowsServer, monthRuns, type Run } from './month-runs.js';

const HOUR_MS = 3_600_000;

export interface ConcurrencySeries {
  readonly month: string;
  /** Start of each hour of the month, in seconds since 1970 (uPlot's x axis). */
  readonly hours: readonly number[];
  /**
   * One series per host, by name: the highest concurrency within each hour; `null` for the hours the
   * agent had not seen the host yet or no longer saw it (a month still running, a host added or gone),
   * which the chart draws as a gap rather than as zero usage.
   */
  readonly hosts: readonly { readonly name: string; readonly counts: readonly (number | null)[] }[];
}

/** The highest concurrency within each hour starting at `startMs`. */
function hourlyPeaks(runs: readonly Run[], startMs: number, hours: number): number[] {
  const edges = concurrencyEdges(runs);
  const peaks: number[] = new Array(hours).fill(0);
  let current = 0;
  let next = 0;
  for (let hour = 0; hour < hours; hour++) {
    const hourEnd = startMs + (hour + 1) * HOUR_MS;
    let peak = current;
    for (; next < edges.length && (edges[next]?.[0] ?? Infinity) < hourEnd; next++) {
      current += edges[next]?.[2] ?? 0;
      peak = Math.max(peak, current);
    }
    peaks[hour] = peak;
  }
  return peaks;
}

/** Hours outside [firstSeenMs, lastSeenMs] of the host become `null` (not observed). */
function unobservedAsNull(
  counts: readonly number[],
  startMs: number,
  seen: { readonly firstSeenMs: number; readonly lastSeenMs: number } | undefined,
): (number | null)[] {
  if (seen === undefined) return [...counts];
  return counts.map((count, hour) => {
    const hourStart = startMs + hour * HOUR_MS;
    return hourStart + HOUR_MS <= seen.firstSeenMs || hourStart > seen.lastSeenMs ? null : count;
  });
}

/** The month's hourly series of concurrent running Windows Server VMs per host. */
export async function concurrencySeries(
  store: Store,
  month: string,
  runningStates: readonly VmState[] = ['Running'],
): Promise<ConcurrencySeries> {
  const range = parseMonth(month);
  const inputs = await store.readUsageInputs(range.start, range.end);
  const runs = monthRuns(inputs, runningStates, undefined);
  const byHost = new Map<string, Run[]>();
  for (const run of runs.runs) {
    if (!isWindowsServer(runs.vms.get(run.vm))) continue;
    const hostRuns = byHost.get(run.host);
    if (hostRuns === undefined) byHost.set(run.host, [run]);
    else hostRuns.push(run);
  }
  const startMs = range.start.getTime();
  const count = Math.round((range.end.getTime() - startMs) / HOUR_MS);
  const hours = Array.from({ length: count }, (_, hour) => (startMs + hour * HOUR_MS) / 1000);
  const seen = new Map(inputs.hosts.map((host) => [host.name, host]));
  const hosts = [...byHost.entries()]
    .sort(([a], [b]) => compareNames(a, b))
    .map(([name, hostRuns]) => ({
      name,
      counts: unobservedAsNull(hourlyPeaks(hostRuns, startMs, count), startMs, seen.get(name)),
    }));
  return { month: range.month, hours, hosts };
}
