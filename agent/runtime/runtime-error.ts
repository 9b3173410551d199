/**
 * The one error type of the runtime layer (agent setup, the run loop, the lab run). The CLI reports
 * each as one line, exit 2.
 */
export type RuntimeErrorCode =
  /** Options that contradict each other or do not fit the chosen driver (e.g. --dry-run with the lab). */
  | 'INVALID_OPTIONS'
  /** The database cannot be opened (missing directory, damaged, newer schema, another application's). */
  | 'STORE_UNAVAILABLE'
  /** The drivers cannot be created (unknown host, missing scripts, bad options). */
  | 'DRIVER_UNAVAILABLE'
  /** The database holds another lab run (other scenario, seed or sweep interval) than the one asked for. */
  | 'LAB_MISMATCH'
  /** A lab run could not record a sweep (locked or full database); the run stops rather than diverge. */
  | 'NOT_RECORDED';

export class RuntimeError extends Error {
  override readonly name = 'RuntimeError';

  constructor(
    readonly code: RuntimeErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
