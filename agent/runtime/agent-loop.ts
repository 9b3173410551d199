/**
 * The agent loop of `avma run`: a round every `interval` on the drivers' clock until stopped. A
 * simulated clock (the lab's) follows the real one at `labSpeed` simulated milliseconds per real one
 * (60: a simulated minute per real second), so sweeps, pushes, 12309/12310 events and the scenario's
 * timed events happen while one watches. A round that fails (the database locked by another process
 * past its busy timeout, a full disk) is reported in one line and retried at the next interval; a stop
 * request (SIGINT/SIGTERM) lets the current round finish its transaction, then the loop returns.
 */
import type { OptOut } from '../config/config-schema.js';
import type { StoreError } from '../store/index.js';
import { describeError } from '../sweep/collector.js';
import { DEFAULT_STORE_RETRY } from '../sweep/store-retry.js';
import { hostLine, type SweepReport } from '../sweep/sweep-report.js';
import { type RoundOptions, sweepRound } from '../sweep/sweep-round.js';
import type { AgentSession } from './agent-session.js';
import { applyConfigOptOuts } from './config-opt-outs.js';

export interface LoopOptions {
  readonly session: AgentSession;
  /** Between rounds, on the driver's clock (simulated for the lab). */
  readonly intervalMs: number;
  /** Lab only: simulated milliseconds per real millisecond. */
  readonly labSpeed: number;
  readonly concurrency: number;
  /** `false`: a dry run, nothing recorded. */
  readonly record: boolean;
  readonly optOuts: readonly OptOut[];
  /** One line of progress (no newline). */
  readonly progress: (line: string) => void;
  readonly signal: AbortSignal;
  /**
   * Retention in months (config `retention.rawMonths`): when set and recording, raw data past it is
   * pruned after the first round and then once a day on the driver's clock (never a month not closed).
   */
  readonly rawMonths?: number;
  /** Stop after this many rounds (`--once`: 1). */
  readonly maxRounds?: number;
  /** Called with each round's report (metrics, readiness, the log). */
  readonly onRound?: (report: SweepReport) => void;
  /** A host transaction's store failure, retried or not (metrics). */
  readonly onStoreError?: (error: StoreError) => void;
  /** Called when a round could not run at all (the log: an error for the Event Log). */
  readonly onRoundFailed?: (reason: string) => void;
  /** Rounds run through this runner, shared with "sweep now" (roundRunner); default: the loop's own. */
  readonly runner?: RoundRunner;
  /** The real clock and a sleep that ends early on abort (tests replace them). */
  readonly realClock?: () => number;
  readonly sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

export interface LoopSummary {
  readonly rounds: number;
  /** Rounds that could not start (store unreadable) or had a host not recorded. */
  readonly failedRounds: number;
  /** Rounds that swept no host at all: the round could not start, or every host failed (stale or not recorded). */
  readonly roundsWithoutAHost: number;
  readonly lastReport: SweepReport | null;
}

/** Resolves after `ms` or as soon as `signal` aborts. Never rejects. */
export function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

/**
 * The round options of an agent sharing its hosts (PostgreSQL leases): its claims, retries of a host's
 * transaction within the round (0.5 s doubling, 30 s in all), and a VM deleted only once unseen for
 * 1.5 intervals (another agent may list it on its new host later in the round; 1.5 rather than 1
 * absorbs the rounds' jitter). SQLite: just the (no-op) claims, as before.
 */
export function sharedRoundOptions(
  session: AgentSession,
  intervalMs: number,
  signal: AbortSignal | undefined,
): Pick<RoundOptions, 'claims' | 'retry' | 'deleteUnseenAfterMs'> {
  if (!session.claims.shared) return { claims: session.claims };
  return {
    claims: session.claims,
    retry: { ...DEFAULT_STORE_RETRY, ...(signal === undefined ? {} : { signal }) },
    deleteUnseenAfterMs: 1.5 * intervalMs,
  };
}

async function oneRound(options: LoopOptions): Promise<SweepReport | null> {
  const { session } = options;
  try {
    // A dry run records nothing, the configuration's opt-outs included.
    const optOuts = options.record ? options.optOuts : [];
    const unresolved = await applyConfigOptOuts(session.store, optOuts, session.now());
    for (const name of unresolved)
      options.progress(`config opt-out "${name}": no single VM of that name or id yet`);
    return await sweepRound({
      drivers: session.drivers,
      store: session.store,
      at: session.now(),
      settings: session.settings,
      cache: session.cache,
      concurrency: options.concurrency,
      record: options.record,
      ...sharedRoundOptions(session, options.intervalMs, options.signal),
      ...(options.onStoreError === undefined ? {} : { onStoreError: options.onStoreError }),
      onHost: (report, index, total) =>
        options.progress(
          `[${session.now().toISOString()}] ${total > 8 ? `${index + 1}/${total} ` : ''}${hostLine(report)}`,
        ),
    });
  } catch (error) {
    const reason = describeError(error);
    options.progress(`[${session.now().toISOString()}] sweep failed: ${reason}; retrying next interval`);
    options.onRoundFailed?.(reason);
    return null;
  }
}

/**
 * Runs rounds one at a time: the loop's own and those an operator asks for through the API ("sweep
 * now") share one runner, so two rounds never sweep the same hosts at once.
 */
export interface RoundRunner {
  run(): Promise<SweepReport | null>;
}

export function roundRunner(options: LoopOptions): RoundRunner {
  let tail: Promise<unknown> = Promise.resolve();
  return {
    run() {
      const next = tail.then(async () => {
        const report = await oneRound(options);
        if (report !== null) {
          await options.session.source.afterRound?.(report);
          options.onRound?.(report);
        }
        return report;
      });
      tail = next.catch(() => undefined);
      return next;
    },
  };
}

const DAY_MS = 86_400_000;

/**
 * Prunes when a day passed since `lastMs` (driver clock); resolves to the time of the last prune. A
 * failed prune is reported in one line and tried again the next round: retention must never stop sweeps.
 */
async function dailyPrune(options: LoopOptions, lastMs: number): Promise<number> {
  const { session } = options;
  const now = session.now();
  if (options.rawMonths === undefined || !options.record || now.getTime() - lastMs < DAY_MS) return lastMs;
  try {
    const pruned = await session.store.pruneRawData({ now, rawMonths: options.rawMonths, actor: 'agent' });
    if (pruned.events + pruned.observations > 0) {
      options.progress(
        `[${now.toISOString()}] retention ${options.rawMonths} months: pruned ${pruned.events} raw event(s) and ${pruned.observations} observation interval(s) before ${pruned.before}`,
      );
    }
    return now.getTime();
  } catch (error) {
    options.progress(
      `[${now.toISOString()}] retention prune failed: ${describeError(error)}; retrying next round`,
    );
    return lastMs;
  }
}

/**
 * Every host of the round this agent could sweep was stale or (when recording) not recorded. Hosts
 * another agent holds the lease of are not this agent's to sweep, so they count neither way.
 */
function noHostSwept(report: SweepReport, record: boolean): boolean {
  const ours = report.hosts.filter((host) => host.outcome !== 'held');
  const failed = ours.filter(
    (host) => host.outcome === 'stale' || (record && host.outcome === 'not-recorded'),
  );
  return ours.length > 0 && failed.length === ours.length;
}

/** Runs rounds until the signal aborts or `maxRounds` is reached. Never rejects for a failed round. */
export async function runAgentLoop(options: LoopOptions): Promise<LoopSummary> {
  const real = options.realClock ?? Date.now;
  const sleep = options.sleep ?? abortableSleep;
  const clock = options.session.source.clock;
  const runner = options.runner ?? roundRunner(options);
  const clockStart = clock.now();
  // Set at the first round's start: the first sweep is at the clock's start (a lab at 60x moves 60 ms
  // per real millisecond of start-up, and its first sweep read .060 instead of the scenario's start).
  let realStart: number | null = null;
  let rounds = 0;
  let failedRounds = 0;
  let roundsWithoutAHost = 0;
  let lastReport: SweepReport | null = null;
  let lastPruneMs = Number.NEGATIVE_INFINITY;
  while (!options.signal.aborted) {
    const started = real();
    realStart ??= started;
    await clock.follow(clockStart, started - realStart, options.labSpeed);
    const report = await runner.run();
    rounds += 1;
    if (report === null || (options.record && report.totals.notRecorded > 0)) failedRounds += 1;
    if (report === null || noHostSwept(report, options.record)) roundsWithoutAHost += 1;
    lastReport = report ?? lastReport;
    lastPruneMs = await dailyPrune(options, lastPruneMs);
    if (options.maxRounds !== undefined && rounds >= options.maxRounds) break;
    const wait = clock.realWait(options.intervalMs, options.labSpeed, real() - started);
    await sleep(Math.max(0, wait), options.signal);
  }
  return { rounds, failedRounds, roundsWithoutAHost, lastReport };
}
