import type { CommandSpec } from './command.js';
import { eligibilityCommand } from './commands/eligibility-command.js';
import { keyAvmaCommand, keyCheckCommand } from './commands/key-commands.js';
import { kvpDecodeCommand, kvpEncodeCommand, kvpIdentifyCommand } from './commands/kvp-commands.js';
import { labRunCommand } from './commands/lab-command.js';
import {
  errorCommand,
  slmgrParseCommand,
  splaCommand,
  unattendCommand,
} from './commands/licensing-commands.js';
import { powershellScriptCommand } from './commands/powershell-command.js';
import { eventsCommand, exportUsageCommand, statusCommand } from './commands/store-commands.js';

/** Every `avma` command, in the order `avma --help` lists them (architecture §10). */
export const COMMANDS: readonly CommandSpec[] = [
  labRunCommand,
  statusCommand,
  eventsCommand,
  exportUsageCommand,
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
