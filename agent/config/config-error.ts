/**
 * The one error type of the configuration layer: a `--config` file that cannot be read, is not JSON, or
 * does not match the schema. The message is one line naming the file, the path inside it and what was
 * expected, e.g. `agent.json: interval: expected a whole number of seconds 1..86400`.
 */
export type ConfigErrorCode = 'UNREADABLE' | 'NOT_JSON' | 'INVALID';

export class ConfigError extends Error {
  override readonly name = 'ConfigError';

  constructor(
    readonly code: ConfigErrorCode,
    message: string,
  ) {
    super(message);
  }
}
