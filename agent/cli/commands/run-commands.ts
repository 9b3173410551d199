/**
 * `avma run` (the agent loop) and `avma sweep` (one pass), architecture §10. Progress goes to stderr,
 * one line per host per sweep; `avma sweep` prints its summary as JSON on stdout; dry-run scripts go to
 * stdout. `avma run` also serves the API (run-server.ts) unless `--no-listen`.
 */

import type { AgentLog } from '../../logging/agent-log.js';
import { type LoopOptions, roundRunner, runAgentLoop, sharedRoundOptions } from '../../runtime/agent-loop.js';
import { type AgentSession, openSession } from '../../runtime/agent-session.js';
import { applyConfigOptOuts } from '../../runtime/config-opt-outs.js';
import { DEFAULT_STOP_GRACE_MS, type StopSignal, stopOnSignals } from '../../runtime/stop-signal.js';
import { describeError } from '../../sweep/collector.js';
import { hostLine, type SweepReport } from '../../sweep/sweep-report.js';
import { sweepRound } from '../../sweep/sweep-round.js';
import { AGENT_VERSION } from '../../version.js';
import { type CommandContext, type CommandSpec, printJson } from '../command.js';
import { flag, integerOption } from '../options.js';
import { AGENT_OPTIONS, type AgentRun, resolveAgentRun } from './agent-options.js';
import { API_OPTIONS, apiSettings } from './api-options.js';
import { type CommandLog, LOG_OPTIONS, openCommandLog } from './log-options.js';
import { type RunServer, startRunServer } from './run-server.js';
import { EXIT_HOSTS_FAILED, everyHostFailed, failedHosts, failureLine } from './sweep-outcome.js';

/** Opens the session of a run as the database's writer `command` (errors are classified by type). */
function open(run: AgentRun, command: string): Promise<AgentSession> {
  return openSession({ ...run.session, command });
}

function where(session: AgentSession, run: AgentRun): string {
  const db = run.session.db;
  const month = session.now().toISOString().slice(0, 7);
  const source = session.source.describe();
  const lines = [`avma run: ${source}, database ${db}${run.dryRun ? ' (dry run: nothing recorded)' : ''}`];
  // A lab in this process (a shared lab server's clock is the server's, not `--lab-speed`).
  if (session.lab !== null) {
    const from =
      session.resumedAt === null ? 'the scenario start' : 'one interval after the last sweep in the database';
    // Where the clock started, not session.now(): a lab that follows real time has moved on by the time
    // this prints (60 ms of lab time per real millisecond at the default speed).
    const start = session.resumedAt === null ? session.lab.startTime : session.resumedAt + run.intervalMs;
    lines.push(
      `  lab clock: from ${new Date(start).toISOString()} (${from}) at ${run.labSpeed}x; a sweep every ${run.intervalMs / 1000} s of lab time`,
      '  (the scenario plays over a month of lab time; --lab-speed 3600 --interval 900 shows it in about 12 minutes)',
    );
  }
  lines.push(
    '  look next, in another terminal (now or after stopping):',
    `    npx avma status --db ${db}`,
    `    npx avma events --db ${db}`,
    `    npx avma export usage --db ${db} --month ${month} --format csv`,
    '  Ctrl+C stops after the current sweep.',
  );
  return `${lines.join('\n')}\n`;
}

/**
 * SIGINT/SIGTERM abort the signal (the current sweep finishes its transaction first); past
 * `--stop-timeout`, or on a second signal, the process ends without waiting for the sweep.
 */
function stopOnRequest(context: CommandContext, log: CommandLog, graceMs: number): StopSignal {
  return stopOnSignals({
    graceMs,
    onStopping: () => {
      context.io.stderr('avma run: stopping after the current sweep…\n');
      log.logger.info('stop requested: stopping after the current sweep');
    },
    onDeadline: (reason) => {
      const why =
        reason === 'deadline'
          ? `the current sweep did not finish within ${graceMs / 1000} s of the stop request`
          : 'a second stop request';
      context.io.stderr(`avma run: ${why}; exiting now (an unfinished sweep records nothing)\n`);
      log.logger.warn(`${why}; exiting without the unfinished sweep`);
      void log.close().finally(() => process.exit(EXIT_HOSTS_FAILED));
    },
  });
}

/** Each host of a round as one log record: swept (info) or failed and why (warning, Event Log). */
function logRound(log: AgentLog, report: SweepReport): void {
  const failed = new Set(failedHosts(report));
  for (const host of report.hosts) {
    if (failed.has(host)) {
      log.logger.warn(
        { host: host.host, outcome: host.outcome, reason: host.error ?? host.outcome },
        'host failed',
      );
      continue;
    }
    const { vms, eligible, pushed, wiped, newEvents, problems, durationMs } = host;
    log.logger.info(
      { host: host.host, at: report.at, vms, eligible, pushed, wiped, newEvents, problems, durationMs },
      'host swept',
    );
  }
}

/** The loop's options: progress on stderr, the round runner shared with the API's "sweep now". */
function loopOptions(
  context: CommandContext,
  session: AgentSession,
  run: AgentRun,
  signal: AbortSignal,
  log: AgentLog,
) {
  let server: RunServer | null = null;
  const options: LoopOptions = {
    session,
    intervalMs: run.intervalMs,
    labSpeed: run.labSpeed,
    concurrency: run.concurrency,
    record: !run.dryRun,
    optOuts: run.optOuts,
    rawMonths: run.rawMonths,
    progress: (line) => context.io.stderr(`${line}\n`),
    signal,
    onRound: (report) => {
      logRound(log, report);
      server?.roundEnded(report, Date.now());
    },
    onStoreError: (error) => server?.storeError(error.code),
    onRoundFailed: (reason) => log.logger.error({ reason }, 'sweep failed; retrying next interval'),
    ...(flag(context, 'once') ? { maxRounds: 1 } : {}),
  };
  return { options, attach: (s: RunServer) => (server = s) };
}

/** The exit code of a finished loop; the summary lines go to stderr. */
function finish(
  context: CommandContext,
  run: AgentRun,
  summary: Awaited<ReturnType<typeof runAgentLoop>>,
): number {
  context.io.stderr(
    `avma run: stopped after ${summary.rounds} sweeps (${summary.failedRounds} not fully recorded); database ${run.session.db}\n`,
  );
  const failed = summary.lastReport === null ? null : failureLine('avma run', summary.lastReport);
  if (failed !== null) context.io.stderr(`${failed}\n`);
  // Not one host swept in the whole run: an operational failure the caller (a script, a service) must see.
  if (summary.rounds > 0 && summary.roundsWithoutAHost === summary.rounds) {
    if (failed === null) context.io.stderr(`avma run: no host was swept in ${summary.rounds} sweeps\n`);
    return EXIT_HOSTS_FAILED;
  }
  return 0;
}

async function openLogged(run: AgentRun, log: CommandLog): Promise<AgentSession> {
  try {
    return await openSession({
      ...run.session,
      command: 'avma run',
      onUpgradeBackup: (backup, from, to) =>
        log.logger.info({ backup, from, to }, 'database backed up before upgrading its schema'),
    });
  } catch (error) {
    // A failed upgrade or a refused database: the service's Event Log says why it did not start.
    log.logger.error({ db: run.session.db, reason: describeError(error) }, 'avma run could not start');
    await log.close();
    throw error;
  }
}

async function runLoop(context: CommandContext): Promise<number> {
  const listen = !flag(context, 'no-listen');
  const settings = listen ? apiSettings(context) : null;
  const run = await resolveAgentRun(context, (text) => context.io.stdout(text));
  // Checked before anything opens, so a bad value leaves no database or lock behind.
  const graceMs = (integerOption(context, 'stop-timeout', 1, 3600) ?? DEFAULT_STOP_GRACE_MS / 1000) * 1000;
  const log = await openCommandLog(context, 'avma run', {
    powershellExecutable: run.session.powershell?.executable,
  });
  const session = await openLogged(run, log);
  // A resumed lab goes on from one interval after its last sweep, so every run makes progress.
  if (session.resumedAt !== null) await session.source.clock.advanceTo(session.resumedAt + run.intervalMs);
  const { signal, release } = stopOnRequest(context, log, graceMs);
  let server: RunServer | null = null;
  try {
    context.io.stderr(where(session, run));
    log.logger.info(
      { version: AGENT_VERSION, db: run.session.db, source: session.source.describe() },
      'avma run started',
    );
    const loop = loopOptions(context, session, run, signal, log);
    const runner = roundRunner(loop.options);
    if (settings !== null) {
      const realIntervalMs = session.source.clock.realWait(run.intervalMs, run.labSpeed, 0);
      server = loop.attach(
        await startRunServer(context, session, settings, {
          runner,
          realIntervalMs,
          splaSettings: run.spla,
          ...(log.enabled ? { log: log.logger } : {}),
        }),
      );
    }
    const summary = await runAgentLoop({ ...loop.options, runner });
    const eventLog = log.eventLogCounts();
    log.logger.info(
      {
        rounds: summary.rounds,
        failedRounds: summary.failedRounds,
        ...(eventLog === null ? {} : { eventLog }),
      },
      'avma run stopped',
    );
    return finish(context, run, summary);
  } finally {
    release();
    // In-flight requests finish before the store closes; the loop has finished its round by now.
    await server?.close();
    await session.close();
    await log.close();
  }
}

export const runCommand: CommandSpec = {
  path: ['run'],
  summary: 'Run the agent: sweep every host on an interval, push AVMA keys, record events and history',
  details:
    'Default: the lab driver on the bundled scenario, database ./avma.sqlite, a sweep every 60 s. With the lab,\n' +
    'the lab clock runs from the scenario start (or from the last sweep in the database) at --lab-speed\n' +
    'simulated seconds per real second, and --interval is lab time. Progress: one line per host per sweep on\n' +
    'stderr. SIGINT/SIGTERM stop it after the current sweep; the database stays consistent at any moment.\n' +
    'One sweeping agent per database: a second `avma run`, `avma sweep` or `avma lab run` on it is refused.\n' +
    'Exit 0 when hosts were swept (hosts that failed are named on stderr), 1 when no host was swept in the\n' +
    'whole run (every host failed or the database could not be written), 2 for bad input.',
  options: {
    ...AGENT_OPTIONS,
    interval: {
      type: 'string',
      valueName: 'SEC',
      description: 'seconds between sweeps, on the driver’s clock (default 60)',
    },
    'lab-speed': {
      type: 'string',
      valueName: 'N',
      description: 'lab: simulated seconds per real second (default 60)',
    },
    once: { type: 'boolean', description: 'one sweep, then stop' },
    'stop-timeout': {
      type: 'string',
      valueName: 'SEC',
      description: `after SIGINT/SIGTERM, exit at the latest after SEC seconds even mid-sweep (default ${DEFAULT_STOP_GRACE_MS / 1000})`,
    },
    ...LOG_OPTIONS,
    ...API_OPTIONS,
    'no-listen': { type: 'boolean', description: 'sweep only: no API, /metrics or dashboard' },
  },
  positionals: [],
  run: runLoop,
};

async function sweepOnce(context: CommandContext): Promise<number> {
  const run = await resolveAgentRun(context, (text) => context.io.stdout(text));
  const session = await open(run, 'avma sweep');
  try {
    if (session.resumedAt !== null) await session.source.clock.advanceTo(session.resumedAt + run.intervalMs);
    if (!run.dryRun) {
      const unresolved = await applyConfigOptOuts(session.store, run.optOuts, session.now());
      for (const name of unresolved)
        context.io.stderr(`config opt-out "${name}": no single VM of that name or id yet\n`);
    }
    const report = await sweepRound({
      drivers: session.drivers,
      store: session.store,
      at: session.now(),
      settings: session.settings,
      cache: session.cache,
      concurrency: run.concurrency,
      record: !run.dryRun,
      ...sharedRoundOptions(session, run.intervalMs, undefined),
      onHost: (host, index, total) => context.io.stderr(`[${index + 1}/${total}] ${hostLine(host)}\n`),
    });
    printJson(context.io, report);
    const failed = failureLine('avma sweep', report);
    if (failed !== null) context.io.stderr(`${failed}\n`);
    if (everyHostFailed(report)) return EXIT_HOSTS_FAILED;
    return report.totals.notRecorded > 0 && !run.dryRun ? 1 : 0;
  } finally {
    await session.close();
  }
}

export const sweepCommand: CommandSpec = {
  path: ['sweep'],
  summary: 'One sweep of every host: progress on stderr, the summary as JSON on stdout',
  details:
    'Same options and defaults as `avma run`. With the lab, a fresh database is swept at the scenario start,\n' +
    'an existing one 60 s (lab time) after its last sweep. Exit 0 when hosts were swept (hosts that failed\n' +
    'are named in one line on stderr); 1 when every host failed or a host could not be recorded in the\n' +
    'database; 2 for bad input.',
  options: {
    ...AGENT_OPTIONS,
    interval: {
      type: 'string',
      valueName: 'SEC',
      description: 'lab: how far after the last recorded sweep (default 60)',
    },
  },
  positionals: [],
  run: sweepOnce,
};
