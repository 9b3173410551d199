/**
 * `avma lab run --db`: the lab on its simulated clock WITH the agent's sweep, as fast as the machine
 * goes. Rounds happen at the scenario's start and every `sweepInterval` after it (a fixed grid, so a
 * resumed run sweeps at the same simulated times as an uninterrupted one); the lab's own scheduled work
 * (guest agents, activations, timed events) runs in between. A restarted run resumes from the
 * database (lab-replay.ts) and sweeps its last committed time again, which records nothing new for the
 * hosts already recorded and completes the others. Same scenario, seed and interval: same database.
 */

import type { Lab } from '../lab/lab.js';
import type { SweepReport } from '../sweep/sweep-report.js';
import { sweepRound } from '../sweep/sweep-round.js';
import type { AgentSession } from './agent-session.js';
import { RuntimeError } from './runtime-error.js';

export interface LabRunOptions {
  readonly session: AgentSession;
  /** Simulated end time (ms). */
  readonly end: number;
  readonly sweepIntervalMs: number;
  readonly concurrency: number;
  readonly onRound?: (report: SweepReport) => void;
}

export interface LabAgentSummary {
  readonly db: string;
  /** The last committed sweep the run resumed from, or `null` for a fresh database. */
  readonly resumedFrom: string | null;
  readonly sweepIntervalMinutes: number;
  readonly rounds: number;
  readonly pushed: number;
  readonly wiped: number;
  readonly newEvents: number;
  /** Host sweeps that found the host stale (down). */
  readonly staleHostSweeps: number;
  /** The store's view at the end. */
  readonly vms: {
    readonly total: number;
    readonly eligible: number;
    readonly keyPushed: number;
    readonly kvpWiped: number;
    readonly avmaBlocked: number;
    readonly optedOut: number;
    readonly withProblems: number;
  };
  /** CPU the whole run used (lab and agent), and its wall-clock time, in ms. */
  readonly cpuMs: number;
  readonly wallMs: number;
}

function firstRound(session: AgentSession, start: number, interval: number, end: number): number {
  const resumed = session.resumedAt;
  if (resumed === null) return start;
  if ((resumed - start) % interval !== 0) {
    throw new RuntimeError(
      'LAB_MISMATCH',
      `the database's last sweep ${new Date(resumed).toISOString()} is not on a ${interval / 60_000}-minute grid from the scenario start; it was written with another --sweep-interval`,
    );
  }
  if (resumed > end) {
    throw new RuntimeError(
      'INVALID_OPTIONS',
      `the database already holds sweeps up to ${new Date(resumed).toISOString()}, after the end ${new Date(end).toISOString()}`,
    );
  }
  return resumed;
}

async function endState(session: AgentSession): Promise<LabAgentSummary['vms']> {
  const rows = await session.store.listVmStatus();
  const count = (pick: (row: (typeof rows)[number]) => boolean) => rows.filter(pick).length;
  return {
    total: rows.length,
    eligible: count((row) => row.eligible),
    keyPushed: count((row) => row.keyPushed),
    kvpWiped: count((row) => row.kvpWiped),
    avmaBlocked: count((row) => row.avmaBlocked),
    optedOut: count((row) => row.optedOut),
    withProblems: count((row) => row.problems.length > 0),
  };
}

type Totals = Pick<LabAgentSummary, 'rounds' | 'pushed' | 'wiped' | 'newEvents' | 'staleHostSweeps'>;

/** Rounds at every grid time up to `end`; stops at the first host not recorded. */
async function sweepGrid(options: LabRunOptions, lab: Lab, first: number): Promise<Totals> {
  const { session } = options;
  const totals = { rounds: 0, pushed: 0, wiped: 0, newEvents: 0, staleHostSweeps: 0 };
  for (let at = first; at <= options.end; at += options.sweepIntervalMs) {
    await lab.advanceTo(at);
    const report = await sweepRound({
      drivers: session.drivers,
      store: session.store,
      at: new Date(at),
      settings: session.settings,
      cache: session.cache,
      concurrency: options.concurrency,
    });
    const failed = report.hosts.find((host) => host.outcome === 'not-recorded');
    if (failed !== undefined) {
      throw new RuntimeError(
        'NOT_RECORDED',
        `sweep at ${report.at} of ${failed.host} was not recorded: ${failed.error ?? 'unknown error'}`,
      );
    }
    totals.rounds += 1;
    totals.pushed += report.totals.pushed;
    totals.wiped += report.totals.wiped;
    totals.newEvents += report.totals.newEvents;
    totals.staleHostSweeps += report.totals.stale;
    options.onRound?.(report);
  }
  return totals;
}

/**
 * Runs the lab to `end` with a round at every grid time from the start (or from the resumed sweep).
 * Rejects with RuntimeError NOT_RECORDED when a host's transaction fails (a batch run stops rather than
 * let the lab and the database diverge), LAB_MISMATCH / INVALID_OPTIONS for a database that does not
 * fit, or the sweep's SweepError.
 */
export async function runLabWithAgent(options: LabRunOptions): Promise<LabAgentSummary> {
  const { session } = options;
  const lab = session.lab;
  if (lab === null) throw new RuntimeError('INVALID_OPTIONS', 'a lab run needs the lab driver');
  const cpu = process.cpuUsage();
  const wall = performance.now();
  const first = firstRound(session, lab.startTime, options.sweepIntervalMs, options.end);
  const totals = await sweepGrid(options, lab, first);
  if (options.end > lab.now()) await lab.advanceTo(options.end);
  const used = process.cpuUsage(cpu);
  return {
    db: session.store.path,
    resumedFrom: session.resumedAt === null ? null : new Date(session.resumedAt).toISOString(),
    sweepIntervalMinutes: options.sweepIntervalMs / 60_000,
    ...totals,
    vms: await endState(session),
    cpuMs: Math.round((used.user + used.system) / 1000),
    wallMs: Math.round(performance.now() - wall),
  };
}
