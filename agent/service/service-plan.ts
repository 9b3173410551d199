/**
 * What `avma service install` and `uninstall` do on a host, as a list of steps decided here from what
 * the probe found: the one place that says what is created, kept and removed, printed as it is by
 * `--dry-run` and carried out one step per PowerShell call (service-step.ps1).
 *
 * Kept on a re-install: agent.json (the operator's configuration), the database and its backups, the
 * logs. Kept on an uninstall unless asked (`--remove-data`): the whole data folder and the Event Log
 * source (so the entries already written still read correctly).
 */
import { win32 } from 'node:path';
import {
  accountName,
  agentFiles,
  defaultAgentConfig,
  HOST_FAILURE_ACTIONS,
  HOST_RESET_FAILURE_SECONDS,
  HOST_SERVICE_NAME,
  hostServicePaths,
  hostServiceXml,
  type ServiceAccount,
  WELL_KNOWN_SIDS,
} from './host-service-config.js';
import { ServiceError } from './service-error.js';
import type { ServiceFacts } from './service-probe.js';

export interface AccessGrant {
  /** A SID, or an account name the host resolves (`NT SERVICE\avma-agent`). */
  readonly Account: string;
  readonly Rights: 'FullControl' | 'Modify' | 'ReadAndExecute';
}

/** One step; field names are the PowerShell arguments of service-step.ps1. */
export type ServiceStep =
  | { readonly Action: 'stop-service'; readonly Name: string }
  | { readonly Action: 'delete-service'; readonly Name: string; readonly ScExe: string }
  | { readonly Action: 'create-folder'; readonly Path: string }
  | { readonly Action: 'write-file'; readonly Path: string; readonly Text: string }
  | { readonly Action: 'copy-file'; readonly From: string; readonly To: string }
  | { readonly Action: 'run'; readonly FilePath: string; readonly Arguments: readonly string[] }
  | {
      readonly Action: 'add-group-member' | 'remove-group-member';
      readonly GroupSid: string;
      readonly Member: string;
      readonly NetExe: string;
    }
  | { readonly Action: 'protect-folder'; readonly Path: string; readonly Grants: readonly AccessGrant[] }
  | { readonly Action: 'create-event-source' | 'remove-event-source'; readonly Source: string }
  | { readonly Action: 'start-service'; readonly Name: string }
  | { readonly Action: 'remove-folder'; readonly Path: string };

export interface InstallOptions {
  /** Folder of the built agent (agent\bin\avma.mjs, dist\, node_modules\). */
  readonly agentRoot: string;
  /** node.exe the service runs (Node.js 20.19 or later). */
  readonly nodePath: string;
  readonly account: ServiceAccount;
}

function system32(facts: ServiceFacts, program: string): string {
  return win32.join(facts.SystemRoot, 'System32', program);
}

/** The files the service needs; the probe reports which of them are missing. */
export function requiredFiles(options: InstallOptions): string[] {
  const files = agentFiles(options.agentRoot);
  return [options.nodePath, files.bin, files.compiledMain, files.winsw, files.winswConfig];
}

function checkInstallable(facts: ServiceFacts, options: InstallOptions): void {
  if (facts.MissingFiles.length > 0) {
    const winsw = facts.MissingFiles.some((file) => file.toLowerCase().includes('\\winsw\\'));
    const remedy = winsw
      ? `the wrapper comes from the optional, Windows-only dependency node-windows: run 'npm ci' in ${options.agentRoot} on this host`
      : `build the agent ('npm ci' runs the build) in ${options.agentRoot}, or pass --agent-root and --node`;
    throw new ServiceError(
      'MISSING_FILE',
      `missing on this host: ${facts.MissingFiles.join(', ')}; ${remedy}`,
    );
  }
}

function removeOldService(facts: ServiceFacts): ServiceStep[] {
  if (facts.Service === null) return [];
  const scExe = system32(facts, 'sc.exe');
  return [
    { Action: 'stop-service', Name: HOST_SERVICE_NAME },
    { Action: 'delete-service', Name: HOST_SERVICE_NAME, ScExe: scExe },
  ];
}

/** The SCM settings WinSW 1.x cannot express: delayed start, the account, recovery with backoff. */
function scmSettings(facts: ServiceFacts, account: ServiceAccount): ServiceStep[] {
  const sc = (...args: string[]): ServiceStep => ({
    Action: 'run',
    FilePath: system32(facts, 'sc.exe'),
    Arguments: args,
  });
  const actions = HOST_FAILURE_ACTIONS.map((step) => `${step.action}/${step.delaySeconds * 1000}`).join('/');
  const steps = [sc('config', HOST_SERVICE_NAME, 'start=', 'delayed-auto')];
  if (account === 'virtual') {
    // A virtual account needs the service's own SID; it has no password to give.
    steps.push(sc('sidtype', HOST_SERVICE_NAME, 'unrestricted'));
    steps.push(sc('config', HOST_SERVICE_NAME, 'obj=', accountName('virtual')));
  }
  steps.push(
    sc('failure', HOST_SERVICE_NAME, 'reset=', String(HOST_RESET_FAILURE_SECONDS), 'actions=', actions),
  );
  // A stop that reports a non-zero exit code (the agent's stop deadline) counts as a failure too.
  steps.push(sc('failureflag', HOST_SERVICE_NAME, '1'));
  return steps;
}

function groupSteps(facts: ServiceFacts, action: 'add-group-member' | 'remove-group-member'): ServiceStep[] {
  return [WELL_KNOWN_SIDS.hyperVAdministrators, WELL_KNOWN_SIDS.eventLogReaders].map((GroupSid) => ({
    Action: action,
    GroupSid,
    Member: accountName('virtual'),
    NetExe: system32(facts, 'net.exe'),
  }));
}

/** Administrators and the service's account only: the database holds token hashes and tenants' data. */
function folderGrants(account: ServiceAccount, rights: AccessGrant['Rights']): AccessGrant[] {
  const service = account === 'virtual' ? accountName('virtual') : WELL_KNOWN_SIDS.localSystem;
  return [
    { Account: WELL_KNOWN_SIDS.administrators, Rights: 'FullControl' },
    { Account: service, Rights: rights },
  ];
}

function runsAsVirtual(facts: ServiceFacts): boolean {
  return facts.Service?.StartName.toLowerCase() === accountName('virtual').toLowerCase();
}

/**
 * The install (or re-install) steps. Throws ServiceError NOT_ADMINISTRATOR (unless `dryRun`) and
 * MISSING_FILE when the host lacks a file the service needs, before any step.
 */
export function planInstall(facts: ServiceFacts, options: InstallOptions, dryRun = false): ServiceStep[] {
  if (!facts.IsAdministrator && !dryRun) {
    throw new ServiceError(
      'NOT_ADMINISTRATOR',
      'run this from an elevated PowerShell (Run as Administrator): it creates a service and changes local groups',
    );
  }
  checkInstallable(facts, options);
  const paths = hostServicePaths(facts.DataFolder);
  const files = agentFiles(options.agentRoot);
  const xml = hostServiceXml(options.nodePath, options.agentRoot, paths);
  // Moving from the virtual account to LocalSystem: the old account leaves the groups before it goes.
  const leaving =
    runsAsVirtual(facts) && options.account !== 'virtual' ? groupSteps(facts, 'remove-group-member') : [];
  const steps: ServiceStep[] = [
    ...leaving,
    ...removeOldService(facts),
    { Action: 'create-folder', Path: paths.dataFolder },
    { Action: 'create-folder', Path: paths.logFolder },
    { Action: 'create-folder', Path: paths.serviceFolder },
  ];
  if (!facts.ConfigExists)
    steps.push({ Action: 'write-file', Path: paths.config, Text: defaultAgentConfig(paths) });
  steps.push(
    // WinSW finds its configuration as the .xml of the same base name next to the renamed executable.
    { Action: 'copy-file', From: files.winsw, To: paths.wrapperExe },
    { Action: 'copy-file', From: files.winswConfig, To: `${paths.wrapperExe}.config` },
    { Action: 'write-file', Path: paths.wrapperXml, Text: xml },
    { Action: 'run', FilePath: paths.wrapperExe, Arguments: ['install'] },
    ...scmSettings(facts, options.account),
    ...(options.account === 'virtual' ? groupSteps(facts, 'add-group-member') : []),
    // After the service exists: its virtual account resolves only then.
    { Action: 'protect-folder', Path: paths.dataFolder, Grants: folderGrants(options.account, 'Modify') },
    // The wrapper runs as the service's account but must not be replaceable by it.
    {
      Action: 'protect-folder',
      Path: paths.serviceFolder,
      Grants: folderGrants(options.account, 'ReadAndExecute'),
    },
    { Action: 'create-event-source', Source: HOST_SERVICE_NAME },
    { Action: 'start-service', Name: HOST_SERVICE_NAME },
  );
  return steps;
}

/** The uninstall steps: the service and its wrapper go; the data stays unless `removeData`. */
export function planUninstall(facts: ServiceFacts, removeData: boolean, dryRun = false): ServiceStep[] {
  if (!facts.IsAdministrator && !dryRun) {
    throw new ServiceError(
      'NOT_ADMINISTRATOR',
      'run this from an elevated PowerShell (Run as Administrator): it deletes a service and changes local groups',
    );
  }
  const paths = hostServicePaths(facts.DataFolder);
  const virtual = runsAsVirtual(facts);
  const steps: ServiceStep[] = [];
  if (facts.Service !== null) steps.push({ Action: 'stop-service', Name: HOST_SERVICE_NAME });
  // Before the service goes: afterwards its account no longer resolves and would stay as a bare SID.
  if (virtual) steps.push(...groupSteps(facts, 'remove-group-member'));
  steps.push(...removeOldService(facts).filter((step) => step.Action === 'delete-service'));
  if (!facts.DataFolderExists) return steps;
  if (removeData) {
    steps.push(
      { Action: 'remove-folder', Path: paths.dataFolder },
      { Action: 'remove-event-source', Source: HOST_SERVICE_NAME },
    );
  } else {
    steps.push({ Action: 'remove-folder', Path: paths.serviceFolder });
  }
  return steps;
}

function argumentText(value: string): string {
  return /[\s"]/.test(value) || value === '' ? `"${value}"` : value;
}

/** One step as `--dry-run` prints it: the command line, or the file with its full text. */
export function describeStep(step: ServiceStep): string {
  switch (step.Action) {
    case 'run':
      return [step.FilePath, ...step.Arguments].map(argumentText).join(' ');
    case 'write-file':
      return `write ${step.Path} (UTF-8, ${Buffer.byteLength(step.Text, 'utf8')} bytes):\n${step.Text.replace(/\r\n/g, '\n').trimEnd().replace(/^/gm, '    | ')}`;
    case 'copy-file':
      return `copy ${step.From} -> ${step.To}`;
    case 'create-folder':
      return `create folder ${step.Path}`;
    case 'remove-folder':
      return `delete folder ${step.Path} and everything in it`;
    case 'protect-folder':
      return `set the ACL of ${step.Path} (inheritance off): ${step.Grants.map((grant) => `${grant.Account} ${grant.Rights}`).join(', ')}`;
    case 'add-group-member':
    case 'remove-group-member':
      return `${step.NetExe} localgroup <name of ${step.GroupSid}> ${argumentText(step.Member)} ${step.Action === 'add-group-member' ? '/add' : '/delete'}`;
    case 'stop-service':
      return `Stop-Service ${step.Name} (and wait until it has stopped)`;
    case 'delete-service':
      return `${step.ScExe} delete ${step.Name} (and wait until the SCM has removed it)`;
    case 'start-service':
      return `Start-Service ${step.Name}`;
    case 'create-event-source':
      return `register the event source ${step.Source} in the Application log ([System.Diagnostics.EventLog]::CreateEventSource)`;
    case 'remove-event-source':
      return `remove the event source ${step.Source} ([System.Diagnostics.EventLog]::DeleteEventSource)`;
  }
}
