import type { CliIo } from './command.js';
import { COMMANDS } from './commands.js';
import { dispatch } from './run-cli.js';

/** Entry point of the `avma` bin: runs the command line and resolves to the exit code. */
export function runCli(argv: readonly string[], io?: CliIo): Promise<number> {
  return dispatch(argv, COMMANDS, io);
}
