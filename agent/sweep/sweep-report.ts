/**
 * What a round did, per host and in total: the progress lines `avma run` and `avma sweep` print on
 * stderr and the summary `avma sweep` prints as JSON. Durations are wall-clock and live only here,
 * never in the store (a re-run on the same simulated clock records the same database).
 */
import type { CollectorOutcome } from './collector.js';

/**
 * `ok`: every collector succeeded and the host was recorded; `partial`: recorded, but a collector
 * failed (events or guest reports); `stale`: the host did not answer its facts or its inventory — its
 * VMs keep their history and nothing is closed as "not running"; `not-recorded`: swept, but the
 * transaction failed (locked or full database) or the run is a dry run; `held`: another agent holds
 * the host's lease (PostgreSQL), so this agent did not sweep it — neither stale nor failed.
 */
export type HostOutcome = 'ok' | 'partial' | 'stale' | 'not-recorded' | 'held';

export interface HostReport {
  readonly host: string;
  readonly outcome: HostOutcome;
  readonly vms: number;
  readonly eligible: number;
  readonly pushed: number;
  readonly wiped: number;
  /** 12310 and 12309 events stored for the first time. */
  readonly newEvents: number;
  /** VMs with at least one problem. */
  readonly problems: number;
  /** VMs marked deleted (listed nowhere this round). */
  readonly deleted: number;
  readonly durationMs: number;
  readonly collectors: readonly CollectorOutcome[];
  /** Why the host is stale or not recorded, or who holds it (`held by A until T`); `null` otherwise. */
  readonly error: string | null;
}

export interface SweepReport {
  /** The round's time on the driver's clock (simulated for the lab). */
  readonly at: string;
  readonly dryRun: boolean;
  readonly hosts: readonly HostReport[];
  readonly totals: {
    readonly hosts: number;
    readonly stale: number;
    readonly notRecorded: number;
    /** Hosts another agent holds the lease of (not swept here). */
    readonly held: number;
    readonly vms: number;
    readonly eligible: number;
    readonly pushed: number;
    readonly wiped: number;
    readonly newEvents: number;
    readonly problems: number;
  };
  readonly durationMs: number;
}

/** Sums the host reports. Never throws. */
export function sweepTotals(hosts: readonly HostReport[]): SweepReport['totals'] {
  const sum = (pick: (host: HostReport) => number) => hosts.reduce((total, host) => total + pick(host), 0);
  return Object.freeze({
    hosts: hosts.length,
    stale: hosts.filter((host) => host.outcome === 'stale').length,
    notRecorded: hosts.filter((host) => host.outcome === 'not-recorded').length,
    held: hosts.filter((host) => host.outcome === 'held').length,
    vms: sum((host) => host.vms),
    eligible: sum((host) => host.eligible),
    pushed: sum((host) => host.pushed),
    wiped: sum((host) => host.wiped),
    newEvents: sum((host) => host.newEvents),
    problems: sum((host) => host.problems),
  });
}

function ms(value: number): string {
  return value < 10 ? `${value.toFixed(1)} ms` : `${Math.round(value)} ms`;
}

/**
 * One progress line for a host: `HV01: 19 VMs, 9 eligible, 3 pushed, 0 wiped, 4 new events,
 * 2 with problems, 12 ms`, or why it is stale / not recorded. Never throws.
 */
export function hostLine(report: HostReport): string {
  if (report.outcome === 'held') return `${report.host}: ${report.error ?? 'held by another agent'}`;
  if (report.outcome === 'stale') {
    return `${report.host}: stale, history kept (${report.error ?? 'no answer'}), ${ms(report.durationMs)}`;
  }
  const counts =
    `${report.vms} VMs, ${report.eligible} eligible, ${report.pushed} pushed, ${report.wiped} wiped, ` +
    `${report.newEvents} new events, ${report.problems} with problems`;
  const deleted = report.deleted > 0 ? `, ${report.deleted} deleted` : '';
  const failed = report.collectors
    .filter((collector) => !collector.success)
    .map((collector) => collector.name);
  const partial = failed.length > 0 ? ` (failed: ${failed.join(', ')})` : '';
  const note = report.outcome === 'not-recorded' ? ` — NOT RECORDED: ${report.error ?? ''}` : '';
  return `${report.host}: ${counts}${deleted}${partial}, ${ms(report.durationMs)}${note}`;
}
