import { LayerError } from '../../shared/errors/index.js';

/**
 * The one error type of the configuration layer: a `--config` file that cannot be read, is not JSON, or
 * does not match the schema. The message is one line naming the file, the path inside it and what was
 * expected, e.g. `agent.json: interval: expected a whole number of seconds 1..86400`.
 */
export const CONFIG_ERROR_CODES = ['UNREADABLE', 'NOT_JSON', 'INVALID'] as const;
export type ConfigErrorCode = (typeof CONFIG_ERROR_CODES)[number];

export class ConfigError extends LayerError<ConfigErrorCode> {
  override readonly name = 'ConfigError';
  readonly layer = 'config';
}
