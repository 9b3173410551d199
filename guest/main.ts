/**
 * Entry point of the guest agent service: one pass at start, then one every `intervalMinutes`
 * (default 5), until the signal aborts. Installed on Windows by guest/install/install-guest-agent.ps1
 * as `node dist/guest/main.js [--interval-minutes N] [--log FILE] [--once]`.
 */
import { pathToFileURL } from 'node:url';
import { DEFAULT_INTERVAL_MINUTES, GuestAgent } from './agent/guest-agent.js';
import { GuestAgentError } from './agent/guest-agent-error.js';
import type { GuestTickReport } from './agent/tick-report.js';
import { AGENT_VERSION } from './agent-version.js';
import type { GuestPlatform } from './platform/guest-platform.js';
import { WindowsGuestPlatform } from './platform/windows-platform.js';
import { fileLogSink, type LogSink, stdoutLogSink } from './service-log.js';

/** Between 1 minute and 1 day: a longer interval would let an AVMA activation lapse unnoticed. */
const MIN_INTERVAL_MINUTES = 1;
const MAX_INTERVAL_MINUTES = 24 * 60;

export interface RunGuestAgentOptions {
  /** `windows` builds the Windows adapter; tests pass their own platform. */
  readonly platform: 'windows' | GuestPlatform;
  readonly intervalMinutes?: number;
  /** One pass, then return (for a manual check). */
  readonly once?: boolean;
  readonly signal?: AbortSignal;
  readonly log?: LogSink;
  /** Waits between passes; resolves early when the signal aborts. */
  readonly sleep?: (ms: number, signal: AbortSignal | undefined) => Promise<void>;
}

/**
 * Runs the agent loop. Resolves when `once` is set or the signal aborts; a pass that throws is logged
 * and the loop goes on. Throws `GuestAgentError` INVALID_OPTION for an interval outside 1..1440.
 */
export async function runGuestAgent(options: RunGuestAgentOptions): Promise<void> {
  const minutes = options.intervalMinutes ?? DEFAULT_INTERVAL_MINUTES;
  if (!Number.isInteger(minutes) || minutes < MIN_INTERVAL_MINUTES || minutes > MAX_INTERVAL_MINUTES) {
    throw new GuestAgentError(
      'INVALID_OPTION',
      `intervalMinutes is ${minutes}, expected an integer ${MIN_INTERVAL_MINUTES}..${MAX_INTERVAL_MINUTES}`,
    );
  }
  const platform = options.platform === 'windows' ? new WindowsGuestPlatform() : options.platform;
  const agent = new GuestAgent(platform, { agentVersion: AGENT_VERSION });
  const log = options.log ?? stdoutLogSink;
  const sleep = options.sleep ?? abortableSleep;
  while (options.signal?.aborted !== true) {
    await log(await passLine(agent, platform));
    if (options.once === true) return;
    await sleep(minutes * 60_000, options.signal);
  }
}

async function passLine(agent: GuestAgent, platform: GuestPlatform): Promise<string> {
  const time = platform.now().toISOString();
  try {
    const report: GuestTickReport = await agent.tick();
    return JSON.stringify({
      time,
      silent: report.silent,
      actions: report.actions,
      problems: report.problems,
    });
  } catch (error) {
    return JSON.stringify({ time, error: error instanceof Error ? error.message : String(error) });
  }
}

function abortableSleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
  });
}

export interface ServiceArguments {
  readonly intervalMinutes: number;
  readonly logFile: string | null;
  readonly once: boolean;
}

/**
 * Parses `--interval-minutes N`, `--log FILE`, `--once`. Throws `GuestAgentError` INVALID_OPTION naming
 * the argument that is unknown or lacks a value.
 */
export function parseServiceArguments(argv: readonly string[]): ServiceArguments {
  let intervalMinutes = DEFAULT_INTERVAL_MINUTES;
  let logFile: string | null = null;
  let once = false;
  for (let i = 0; i < argv.length; i++) {
    const argument = argv[i];
    if (argument === '--once') once = true;
    else if (argument === '--interval-minutes' || argument === '--log') {
      const value = argv[++i];
      if (value === undefined) throw new GuestAgentError('INVALID_OPTION', `${argument} needs a value`);
      if (argument === '--log') logFile = value;
      else intervalMinutes = Number(value);
    } else {
      throw new GuestAgentError(
        'INVALID_OPTION',
        `unknown argument ${JSON.stringify(argument)}, expected --interval-minutes N, --log FILE or --once`,
      );
    }
  }
  return { intervalMinutes, logFile, once };
}

async function main(): Promise<void> {
  const args = parseServiceArguments(process.argv.slice(2));
  const controller = new AbortController();
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => controller.abort());
  await runGuestAgent({
    platform: 'windows',
    intervalMinutes: args.intervalMinutes,
    once: args.once,
    signal: controller.signal,
    log: args.logFile === null ? stdoutLogSink : fileLogSink(args.logFile),
  });
}

const entry = process.argv[1];
if (entry !== undefined && import.meta.url === pathToFileURL(entry).href) {
  main().catch((error: unknown) => {
    process.stderr.write(`avma-guest: ${error instanceof Error ? error.message : String(error)}\n`);
    // A non-zero exit makes the service wrapper (WinSW onfailure, sc.exe failure actions) restart it.
    process.exitCode = 1;
  });
}
