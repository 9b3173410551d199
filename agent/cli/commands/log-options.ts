/**
 * The log options of `avma run` and `avma serve` and the log they open (agent/logging).
 * - No log option: as before, progress lines on stderr and the API's access log as JSON on stdout; the
 *   agent's own records go nowhere (a newcomer's console stays readable).
 * - `--log-level` or `--log-format`: the whole log (the agent's records and the access log) on stdout.
 * - `--log-file FILE`: the whole log to the rotated file; on stdout too only with `--log-format`, so a
 *   service (no console) does not write a second copy into its wrapper's output log.
 * - `--event-log-source NAME`: warnings and errors also to the Windows Application log.
 */
import {
  checkEventSource,
  eventLogWriter,
  openEventLogRunner,
} from '../../driver/powershell/event-log-writer.js';
import type { PsRunner } from '../../driver/powershell/runner.js';
import {
  type AgentLog,
  createAgentLog,
  LOG_FORMATS,
  LOG_LEVELS,
  type LogFormat,
  type LogLevel,
} from '../../logging/agent-log.js';
import { type EventLogCounts, EventLogQueue } from '../../logging/event-log-queue.js';
import { DEFAULT_LOG_KEEP_FILES, DEFAULT_LOG_MAX_BYTES } from '../../logging/rotating-file.js';
import { describeError } from '../../sweep/collector.js';
import { CliError } from '../cli-error.js';
import type { CommandContext, OptionSpec } from '../command.js';
import { optionalString } from '../options.js';

export const LOG_OPTIONS: Readonly<Record<string, OptionSpec>> = {
  'log-level': {
    type: 'string',
    valueName: 'LEVEL',
    description: `${LOG_LEVELS.join('|')} (default info)`,
  },
  'log-format': {
    type: 'string',
    valueName: 'FORMAT',
    description:
      'json|pretty: how the log is shown on standard output (default json; the file is always JSON)',
  },
  'log-file': {
    type: 'string',
    valueName: 'FILE',
    description: `JSON lines to FILE, rotated at ${DEFAULT_LOG_MAX_BYTES / 1024 / 1024} MiB, ${DEFAULT_LOG_KEEP_FILES} older files kept (FILE.1 ...)`,
  },
  'event-log-source': {
    type: 'string',
    valueName: 'NAME',
    description:
      'Windows: warnings and errors also to the Application log under NAME (avma service install registers it)',
  },
};

/** How long one Event Log write may take before its shell is replaced. */
const EVENT_LOG_TIMEOUT_MS = 30_000;

function choice<T extends string>(
  context: CommandContext,
  name: string,
  values: readonly T[],
  fallback: T,
): T {
  const text = optionalString(context, name)?.trim();
  if (text === undefined) return fallback;
  if (!(values as readonly string[]).includes(text)) {
    throw new CliError('USAGE', `--${name} is "${text.slice(0, 40)}", expected one of ${values.join(', ')}`);
  }
  return text as T;
}

/**
 * Starts the runner of the Event Log writes: the configured PowerShell (`powershell.executable`, the
 * same the driver uses), Windows PowerShell on this host by default (tests replace it).
 */
export const eventLogRunnerFactory = {
  open: (executable = 'powershell'): Promise<PsRunner> =>
    openEventLogRunner(executable, EVENT_LOG_TIMEOUT_MS),
};

export interface CommandLog extends AgentLog {
  /** False when no log option was given: the agent's records go nowhere, the access log keeps its default. */
  readonly enabled: boolean;
  /** Entries written to, dropped before and failed on the Application log; null without an event source. */
  eventLogCounts(): EventLogCounts | null;
}

/**
 * Opens the log the options ask for. Throws CliError USAGE for a bad level, format or source, and
 * CliError UNREADABLE_FILE when the log file cannot be opened (a missing folder).
 */
export async function openCommandLog(
  context: CommandContext,
  command: string,
  options: { readonly powershellExecutable?: string | undefined } = {},
): Promise<CommandLog> {
  const level = choice<LogLevel>(context, 'log-level', LOG_LEVELS, 'info');
  const format = choice<LogFormat>(context, 'log-format', LOG_FORMATS, 'json');
  const path = optionalString(context, 'log-file')?.trim();
  const sourceText = optionalString(context, 'event-log-source')?.trim();
  let source: string | undefined;
  try {
    source = sourceText === undefined ? undefined : checkEventSource(sourceText);
  } catch (error) {
    throw new CliError('USAGE', `--event-log-source: ${describeError(error).replace(/^[A-Z_]+: /, '')}`);
  }
  const asked = (name: string) => optionalString(context, name) !== undefined;
  const onConsole = path === undefined ? asked('log-level') || asked('log-format') : asked('log-format');
  const stdout = { write: (text: string) => context.io.stdout(text) };
  let runner: PsRunner | null = null;
  let queue: EventLogQueue | null = null;
  if (source !== undefined) {
    runner = await eventLogRunnerFactory.open(options.powershellExecutable);
    queue = new EventLogQueue(eventLogWriter(runner, source), undefined, (error) =>
      context.io.stderr(
        `${command}: cannot write to the Application log (${describeError(error)}); further failures are only counted\n`,
      ),
    );
  }
  let log: AgentLog;
  try {
    log = createAgentLog({
      level,
      format,
      console: onConsole ? stdout : null,
      file:
        path === undefined
          ? null
          : { path, maxBytes: DEFAULT_LOG_MAX_BYTES, keepFiles: DEFAULT_LOG_KEEP_FILES },
      eventLog: queue,
    });
  } catch (error) {
    await runner?.close();
    throw new CliError('UNREADABLE_FILE', `--log-file ${path}: cannot open it (${(error as Error).message})`);
  }
  return {
    enabled: onConsole || path !== undefined || queue !== null,
    eventLogCounts: () => queue?.counts() ?? null,
    logger: log.logger,
    file: log.file,
    async close() {
      await log.close();
      await runner?.close().catch(() => undefined);
    },
  };
}
