import { LayerError } from '../../shared/errors/index.js';

/**
 * Errors of the CLI layer itself (usage, input the command cannot take, a file it cannot read). Every one
 * is bad input: one line on stderr, exit code 2 (see `error-kinds.ts` for every layer's errors).
 */
export const CLI_ERROR_CODES = ['USAGE', 'INPUT', 'UNREADABLE_FILE'] as const;
export type CliErrorCode = (typeof CLI_ERROR_CODES)[number];

export class CliError extends LayerError<CliErrorCode> {
  override readonly name = 'CliError';
  readonly layer = 'cli';
}
