/**
 * The one error type of the sweep layer. A host that fails never throws out of a sweep (it is marked
 * stale in the report); these are the failures that stop a whole round or refuse a setup.
 */
export type SweepErrorCode =
  /** The store could not be read at the start of a round (locked past the busy timeout, damaged, closed). */
  | 'STORE_UNAVAILABLE'
  /** A caller passed options outside the contract (concurrency, interval, hosts). */
  | 'INVALID_ARGUMENT';

export class SweepError extends Error {
  override readonly name = 'SweepError';

  constructor(
    readonly code: SweepErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
