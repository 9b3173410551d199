/**
 * What the host agent's Windows service is: its name, account, folders and files, and the WinSW
 * configuration that runs `node.exe avma.mjs run` (the same wrapper and XML writer the guest agent's
 * service uses, guest/install/service-config.ts).
 *
 * Layout, all under one data folder (default `%ProgramData%\avma-agent`, as Datadog and Veeam keep
 * theirs under ProgramData):
 *   agent.json            the configuration (written once; a re-install keeps the operator's file)
 *   avma.sqlite           the database (+ -wal, -shm, -writer.lock; backups beside it)
 *   logs\agent.log        the agent's JSON lines, rotated at 10 MiB (agent.log.1 .. .5)
 *   logs\avma-agent.*.log WinSW's wrapper log and node's stdout/stderr (rolled at 1 MiB)
 *   service\              the wrapper: avma-agent.exe (winsw.exe), its .config and .xml
 */
import { win32 } from 'node:path';
import { ServiceConfigError, winswXml } from '../../guest/install/service-config.js';
import { ServiceError } from './service-error.js';

/** The service name the SCM knows, the virtual account's name and the Event Log source. */
export const HOST_SERVICE_NAME = 'avma-agent';
export const HOST_SERVICE_DISPLAY_NAME = 'avma-agent host agent';
export const HOST_SERVICE_DESCRIPTION =
  'Sweeps the Hyper-V host: pushes AVMA keys over KVP, records activation events and licence usage.';
export const DATA_FOLDER_NAME = 'avma-agent';

/** Well-known SIDs, so a localised Windows (where the names differ) gets the same groups. */
export const WELL_KNOWN_SIDS = Object.freeze({
  administrators: 'S-1-5-32-544',
  localSystem: 'S-1-5-18',
  /** BUILTIN\Hyper-V Administrators: manage VMs and their KVP items without being an Administrator. */
  hyperVAdministrators: 'S-1-5-32-578',
  /** BUILTIN\Event Log Readers: read the host's Application log (event 12310). */
  eventLogReaders: 'S-1-5-32-573',
});

export type ServiceAccount = 'virtual' | 'LocalSystem';

/** `NT SERVICE\avma-agent` (a virtual account: no password, exists while the service does) or LocalSystem. */
export function accountName(account: ServiceAccount): string {
  return account === 'virtual' ? `NT SERVICE\\${HOST_SERVICE_NAME}` : 'LocalSystem';
}

/**
 * Restart after 10 s, then 30 s, then 2 min for every further failure (the SCM repeats the last
 * action); an agent that ran a day without failing starts again from 10 s.
 */
export const HOST_FAILURE_ACTIONS = Object.freeze([
  Object.freeze({ action: 'restart', delaySeconds: 10 }),
  Object.freeze({ action: 'restart', delaySeconds: 30 }),
  Object.freeze({ action: 'restart', delaySeconds: 120 }),
] as const);
export const HOST_RESET_FAILURE_SECONDS = 86_400;
/**
 * WinSW sends Ctrl+C on a stop, then kills the process after this; the agent itself ends within its
 * 25 s stop grace (agent/runtime/stop-signal.ts), before the kill, and well inside the SCM's own wait.
 */
export const HOST_STOP_TIMEOUT_SECONDS = 30;

export interface HostServicePaths {
  readonly dataFolder: string;
  readonly config: string;
  readonly database: string;
  readonly logFolder: string;
  readonly logFile: string;
  readonly serviceFolder: string;
  readonly wrapperExe: string;
  readonly wrapperXml: string;
}

export function hostServicePaths(dataFolder: string): HostServicePaths {
  const join = win32.join;
  const serviceFolder = join(dataFolder, 'service');
  return Object.freeze({
    dataFolder,
    config: join(dataFolder, 'agent.json'),
    database: join(dataFolder, 'avma.sqlite'),
    logFolder: join(dataFolder, 'logs'),
    logFile: join(dataFolder, 'logs', 'agent.log'),
    serviceFolder,
    wrapperExe: join(serviceFolder, `${HOST_SERVICE_NAME}.exe`),
    wrapperXml: join(serviceFolder, `${HOST_SERVICE_NAME}.xml`),
  });
}

/** Where the built agent keeps what the service runs. */
export interface AgentFiles {
  readonly bin: string;
  readonly compiledMain: string;
  readonly winsw: string;
  readonly winswConfig: string;
}

export function agentFiles(agentRoot: string): AgentFiles {
  const join = win32.join;
  const winswFolder = join(agentRoot, 'node_modules', 'node-windows', 'bin', 'winsw');
  return Object.freeze({
    bin: join(agentRoot, 'agent', 'bin', 'avma.mjs'),
    compiledMain: join(agentRoot, 'dist', 'agent', 'cli', 'main.js'),
    winsw: join(winswFolder, 'winsw.exe'),
    winswConfig: join(winswFolder, 'winsw.exe.config'),
  });
}

/**
 * The configuration a first install writes: the PowerShell driver on this host, the database beside
 * it. An operator edits it afterwards (hosts, tenants, opt-outs); a re-install never overwrites it.
 */
export function defaultAgentConfig(paths: HostServicePaths): string {
  const config = { driver: 'powershell', hosts: ['localhost'], db: paths.database, interval: 60 };
  return `${JSON.stringify(config, null, 2)}\r\n`;
}

/** The WinSW XML of the host agent service. Throws ServiceError INVALID_OPTION for an unusable path. */
export function hostServiceXml(nodePath: string, agentRoot: string, paths: HostServicePaths): string {
  try {
    return winswXml({
      id: HOST_SERVICE_NAME,
      displayName: HOST_SERVICE_DISPLAY_NAME,
      description: HOST_SERVICE_DESCRIPTION,
      writtenBy: 'Written by avma service install; run it again rather than editing.',
      executable: nodePath,
      arguments: [
        agentFiles(agentRoot).bin,
        'run',
        '--config',
        paths.config,
        '--log-file',
        paths.logFile,
        '--event-log-source',
        HOST_SERVICE_NAME,
        '--stop-timeout',
        String(HOST_STOP_TIMEOUT_SECONDS - 5),
      ],
      workingDirectory: paths.dataFolder,
      logDir: paths.logFolder,
      failureActions: HOST_FAILURE_ACTIONS,
      resetFailureSeconds: HOST_RESET_FAILURE_SECONDS,
      stopTimeoutSeconds: HOST_STOP_TIMEOUT_SECONDS,
    });
  } catch (error) {
    if (!(error instanceof ServiceConfigError)) throw error;
    throw new ServiceError('INVALID_OPTION', error.message, { cause: error });
  }
}
