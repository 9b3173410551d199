/**
 * The WinSW configuration of the `avma-guest-agent` Windows service, written by
 * install-guest-agent.ps1 through service-config-cli.ts.
 *
 * Why WinSW: a service binary must answer the Service Control Manager (StartServiceCtrlDispatcher),
 * which node.exe does not. WinSW is a real service binary that starts node.exe as its child.
 *
 * Which WinSW: the optional dependency node-windows@0.1.14 bundles `bin/winsw/winsw.exe` whose
 * version resource says 1.17.0.0 (not 2.x), a .NET 2.0 build that its `winsw.exe.config`
 * (`<supportedRuntime version="v4.0" />`) lets run on .NET 4. node-windows' own `lib/winsw.js`
 * generates `<id>`, `<name>`, `<description>`, `<executable>`, `<argument>`, `<log mode=...>`,
 * `<logpath>`, `<stoptimeout>` and `<workingdirectory>` for it. Every element below is one that the
 * 1.17 binary reads (test/fixtures/guest-install/winsw-1.17-user-strings.txt) and that WinSW 2.x
 * documents unchanged (winsw/winsw doc/xmlConfigFile.md; its CHANGELOG 2.0: "WinSW 2.x is fully
 * compatible with WinSW 1.x in terms of the command-line interface and configuration files"), so a
 * newer winsw.exe dropped in its place reads the same file.
 *
 * WinSW 1.x details that shape the text:
 * - `resetfailure` and `stoptimeout` are read from the document's FIRST node (`dom.FirstChild`;
 *   fixed only in 2.0, issue #159), so nothing may precede `<service>`: no XML declaration, no comment.
 * - Element text goes through Environment.ExpandEnvironmentVariables, which has no escape, so a
 *   path containing `%` is refused rather than risk it being rewritten.
 * - Each `<argument>` that contains a space is wrapped in double quotes, so a `"` inside a value
 *   would break the command line; Windows file names cannot contain `"` anyway, so it is refused.
 * - Durations are `<integer> <suffix>` with suffixes sec/secs/min/mins/hr/hrs/hour/hours/day/days.
 */
import { win32 } from 'node:path';
import { LayerError } from '../../shared/errors/index.js';

/** The service name the SCM knows (`sc.exe query avma-guest-agent`). */
export const SERVICE_ID = 'avma-guest-agent';
export const SERVICE_DISPLAY_NAME = 'avma-agent guest agent';
export const SERVICE_DESCRIPTION =
  'Installs the AVMA key the Hyper-V host pushes over KVP and reports the licence status.';
/** The agent's own JSON-lines log (`--log`), inside the log folder. */
export const AGENT_LOG_FILE_NAME = 'guest-agent.log';

export interface FailureAction {
  readonly action: 'restart';
  readonly delaySeconds: number;
}

/**
 * What the SCM does after the 1st, 2nd and each later crash: restart after 10 s, 10 s, then 60 s
 * (WinSW repeats the last action for every further failure, so the agent is restarted forever).
 */
export const SERVICE_FAILURE_ACTIONS: readonly FailureAction[] = Object.freeze([
  Object.freeze({ action: 'restart', delaySeconds: 10 }),
  Object.freeze({ action: 'restart', delaySeconds: 10 }),
  Object.freeze({ action: 'restart', delaySeconds: 60 }),
] as const);
/** An agent that has run for an hour without failing starts again at the first failure action. */
export const RESET_FAILURE_SECONDS = 3600;
/** WinSW sends Ctrl+C (node: SIGINT, which main.ts turns into a clean stop), then kills after this. */
export const STOP_TIMEOUT_SECONDS = 15;
/** WinSW 1.x `sizeThreshold` is in KB: node's stdout/stderr roll at 1 MiB, 4 files kept per stream. */
export const LOG_ROLL_SIZE_KB = 1024;
export const LOG_KEEP_FILES = 4;

/** The same range guest/main.ts accepts for `--interval-minutes`. */
export const MIN_INTERVAL_MINUTES = 1;
export const MAX_INTERVAL_MINUTES = 24 * 60;
/** Far above any real install path; a longer value is not a path the installer resolved. */
export const MAX_PATH_CHARS = 1024;

export const SERVICE_CONFIG_ERROR_CODES = ['INVALID_PATH', 'INVALID_INTERVAL', 'INVALID_ARGUMENT'] as const;
export type ServiceConfigErrorCode = (typeof SERVICE_CONFIG_ERROR_CODES)[number];

/** The one error type of the service-configuration layer. */
export class ServiceConfigError extends LayerError<ServiceConfigErrorCode> {
  override readonly name = 'ServiceConfigError';
  readonly layer = 'service-config';
}

export interface ServiceConfigOptions {
  /** Absolute path of node.exe. */
  readonly nodePath: string;
  /** Absolute path of dist\guest\main.js. */
  readonly mainScript: string;
  readonly intervalMinutes: number;
  /** Folder of WinSW's rolling logs and of the agent's own log (%ProgramData%\avma-agent). */
  readonly logDir: string;
  /** The agent's working folder; defaults to `logDir`. */
  readonly workingDirectory?: string;
}

const XML_ESCAPES: Readonly<Record<string, string>> = Object.freeze({
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
});

/** Escapes the five XML special characters, so the text is safe in element text and attribute values. */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => XML_ESCAPES[character] ?? character);
}

/** Characters Windows forbids in file names (plus control characters), and `%` (see the header). */
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it rejects
const FORBIDDEN_PATH_CHARACTER = /[\u0000-\u001f<>"|?*%]/;
const DRIVE_ABSOLUTE = /^[A-Za-z]:\\/;

function describeValue(value: string): string {
  return JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value);
}

/**
 * Checks that `value` is an absolute drive path (`C:\...`) WinSW can carry unchanged, naming `what`
 * in the message. Returns the value; throws `ServiceConfigError` INVALID_PATH otherwise.
 */
export function checkWindowsPath(what: string, value: string): string {
  const problem =
    value.length > MAX_PATH_CHARS
      ? `is ${value.length} characters long`
      : !DRIVE_ABSOLUTE.test(value)
        ? `is ${describeValue(value)}`
        : FORBIDDEN_PATH_CHARACTER.test(value) || value.indexOf(':', 2) !== -1
          ? `is ${describeValue(value)}, which contains a character WinSW cannot carry`
          : null;
  if (problem !== null) {
    throw new ServiceConfigError(
      'INVALID_PATH',
      `${what} ${problem}, expected an absolute path like C:\\folder\\file of at most ${MAX_PATH_CHARS} characters without control characters or any of < > " | ? * % :`,
    );
  }
  return value;
}

/** Returns `minutes` if it is an integer 1..1440; throws `ServiceConfigError` INVALID_INTERVAL otherwise. */
export function checkIntervalMinutes(minutes: number): number {
  if (!Number.isInteger(minutes) || minutes < MIN_INTERVAL_MINUTES || minutes > MAX_INTERVAL_MINUTES) {
    throw new ServiceConfigError(
      'INVALID_INTERVAL',
      `intervalMinutes is ${minutes}, expected an integer ${MIN_INTERVAL_MINUTES}..${MAX_INTERVAL_MINUTES}`,
    );
  }
  return minutes;
}

/** `sc.exe failure ... actions=` text for the same actions: `restart/10000/restart/10000/restart/60000`. */
export function scFailureActionsText(actions: readonly FailureAction[] = SERVICE_FAILURE_ACTIONS): string {
  return actions.map((step) => `${step.action}/${step.delaySeconds * 1000}`).join('/');
}

function element(name: string, text: string): string {
  return `  <${name}>${escapeXml(text)}</${name}>`;
}

/** Everything one WinSW service definition holds; the guest and the host agent each build one. */
export interface WinswServiceSpec {
  readonly id: string;
  readonly displayName: string;
  readonly description: string;
  /** Says who wrote the file (an XML comment after `<service>`, never before it: see the header). */
  readonly writtenBy: string;
  /** Absolute path of the program (node.exe). */
  readonly executable: string;
  /** Its arguments, each its own `<argument>`; a path among them must already be checked. */
  readonly arguments: readonly string[];
  readonly workingDirectory: string;
  /** Folder of WinSW's own rolling logs (the wrapper log and the program's stdout/stderr). */
  readonly logDir: string;
  readonly failureActions?: readonly FailureAction[];
  readonly resetFailureSeconds?: number;
  readonly stopTimeoutSeconds?: number;
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it rejects
const FORBIDDEN_ARGUMENT_CHARACTER = /[\u0000-\u001f"%]/;

/** The WinSW XML of `spec`. Throws ServiceConfigError INVALID_PATH / INVALID_ARGUMENT for a value it will not write. */
export function winswXml(spec: WinswServiceSpec): string {
  const executable = checkWindowsPath('executable', spec.executable);
  const workingDirectory = checkWindowsPath('workingDirectory', spec.workingDirectory);
  const logDir = checkWindowsPath('logDir', spec.logDir);
  for (const argument of spec.arguments) {
    if (FORBIDDEN_ARGUMENT_CHARACTER.test(argument) || argument.length > MAX_PATH_CHARS) {
      throw new ServiceConfigError(
        'INVALID_ARGUMENT',
        `service argument ${describeValue(argument)} contains a quote, % or a control character WinSW cannot carry`,
      );
    }
  }
  const failureActions = (spec.failureActions ?? SERVICE_FAILURE_ACTIONS).map(
    (step) => `  <onfailure action="${escapeXml(step.action)}" delay="${step.delaySeconds} sec"/>`,
  );
  const lines = [
    '<service>',
    `  <!-- ${escapeXml(spec.writtenBy).replace(/--/g, '- -')} -->`,
    element('id', spec.id),
    element('name', spec.displayName),
    element('description', spec.description),
    element('executable', executable),
    ...spec.arguments.map((argument) => element('argument', argument)),
    element('workingdirectory', workingDirectory),
    element('startmode', 'Automatic'),
    ...failureActions,
    element('resetfailure', `${spec.resetFailureSeconds ?? RESET_FAILURE_SECONDS} sec`),
    element('stoptimeout', `${spec.stopTimeoutSeconds ?? STOP_TIMEOUT_SECONDS} sec`),
    element('logpath', logDir),
    '  <log mode="roll-by-size">',
    `    <sizeThreshold>${LOG_ROLL_SIZE_KB}</sizeThreshold>`,
    `    <keepFiles>${LOG_KEEP_FILES}</keepFiles>`,
    '  </log>',
    '</service>',
  ];
  return `${lines.join('\r\n')}\r\n`;
}

/**
 * The WinSW XML for the agent service: LocalSystem (WinSW's default account, so no
 * `<serviceaccount>`), automatic start, restart on failure, rolling logs under `logDir`, running
 * `node.exe main.js --interval-minutes N --log <logDir>\guest-agent.log`. Every value is escaped.
 * Throws `ServiceConfigError` (INVALID_PATH, INVALID_INTERVAL) for a value it will not write.
 */
export function winswServiceXml(options: ServiceConfigOptions): string {
  const mainScript = checkWindowsPath('mainScript', options.mainScript);
  const logDir = checkWindowsPath('logDir', options.logDir);
  const minutes = checkIntervalMinutes(options.intervalMinutes);
  const agentLog = checkWindowsPath('agent log', win32.join(logDir, AGENT_LOG_FILE_NAME));
  return winswXml({
    id: SERVICE_ID,
    displayName: SERVICE_DISPLAY_NAME,
    description: SERVICE_DESCRIPTION,
    writtenBy: 'Written by guest/install/install-guest-agent.ps1; run it again rather than editing.',
    executable: checkWindowsPath('nodePath', options.nodePath),
    arguments: [mainScript, '--interval-minutes', String(minutes), '--log', agentLog],
    workingDirectory: checkWindowsPath('workingDirectory', options.workingDirectory ?? logDir),
    logDir,
  });
}
