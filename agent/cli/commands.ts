import type { CommandSpec } from './command.js';
import { dbBackupCommand, dbCheckCommand } from './commands/db-commands.js';
import { dbCopyCommand, dbMigrateCommand } from './commands/db-copy-commands.js';
import { dbPruneCommand } from './commands/db-prune-command.js';
import { eligibilityCommand } from './commands/eligibility-command.js';
import { keyAvmaCommand, keyCheckCommand } from './commands/key-commands.js';
import { kvpDecodeCommand, kvpEncodeCommand, kvpIdentifyCommand } from './commands/kvp-commands.js';
import { labRunCommand } from './commands/lab-command.js';
import { labServeCommand } from './commands/lab-serve-command.js';
import {
  errorCommand,
  slmgrParseCommand,
  splaCommand,
  unattendCommand,
} from './commands/licensing-commands.js';
import {
  monthCloseCommand,
  monthDiffCommand,
  monthListCommand,
  monthVerifyCommand,
} from './commands/month-commands.js';
import { powershellScriptCommand } from './commands/powershell-command.js';
import { reportCommand } from './commands/report-command.js';
import { runCommand, sweepCommand } from './commands/run-commands.js';
import { serveCommand } from './commands/serve-command.js';
import {
  serviceInstallCommand,
  serviceStatusCommand,
  serviceUninstallCommand,
} from './commands/service-commands.js';
import { eventsCommand, exportUsageCommand, statusCommand } from './commands/store-commands.js';
import { tokenCreateCommand, tokenListCommand, tokenRevokeCommand } from './commands/token-commands.js';
import { vmAllowAvmaCommand, vmOptInCommand, vmOptOutCommand } from './commands/vm-commands.js';

/** Every `avma` command, in the order `avma --help` lists them (architecture §10). */
export const COMMANDS: readonly CommandSpec[] = [
  runCommand,
  sweepCommand,
  labRunCommand,
  labServeCommand,
  serveCommand,
  statusCommand,
  eventsCommand,
  exportUsageCommand,
  reportCommand,
  monthCloseCommand,
  monthListCommand,
  monthDiffCommand,
  monthVerifyCommand,
  dbPruneCommand,
  dbBackupCommand,
  dbCheckCommand,
  dbMigrateCommand,
  dbCopyCommand,
  serviceInstallCommand,
  serviceUninstallCommand,
  serviceStatusCommand,
  vmOptOutCommand,
  vmOptInCommand,
  vmAllowAvmaCommand,
  tokenCreateCommand,
  tokenListCommand,
  tokenRevokeCommand,
  powershellScriptCommand,
  kvpDecodeCommand,
  kvpIdentifyCommand,
  kvpEncodeCommand,
  keyCheckCommand,
  keyAvmaCommand,
  eligibilityCommand,
  splaCommand,
  slmgrParseCommand,
  errorCommand,
  unattendCommand,
];
