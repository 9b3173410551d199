import { LayerError } from '../../shared/errors/index.js';

/**
 * The one error type of the runtime layer (agent setup, the run loop, the lab run). The CLI classifies
 * each code in `agent/cli/error-kinds.ts` (STORE_UNAVAILABLE and DRIVER_UNAVAILABLE as their cause).
 */
export const RUNTIME_ERROR_CODES = [
  /** Options that contradict each other or do not fit the chosen driver (e.g. --dry-run with the lab). */
  'INVALID_OPTIONS',
  /** The database cannot be opened (missing directory, damaged, newer schema, another application's). */
  'STORE_UNAVAILABLE',
  /** The drivers cannot be created (unknown host, missing scripts, bad options). */
  'DRIVER_UNAVAILABLE',
  /** The database holds another lab run (other scenario, seed or sweep interval) than the one asked for. */
  'LAB_MISMATCH',
  /** A lab run could not record a sweep (locked or full database); the run stops rather than diverge. */
  'NOT_RECORDED',
] as const;
export type RuntimeErrorCode = (typeof RUNTIME_ERROR_CODES)[number];

export class RuntimeError extends LayerError<RuntimeErrorCode> {
  override readonly name = 'RuntimeError';
  readonly layer = 'runtime';
}
