/**
 * `avma lab serve`: one simulated fleet served to several agent processes (agent/driver/lab/
 * lab-server.ts). It prints its URL on stdout as one JSON line ({"url": ...}), one line per tick on
 * stderr, and runs until every host is recorded at `--until` (then it says so and keeps answering)
 * or until SIGINT/SIGTERM.
 */
import { startLabServer } from '../../driver/lab/lab-server.js';
import { DEFAULT_SEED, Lab } from '../../lab/lab.js';
import { defaultScenario, loadScenarioFile } from '../../lab/scenario-loader.js';
import { parseIsoTime } from '../../lab/scenario-schema.js';
import { MINUTE_MS } from '../../lab/sim-clock.js';
import { untilStopRequested } from '../../runtime/stop-signal.js';
import { CliError } from '../cli-error.js';
import type { CommandContext, CommandSpec } from '../command.js';
import { integerOption, optionalString, requiredString } from '../options.js';
import { DEFAULT_SWEEP_INTERVAL_MINUTES } from './lab-command.js';

const MAX_SEED = 999_999_999;

function untilOf(context: CommandContext, start: number): number {
  const text = requiredString(
    context,
    'until',
    'the simulated time the lab stops at, e.g. 2026-11-03T00:00:00Z',
  );
  const until = parseIsoTime(text.trim());
  if (until === null || until < start) {
    throw new CliError(
      'USAGE',
      `--until is "${text.slice(0, 40)}", expected an ISO-8601 time at or after the scenario start ${new Date(start).toISOString()}`,
    );
  }
  return until;
}

async function serveLab(context: CommandContext): Promise<number> {
  const file = optionalString(context, 'scenario');
  const scenario = file === undefined ? defaultScenario() : await loadScenarioFile(file);
  const seed = integerOption(context, 'seed', 0, MAX_SEED) ?? DEFAULT_SEED;
  const minutes = integerOption(context, 'sweep-interval', 1, 24 * 60) ?? DEFAULT_SWEEP_INTERVAL_MINUTES;
  const port = integerOption(context, 'port', 0, 65_535) ?? 0;
  const until = untilOf(context, parseIsoTime(scenario.start) as number);
  const lab = await Lab.create(scenario, { seed });
  const server = await startLabServer({
    lab,
    intervalMs: minutes * MINUTE_MS,
    until,
    port,
    onTick: (status) =>
      context.io.stderr(
        status.done
          ? `avma lab serve: every host recorded up to ${new Date(status.now).toISOString()}; done\n`
          : `avma lab serve: tick ${new Date(status.now).toISOString()}\n`,
      ),
  });
  context.io.stdout(
    `${JSON.stringify({ url: server.url, start: scenario.start, hosts: server.status().hosts })}\n`,
  );
  context.io.stderr(
    `avma lab serve: ${file ?? 'the bundled scenario'} (seed ${seed}) at ${server.url}, a tick every ${minutes} simulated minutes until ${new Date(until).toISOString()}\n` +
      `  agents: avma run --driver lab --lab-url ${server.url} --interval ${minutes * 60} --db FILE|URL [--host NAME ...]\n`,
  );
  await untilStopRequested();
  await server.close();
  return 0;
}

export const labServeCommand: CommandSpec = {
  path: ['lab', 'serve'],
  summary: 'Serve one simulated fleet to several agents (avma run --driver lab --lab-url URL)',
  details:
    'Holds the lab and its clock and answers the Hyper-V driver calls of each host as JSON on 127.0.0.1.\n' +
    'The clock steps from the scenario start by --sweep-interval minutes, and only when every host was\n' +
    'recorded at the current step, up to --until: agents sharing it record what `avma lab run` records for\n' +
    'the same scenario, seed and interval. Prints {"url",...} as one JSON line on stdout; runs until\n' +
    'SIGINT/SIGTERM.',
  options: {
    scenario: {
      type: 'string',
      valueName: 'FILE',
      description: 'scenario JSON file (default: the bundled one)',
    },
    seed: { type: 'string', valueName: 'N', description: `seed (default ${DEFAULT_SEED})` },
    port: { type: 'string', valueName: 'P', description: 'TCP port on 127.0.0.1 (default: any free port)' },
    'sweep-interval': {
      type: 'string',
      valueName: 'MIN',
      description: `simulated minutes between ticks (default ${DEFAULT_SWEEP_INTERVAL_MINUTES})`,
    },
    until: { type: 'string', valueName: 'ISO', description: 'the last tick, e.g. 2026-11-03T00:00:00Z' },
  },
  positionals: [],
  run: serveLab,
};
