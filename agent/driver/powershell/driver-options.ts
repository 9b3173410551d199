import { z } from 'zod';
import { DriverError } from '../driver-error.js';
import type { InventoryProblem } from './inventory.js';
import type { PsOperation } from './operations.js';
import type { KvpWriteApi } from './requests.js';
import type { PsRunner } from './runner.js';

export interface PowerShellDriverOptions {
  /** Remote Hyper-V host reached through one PSSession (`New-PSSession -ComputerName`); omit for local. */
  readonly computerName?: string;
  /** How the agent names this host; defaults to computerName, else "localhost". */
  readonly hostName?: string;
  /** `powershell` (Windows PowerShell 5.1, default), `pwsh` (PowerShell 7) or a path to either. */
  readonly executable?: string;
  /** Time allowed for one call, in ms (default 120 000; list-vms on 1,024 VMs is the slow one). */
  readonly timeoutMs?: number;
  /** How long a write script waits for its Msvm_ConcreteJob (default 60 s; must fit in timeoutMs). */
  readonly jobTimeoutSeconds?: number;
  /** WMI v1 or CIM for KVP writes; 'auto' (default) prefers WMI v1 where it exists. */
  readonly kvpWriteApi?: KvpWriteApi;
  /**
   * Dry run: write operations (KVP add/modify/remove, Data Exchange on/off) are printed through this
   * callback instead of being sent, and succeed. Reads still run: they change nothing, and the agent
   * needs their answers to decide what it would write.
   */
  readonly dryRun?: (operation: PsOperation, text: string) => void;
  /** Receives each odd VM or item left out of an inventory (default: one line on stderr). */
  readonly onInventoryProblem?: (problem: InventoryProblem) => void;
  /** Replaces the node-powershell runner (tests replay recordings through this). */
  readonly runner?: PsRunner;
}

export interface ResolvedDriverOptions {
  readonly computerName: string | null;
  readonly hostName: string;
  readonly executable: string;
  readonly timeoutMs: number;
  readonly jobTimeoutSeconds: number;
  readonly kvpWriteApi: KvpWriteApi;
}

export const DEFAULT_TIMEOUT_MS = 120_000;
export const DEFAULT_JOB_TIMEOUT_SECONDS = 60;
/** Head room between the script giving up on a job and the runner giving up on the script. */
const JOB_TIMEOUT_MARGIN_MS = 15_000;
const HOST_NAME =
  /^[A-Za-z0-9]([A-Za-z0-9-]{0,62})(\.[A-Za-z0-9]([A-Za-z0-9-]{0,62}))*$|^[0-9A-Fa-f:.]{2,45}$/;

function invalid(message: string): DriverError {
  return new DriverError('INVALID_ARGUMENT', `powershell driver: ${message}`);
}

/**
 * Fills in defaults and checks the options. Throws DriverError 'INVALID_ARGUMENT' for a computer name
 * that is not a DNS name or IP address, a non-positive timeout, or a job timeout that does not fit.
 */
export function resolveDriverOptions(options: PowerShellDriverOptions): ResolvedDriverOptions {
  const computerName = options.computerName ?? null;
  if (computerName !== null && (computerName.length > 253 || !HOST_NAME.test(computerName))) {
    throw invalid(`computerName "${computerName.slice(0, 60)}" is not a host name or IP address`);
  }
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const jobTimeoutSeconds = options.jobTimeoutSeconds ?? DEFAULT_JOB_TIMEOUT_SECONDS;
  if (!Number.isInteger(timeoutMs) || timeoutMs < 1)
    throw invalid(`timeoutMs ${timeoutMs}; expected a whole number of ms >= 1`);
  if (!Number.isInteger(jobTimeoutSeconds) || jobTimeoutSeconds < 1) {
    throw invalid(`jobTimeoutSeconds ${jobTimeoutSeconds}; expected a whole number >= 1`);
  }
  if (options.runner === undefined && jobTimeoutSeconds * 1000 + JOB_TIMEOUT_MARGIN_MS > timeoutMs) {
    throw invalid(
      `jobTimeoutSeconds ${jobTimeoutSeconds} does not fit in timeoutMs ${timeoutMs} with ${JOB_TIMEOUT_MARGIN_MS} ms to spare`,
    );
  }
  return Object.freeze({
    computerName,
    hostName: options.hostName ?? computerName ?? 'localhost',
    executable: options.executable ?? 'powershell',
    timeoutMs,
    jobTimeoutSeconds,
    kvpWriteApi: options.kvpWriteApi ?? 'auto',
  });
}

/** Host names in a configuration that mean "this machine" (no PSSession). */
export const LOCAL_HOST_NAMES: readonly string[] = Object.freeze(['localhost', '.']);

const isFunction = (value: unknown): boolean => typeof value === 'function';

/** `options` of `{ driver: 'powershell', hosts, options }` in the agent configuration. */
export const PowerShellConfigOptions = z
  .strictObject({
    executable: z.string().min(1).max(1024).optional(),
    timeoutMs: z.number().int().min(1).optional(),
    jobTimeoutSeconds: z.number().int().min(1).optional(),
    kvpWriteApi: z.enum(['auto', 'cim', 'wmi']).optional(),
    dryRun: z
      .custom<(operation: PsOperation, text: string) => void>(isFunction, 'expected a function')
      .optional(),
    onInventoryProblem: z
      .custom<(problem: InventoryProblem) => void>(isFunction, 'expected a function')
      .optional(),
    /** One runner per host name (tests replay recordings through this). */
    runnerFor: z.custom<(hostName: string) => PsRunner>(isFunction, 'expected a function').optional(),
  })
  .optional();
export type PowerShellConfigOptions = z.infer<typeof PowerShellConfigOptions>;

/**
 * Driver options for one configured host: "localhost" / "." is the local host, anything else a remote
 * host. Throws DriverError 'INVALID_ARGUMENT' for config options of another shape.
 */
export function optionsForHost(host: string, options: unknown): PowerShellDriverOptions {
  const parsed = PowerShellConfigOptions.safeParse(options);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw invalid(`options: ${issue?.path.join('.') ?? ''} ${issue?.message ?? 'invalid'}`.trim());
  }
  const { runnerFor, ...rest } = parsed.data ?? {};
  const local = LOCAL_HOST_NAMES.includes(host.toLowerCase());
  return {
    ...rest,
    hostName: host,
    ...(local ? {} : { computerName: host }),
    ...(runnerFor === undefined ? {} : { runner: runnerFor(host) }),
  };
}
