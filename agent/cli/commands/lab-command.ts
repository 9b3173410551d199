/**
 * `avma lab run`: runs a lab scenario on the simulated clock (a month in seconds) and prints what
 * happened. Until the agent's sweep exists (agent issue) it drives only the lab; `--db` is refused
 * rather than faked.
 */
import { DEFAULT_SEED, Lab } from '../../lab/lab.js';
import { LabError } from '../../lab/lab-error.js';
import { buildLabReport, formatLabReport } from '../../lab/lab-report.js';
import { defaultScenario, loadScenarioFile } from '../../lab/scenario-loader.js';
import { parseIsoTime } from '../../lab/scenario-schema.js';
import { DAY_MS } from '../../lab/sim-clock.js';
import { CliError } from '../cli-error.js';
import { type CommandContext, type CommandSpec, printJson } from '../command.js';
import { flag, integerOption, optionalString } from '../options.js';

/** Ten years: far beyond any licence period the lab models. */
const MAX_DAYS = 3650;
const MAX_SEED = 999_999_999;

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

async function runLab(context: CommandContext): Promise<number> {
  if (optionalString(context, 'db') !== undefined) {
    throw new CliError('USAGE', "--db needs the agent's sweep, which is not built yet; run without --db");
  }
  const file = optionalString(context, 'scenario');
  const scenario = file === undefined ? defaultScenario() : await loadScenarioFile(file);
  const seed = integerOption(context, 'seed', 0, MAX_SEED) ?? DEFAULT_SEED;
  const start = parseIsoTime(scenario.start) as number;
  const end = endTime(context, start);
  const lab = await Lab.create(scenario, { seed });
  await lab.advanceTo(end);
  const report = buildLabReport(lab, file ?? 'the default scenario', seed);
  if (flag(context, 'json')) printJson(context.io, report);
  else context.io.stdout(formatLabReport(report));
  return 0;
}

export const labRunCommand: CommandSpec = {
  path: ['lab', 'run'],
  summary: 'Run a lab scenario on the simulated clock and print what happened',
  details:
    'Simulates the scenario (default: the bundled one) from its start for --days N or --until ISO, running\n' +
    'the guest agent in every guest that has it, and prints per host and per VM the final state, licence\n' +
    'status, channel, AVMA outcome counts, 12309/12310 counts, the timeline and any problems.\n' +
    'The same scenario and seed always print the same report.',
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
    db: { type: 'string', valueName: 'FILE', description: "store the agent's sweeps (not available yet)" },
    json: { type: 'boolean', description: 'print the report as JSON' },
  },
  positionals: [],
  async run(context) {
    try {
      return await runLab(context);
    } catch (error) {
      // Lab errors name the scenario path of the problem; report them like any bad input.
      if (error instanceof LabError) throw new CliError('INPUT', error.message);
      throw error;
    }
  },
};
