/**
 * The options `avma run` and `avma sweep` share: command-line flags over `--config FILE` over the
 * defaults (lab driver, bundled scenario, `./avma.sqlite`, a sweep every 60 s). Configuration, driver
 * and runtime errors reach the CLI as they are; `error-kinds.ts` decides their exit code.
 */

import { AGENT_ID, type AgentConfig, type OptOut } from '../../config/config-schema.js';
import { loadConfig } from '../../config/load-config.js';
import { agentIdBase, processAgentId } from '../../runtime/agent-identity.js';
import { DEFAULT_LEASE_TTL_MS, type SessionOptions } from '../../runtime/agent-session.js';
import { DEFAULT_RAW_MONTHS } from '../../store/index.js';
import { DEFAULT_CONCURRENCY } from '../../sweep/sweep-round.js';
import type { CloseSettings } from '../../usage/index.js';
import { CliError } from '../cli-error.js';
import type { CommandContext, OptionSpec } from '../command.js';
import { flag, integerOption, optionalString } from '../options.js';

export const DEFAULT_DB = './avma.sqlite';
export const DEFAULT_INTERVAL_SECONDS = 60;
/** One simulated minute per real second. */
export const DEFAULT_LAB_SPEED = 60;
export const DEFAULT_SILENT_AFTER_SWEEPS = 3;
/** The store's own default: a VM unseen for 10 minutes has its interval closed at its last sighting. */
const MIN_STALE_AFTER_SECONDS = 600;

export const AGENT_OPTIONS: Readonly<Record<string, OptionSpec>> = Object.freeze({
  driver: {
    type: 'string',
    valueName: 'lab|powershell',
    description: 'where the hosts come from (default lab)',
  },
  scenario: { type: 'string', valueName: 'FILE', description: 'lab scenario (default: the bundled one)' },
  'lab-url': {
    type: 'string',
    valueName: 'URL',
    description: 'lab: the hosts of a shared lab server (`avma lab serve`) instead of a lab in this process',
  },
  config: {
    type: 'string',
    valueName: 'FILE',
    description: 'JSON settings: hosts, tenants, opt-outs, … (flags win)',
  },
  db: {
    type: 'string',
    valueName: 'FILE|URL',
    description: `the agent database: an SQLite file, created if missing (default ${DEFAULT_DB}), or a postgres:// URL`,
  },
  'agent-id': {
    type: 'string',
    valueName: 'ID',
    description:
      "PostgreSQL: who holds this agent's host leases (default: host name + config digest; a per-process suffix is added)",
  },
  host: {
    type: 'string',
    valueName: 'NAME',
    multiple: true,
    description: 'sweep only this host (repeatable)',
  },
  'dry-run': {
    type: 'boolean',
    description: 'powershell: print the write scripts instead of running them; record nothing',
  },
});

export interface AgentRun {
  readonly session: SessionOptions;
  readonly intervalMs: number;
  readonly labSpeed: number;
  readonly concurrency: number;
  readonly dryRun: boolean;
  readonly optOuts: readonly OptOut[];
  /** The `spla` section: the rules of month reports and closes made through the API. */
  readonly spla: CloseSettings;
  /** Retention of raw events and observations (config `retention.rawMonths`). */
  readonly rawMonths: number;
}

/** `--agent-id` over config `agentId`, checked, plus this process's suffix (agent-identity.ts). */
function agentIdOf(context: CommandContext, config: AgentConfig, file: string | undefined): string {
  const explicit = optionalString(context, 'agent-id') ?? config.agentId;
  if (explicit !== undefined && !AGENT_ID.test(explicit)) {
    throw new CliError('USAGE', '--agent-id: expected 1..100 letters, digits and . _ : @ -');
  }
  return processAgentId(agentIdBase(explicit, file));
}

function driverOf(context: CommandContext, config: AgentConfig): 'lab' | 'powershell' {
  const driver = optionalString(context, 'driver') ?? config.driver ?? 'lab';
  if (driver !== 'lab' && driver !== 'powershell') {
    throw new CliError('USAGE', `--driver is "${driver}", expected lab or powershell`);
  }
  return driver;
}

function hostsOf(context: CommandContext, config: AgentConfig): readonly string[] | undefined {
  const hosts = context.options.host;
  if (Array.isArray(hosts) && hosts.length > 0) return hosts;
  return config.hosts;
}

function checkDriverOptions(context: CommandContext, driver: 'lab' | 'powershell', dryRun: boolean): void {
  if (driver === 'lab' && dryRun) {
    throw new CliError('USAGE', '--dry-run applies to the powershell driver; the lab changes nothing real');
  }
  if (driver === 'powershell' && optionalString(context, 'scenario') !== undefined) {
    throw new CliError('USAGE', '--scenario applies to the lab driver');
  }
  const labUrl = optionalString(context, 'lab-url');
  if (labUrl === undefined) return;
  if (driver !== 'lab') throw new CliError('USAGE', '--lab-url applies to the lab driver');
  if (optionalString(context, 'scenario') !== undefined) {
    throw new CliError(
      'USAGE',
      '--lab-url and --scenario contradict each other: the lab server has the scenario',
    );
  }
  if (!/^http:\/\/(127\.0\.0\.1|localhost|\[::1\]):\d{1,5}\/?$/.test(labUrl)) {
    throw new CliError('USAGE', `--lab-url is "${labUrl.slice(0, 80)}", expected http://127.0.0.1:PORT`);
  }
}

/**
 * The resolved options of a run. `print` receives each dry-run script. Throws CliError USAGE for
 * contradicting or out-of-range flags, INPUT for a bad configuration file.
 */
export async function resolveAgentRun(
  context: CommandContext,
  print: (text: string) => void,
): Promise<AgentRun> {
  const file = optionalString(context, 'config');
  const config = file === undefined ? {} : await loadConfig(file);
  const driver = driverOf(context, config);
  const dryRun = flag(context, 'dry-run');
  checkDriverOptions(context, driver, dryRun);
  const interval =
    integerOption(context, 'interval', 1, 86_400) ?? config.interval ?? DEFAULT_INTERVAL_SECONDS;
  const staleAfter = config.staleAfter ?? Math.max(MIN_STALE_AFTER_SECONDS, 3 * interval);
  const hosts = hostsOf(context, config);
  const scenario = optionalString(context, 'scenario') ?? config.scenario;
  const session: SessionOptions = {
    driver,
    db: optionalString(context, 'db') ?? config.db ?? DEFAULT_DB,
    staleAfterMs: staleAfter * 1000,
    silentAfterMs: (config.silentAfterSweeps ?? DEFAULT_SILENT_AFTER_SWEEPS) * interval * 1000,
    tenants: config.tenants ?? [],
    ...(config.memoryChangePercent === undefined
      ? {}
      : { memoryChangeRatio: config.memoryChangePercent / 100 }),
    ...(config.disabledCollectors === undefined ? {} : { disabledCollectors: config.disabledCollectors }),
    ...(config.evidence?.hostWindowHours === undefined
      ? {}
      : { evidenceWindowMs: config.evidence.hostWindowHours * 3_600_000 }),
    ...(config.evidence?.correlationToleranceSeconds === undefined
      ? {}
      : { correlationToleranceMs: config.evidence.correlationToleranceSeconds * 1000 }),
    agentId: agentIdOf(context, config, file),
    leaseTtlMs: (config.leases?.ttlSeconds ?? DEFAULT_LEASE_TTL_MS / 1000) * 1000,
    ...(hosts === undefined ? {} : { hosts }),
    ...(scenario === undefined ? {} : { scenario }),
    ...(optionalString(context, 'lab-url') === undefined
      ? {}
      : { labUrl: optionalString(context, 'lab-url') as string }),
    ...(config.powershell === undefined ? {} : { powershell: config.powershell }),
    ...(dryRun
      ? { dryRun: (operation: string, text: string) => print(`# dry run: ${operation}\n${text}\n`) }
      : {}),
  };
  const speed = optionalString(context, 'lab-speed');
  return {
    session,
    intervalMs: interval * 1000,
    labSpeed:
      speed === undefined
        ? (config.labSpeed ?? DEFAULT_LAB_SPEED)
        : (integerOption(context, 'lab-speed', 1, 1_000_000) as number),
    concurrency: config.concurrency ?? DEFAULT_CONCURRENCY,
    dryRun,
    optOuts: config.optOuts ?? [],
    spla: config.spla ?? {},
    rawMonths: config.retention?.rawMonths ?? DEFAULT_RAW_MONTHS,
  };
}
