import type { CommandSpec } from './command.js';
import { eligibilityCommand } from './commands/eligibility-command.js';
import { keyAvmaCommand, keyCheckCommand } from './commands/key-commands.js';
import { kvpDecodeCommand, kvpEncodeCommand, kvpIdentifyCommand } from './commands/kvp-commands.js';
import {
  errorCommand,
  slmgrParseCommand,
  splaCommand,
  unattendCommand,
} from './commands/licensing-commands.js';

/** Every `avma` command, in the order `avma --help` lists them. */
export const COMMANDS: readonly CommandSpec[] = [
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
