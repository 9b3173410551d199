/** `avma serve`: the API, /metrics and the docs over a store, with no sweep. */
import { loadConfig } from '../../config/load-config.js';
import { untilStopRequested } from '../../runtime/stop-signal.js';
import { openStore } from '../../store/index.js';
import { describeError } from '../../sweep/collector.js';
import { AGENT_VERSION } from '../../version.js';
import type { CommandContext, CommandSpec } from '../command.js';
import { optionalString, requiredString } from '../options.js';
import { API_OPTIONS, apiSettings } from './api-options.js';
import { LOG_OPTIONS, openCommandLog } from './log-options.js';

async function serve(context: CommandContext): Promise<number> {
  const settings = apiSettings(context);
  const file = optionalString(context, 'config');
  // The agent's configuration: its `spla` rules for month reports and closes, and its `db`.
  const config = file === undefined ? {} : await loadConfig(file);
  const db =
    optionalString(context, 'db') ??
    config.db ??
    requiredString(context, 'db', 'the path of the agent database');
  const log = await openCommandLog(context, 'avma serve');
  // Not a sweeping writer: the server writes only tokens' last use, operator actions and month closes.
  const store = await openStore(db, { create: false }).catch(async (error: unknown) => {
    log.logger.error({ db, reason: describeError(error) }, 'avma serve could not start');
    await log.close();
    throw error;
  });
  try {
    // Loaded here, not at start: express and the API docs cost every other command about half a second.
    const { startApi } = await import('../../api/api-host.js');
    const server = await startApi({
      store,
      version: AGENT_VERSION,
      listen: settings.listen,
      metricsPublic: settings.metricsPublic,
      warn: (line) => {
        context.io.stderr(`avma serve: ${line}\n`);
        log.logger.warn(line);
      },
      ...(settings.tls === undefined ? {} : { tls: settings.tls }),
      ...(config.spla === undefined ? {} : { splaSettings: config.spla }),
      ...(log.enabled ? { log: log.logger } : {}),
    });
    context.io.stderr(
      `avma serve: ${server.url} over ${db} (no sweep); API docs at ${server.url}/api/docs\n`,
    );
    log.logger.info({ version: AGENT_VERSION, db, url: server.url }, 'avma serve started');
    await untilStopRequested();
    context.io.stderr('avma serve: stopping: in-flight requests finish first\n');
    await server.close();
    log.logger.info('avma serve stopped');
    return 0;
  } finally {
    await store.close();
    await log.close();
  }
}

export const serveCommand: CommandSpec = {
  path: ['serve'],
  summary: 'Serve the API, /metrics and the API docs over a database, without sweeping',
  details:
    'Every /api/v1 call needs "Authorization: Bearer <token>" (avma token create). SIGINT/SIGTERM stop it\n' +
    'after the requests in flight. The sweeping agent (avma run) serves the same by itself.',
  options: {
    db: {
      type: 'string',
      valueName: 'FILE',
      description: 'the agent database (never created here; default: the config’s db)',
    },
    config: {
      type: 'string',
      valueName: 'FILE',
      description: 'the agent configuration: its "spla" month report rules and db',
    },
    ...API_OPTIONS,
    ...LOG_OPTIONS,
  },
  positionals: [],
  run: serve,
};
