/**
 * `avma lab run`: runs a lab scenario on the simulated clock (a month in seconds) and prints what
 * happened. With `--db FILE` the agent's real sweep runs with it (runtime/lab-run.ts) at every
 * `--sweep-interval` of simulated time and records into the database; the lab report is followed by
 * the agent's summary. A run killed at any point and started again with the same arguments resumes
 * from the database and ends with the same database as an uninterrupted run.
 */
import { DEFAULT_SEED, Lab } from '../../lab/lab.js';
import { buildLabReport, formatLabReport } from '../../lab/lab-report.js';
import { defaultScenario, loadScenarioFile } from '../../lab/scenario-loader.js';
import { parseIsoTime, type Scenario } from '../../lab/scenario-schema.js';
import { DAY_MS, MINUTE_MS } from '../../lab/sim-clock.js';
import { openSession } from '../../runtime/agent-session.js';
import { type LabAgentSummary, runLabWithAgent } from '../../runtime/lab-run.js';
import { CliError } from '../cli-error.js';
import { type CommandContext, type CommandSpec, printJson } from '../command.js';
import { flag, integerOption, optionalString } from '../options.js';
import { DEFAULT_SILENT_AFTER_SWEEPS } from './agent-options.js';
import { formatAgentSummary } from './lab-summary.js';

/** Ten years: far beyond any licence period the lab models. */
const MAX_DAYS = 3650;
const MAX_SEED = 999_999_999;
/**
 * Simulated minutes between sweeps by default: 60 records a month of the bundled scenario (721 rounds
 * of 6 hosts) in about 5 seconds on an idle 2-core machine, 30 in about 8 (BENCHMARKS.md, sweep).
 */
export const DEFAULT_SWEEP_INTERVAL_MINUTES = 60;

function endTime(context: CommandContext, start: number): number {
  const days = integerOption(context, 'days', 1, MAX_DAYS);
  const until = optionalString(context, 'until');
  if (days !== undefined && until !== undefined) {
    throw new CliError('USAGE', '--days and --until contradict each other; give one of them');
  }
  if (days !== undefined) return start + days * DAY_MS;
  if (until === undefined)
    throw new CliError('USAGE', 'missing --days N or --until ISO; expected how long to simulate');
  const end = parseIsoTime(until.trim());
  if (end === null)
    throw new CliError(
      'USAGE',
      `--until is "${until}", expected an ISO-8601 time such as 2026-12-01T00:00:00Z`,
    );
  if (end < start) {
    throw new CliError(
      'USAGE',
      `--until ${until} is before the scenario start ${new Date(start).toISOString()}`,
    );
  }
  return end;
}

async function labOnly(context: CommandContext, scenario: Scenario, seed: number, end: number): Promise<Lab> {
  if (optionalString(context, 'sweep-interval') !== undefined) {
    throw new CliError('USAGE', '--sweep-interval needs --db: without a database no sweep runs');
  }
  const lab = await Lab.create(scenario, { seed });
  await lab.advanceTo(end);
  return lab;
}

async function labWithAgent(
  context: CommandContext,
  db: string,
  scenario: Scenario,
  seed: number,
  end: number,
) {
  const minutes = integerOption(context, 'sweep-interval', 1, 24 * 60) ?? DEFAULT_SWEEP_INTERVAL_MINUTES;
  const interval = minutes * MINUTE_MS;
  const session = await openSession({
    driver: 'lab',
    scenario,
    seed,
    db,
    command: 'avma lab run',
    staleAfterMs: 3 * interval,
    silentAfterMs: DEFAULT_SILENT_AFTER_SWEEPS * interval,
  });
  try {
    const summary = await runLabWithAgent({ session, end, sweepIntervalMs: interval, concurrency: 4 });
    return { lab: session.lab as Lab, summary };
  } finally {
    await session.close();
  }
}

async function runLab(context: CommandContext): Promise<number> {
  const file = optionalString(context, 'scenario');
  const scenario = file === undefined ? defaultScenario() : await loadScenarioFile(file);
  const seed = integerOption(context, 'seed', 0, MAX_SEED) ?? DEFAULT_SEED;
  const end = endTime(context, parseIsoTime(scenario.start) as number);
  const db = optionalString(context, 'db');
  let summary: LabAgentSummary | null = null;
  let lab: Lab;
  if (db === undefined) lab = await labOnly(context, scenario, seed, end);
  else ({ lab, summary } = await labWithAgent(context, db, scenario, seed, end));
  const report = buildLabReport(lab, file ?? 'the default scenario', seed);
  if (flag(context, 'json')) printJson(context.io, summary === null ? report : { ...report, agent: summary });
  else context.io.stdout(formatLabReport(report) + (summary === null ? '' : formatAgentSummary(summary)));
  return 0;
}

export const labRunCommand: CommandSpec = {
  path: ['lab', 'run'],
  summary: 'Run a lab scenario on the simulated clock and print what happened (with --db: with the agent)',
  details:
    'Simulates the scenario (default: the bundled one) from its start for --days N or --until ISO, running\n' +
    'the guest agent in every guest that has it, and prints per host and per VM the final state, licence\n' +
    'status, channel, AVMA outcome counts, 12309/12310 counts, the timeline and any problems.\n' +
    "With --db FILE the agent's sweep runs every --sweep-interval simulated minutes and records into the\n" +
    'database (created if missing); a run stopped at any point resumes when started again with the same\n' +
    'arguments. The same scenario and seed always print the same report and record the same database.',
  options: {
    scenario: {
      type: 'string',
      valueName: 'FILE',
      description: 'scenario JSON file (default: the bundled scenario)',
    },
    days: { type: 'string', valueName: 'N', description: `days to simulate from the start (1..${MAX_DAYS})` },
    until: {
      type: 'string',
      valueName: 'ISO',
      description: 'simulate until this time, e.g. 2026-12-01T00:00:00Z',
    },
    seed: {
      type: 'string',
      valueName: 'N',
      description: `seed for GUIDs, addresses and keys (default ${DEFAULT_SEED})`,
    },
    db: {
      type: 'string',
      valueName: 'FILE',
      description: "run the agent's sweep and record into this database",
    },
    'sweep-interval': {
      type: 'string',
      valueName: 'MIN',
      description: `simulated minutes between sweeps (default ${DEFAULT_SWEEP_INTERVAL_MINUTES})`,
    },
    json: { type: 'boolean', description: 'print the report as JSON' },
  },
  positionals: [],
  async run(context) {
    return runLab(context);
  },
};
