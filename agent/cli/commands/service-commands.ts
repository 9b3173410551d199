/**
 * `avma service install|uninstall|status`: the host agent as a Windows service (agent/service). Every
 * change runs through the PowerShell runner on this host, one step per call, arguments as base64 JSON;
 * `--dry-run` prints every step, command and file instead and changes nothing.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkWindowsPath, ServiceConfigError } from '../../../guest/install/service-config.js';
import type { PsRunner } from '../../driver/powershell/runner.js';
import { ShellRunner } from '../../driver/powershell/runner.js';
import { loadScriptCatalog } from '../../driver/powershell/script-catalog.js';
import { nodePowerShellFactory } from '../../driver/powershell/shell.js';
import { accountName, type ServiceAccount } from '../../service/host-service-config.js';
import { installService, serviceStatus, uninstallService } from '../../service/service-actions.js';
import { CliError } from '../cli-error.js';
import { type CommandContext, type CommandSpec, printJson } from '../command.js';
import { flag, optionalString } from '../options.js';
import { textTable } from './text-table.js';

/** Steps wait for the SCM (a stop up to 60 s, a deletion up to 30 s); this bounds any one of them. */
const STEP_TIMEOUT_MS = 180_000;

/** Tests replace the runner; the command opens a Windows PowerShell on this host. */
export const serviceRunnerFactory = {
  open: async (executable: string): Promise<PsRunner> =>
    new ShellRunner({
      catalog: loadScriptCatalog(),
      startShell: await nodePowerShellFactory({ executable }),
      computerName: null,
      timeoutMs: STEP_TIMEOUT_MS,
    }),
};

/** The folder holding this package (package.json "avma-agent"), from the sources or from dist/. */
function packageRoot(): string {
  let folder = dirname(fileURLToPath(import.meta.url));
  for (let depth = 0; depth < 8; depth++) {
    const manifest = join(folder, 'package.json');
    if (
      existsSync(manifest) &&
      (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'avma-agent'
    ) {
      return folder;
    }
    folder = dirname(folder);
  }
  return process.cwd();
}

function windowsPath(context: CommandContext, option: string, fallback: string | null): string | null {
  const value = optionalString(context, option)?.trim() ?? fallback;
  if (value === null) return null;
  try {
    return checkWindowsPath(`--${option}`, value);
  } catch (error) {
    if (error instanceof ServiceConfigError) throw new CliError('USAGE', error.message);
    throw error;
  }
}

function accountOption(context: CommandContext): ServiceAccount {
  const text = optionalString(context, 'account')?.trim() ?? 'virtual';
  if (text !== 'virtual' && text !== 'LocalSystem') {
    throw new CliError(
      'USAGE',
      `--account is "${text.slice(0, 40)}", expected virtual (NT SERVICE\\avma-agent) or LocalSystem`,
    );
  }
  return text;
}

async function withRunner<T>(context: CommandContext, work: (runner: PsRunner) => Promise<T>): Promise<T> {
  const runner = await serviceRunnerFactory.open(
    optionalString(context, 'powershell')?.trim() || 'powershell',
  );
  try {
    return await work(runner);
  } finally {
    await runner.close();
  }
}

const COMMON = {
  'data-folder': {
    type: 'string',
    valueName: 'DIR',
    description: 'the data folder (default %ProgramData%\\avma-agent): agent.json, avma.sqlite, logs\\',
  },
  'dry-run': { type: 'boolean', description: 'print every step, command and file; change nothing' },
  powershell: { type: 'string', valueName: 'EXE', description: 'powershell (5.1, default) or pwsh (7)' },
} as const;

export const serviceInstallCommand: CommandSpec = {
  path: ['service', 'install'],
  summary: 'Install (or re-install) the agent as the Windows service avma-agent; needs an elevated shell',
  details:
    'Automatic (delayed) start, restart on failure after 10 s, 30 s, then every 2 min, stop after the current\n' +
    'sweep. Runs as the virtual account NT SERVICE\\avma-agent, added to Hyper-V Administrators and Event Log\n' +
    'Readers (--account LocalSystem only if you must). A re-install keeps agent.json, the database and logs.',
  options: {
    ...COMMON,
    account: { type: 'string', valueName: 'ACCOUNT', description: 'virtual (default) or LocalSystem' },
    node: { type: 'string', valueName: 'PATH', description: 'node.exe the service runs (default: this one)' },
    'agent-root': {
      type: 'string',
      valueName: 'DIR',
      description: 'the built agent (default: this package)',
    },
  },
  positionals: [],
  async run(context) {
    const options = {
      account: accountOption(context),
      nodePath: windowsPath(context, 'node', process.execPath) as string,
      agentRoot: windowsPath(context, 'agent-root', packageRoot()) as string,
    };
    const dataFolder = windowsPath(context, 'data-folder', null);
    const dryRun = flag(context, 'dry-run');
    const print = (text: string) => context.io.stderr(`${text}\n`);
    const outcome = await withRunner(context, (runner) =>
      installService({ runner, dataFolder, dryRun, print }, options),
    );
    const where = outcome.facts.DataFolder;
    if (dryRun) {
      context.io.stdout(
        `avma service install --dry-run: ${outcome.steps.length} steps above; nothing was changed\n`,
      );
    } else {
      if (outcome.finalState !== 'Running') {
        context.io.stderr(
          `avma service install: the service is ${outcome.finalState ?? 'not running'} 5 s after its start; see ${where}\\logs\\avma-agent.err.log; the SCM keeps restarting it\n`,
        );
      }
      context.io.stdout(
        `installed the avma-agent service (${accountName(options.account)}, delayed automatic start, restarted after a failure); configuration, database and logs in ${where}\n`,
      );
    }
    return 0;
  },
};

export const serviceUninstallCommand: CommandSpec = {
  path: ['service', 'uninstall'],
  summary: 'Remove the avma-agent service; keeps its data folder unless --remove-data',
  options: {
    ...COMMON,
    'remove-data': {
      type: 'boolean',
      description: 'also delete the data folder (database, logs, agent.json)',
    },
  },
  positionals: [],
  async run(context) {
    const dataFolder = windowsPath(context, 'data-folder', null);
    const dryRun = flag(context, 'dry-run');
    const print = (text: string) => context.io.stderr(`${text}\n`);
    const outcome = await withRunner(context, (runner) =>
      uninstallService({ runner, dataFolder, dryRun, print }, flag(context, 'remove-data')),
    );
    const kept = flag(context, 'remove-data')
      ? 'its data folder was deleted'
      : `its data stays in ${outcome.facts.DataFolder}`;
    context.io.stdout(
      dryRun
        ? `avma service uninstall --dry-run: ${outcome.steps.length} steps above; nothing was changed\n`
        : `removed the avma-agent service; ${kept}\n`,
    );
    return 0;
  },
};

export const serviceStatusCommand: CommandSpec = {
  path: ['service', 'status'],
  summary: 'Show the avma-agent service: state, start mode, account, where its files are',
  options: {
    'data-folder': COMMON['data-folder'],
    powershell: COMMON.powershell,
    json: {
      type: 'boolean',
      description:
        'print {"installed","state","startMode","account","dataFolder","config","database","logFile","eventSource"}',
    },
  },
  positionals: [],
  async run(context) {
    const dataFolder = windowsPath(context, 'data-folder', null);
    const status = await withRunner(context, (runner) => serviceStatus(runner, dataFolder));
    if (flag(context, 'json')) printJson(context.io, status);
    else {
      const rows = Object.entries(status).map(([key, value]) => [key, value === null ? '-' : String(value)]);
      context.io.stdout(`${textTable(['', ''], rows)}\n`);
    }
    // Not installed is an answer, not a failure; a stopped service is one an operator must see.
    return status.installed && status.state !== 'Running' ? 1 : 0;
  },
};
