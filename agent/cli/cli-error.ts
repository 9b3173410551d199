/**
 * Errors of the CLI layer. Every one becomes a single line on stderr and exit code 2; library errors
 * (`KvpError`, `AvmaError`) are reported the same way by `run-cli.ts`.
 */
export type CliErrorCode = 'USAGE' | 'INPUT' | 'UNREADABLE_FILE';

export class CliError extends Error {
  override readonly name = 'CliError';

  constructor(
    readonly code: CliErrorCode,
    message: string,
  ) {
    super(message);
  }
}
