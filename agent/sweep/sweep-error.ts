import { LayerError } from '../../shared/errors/index.js';

/**
 * The one error type of the sweep layer. A host that fails never throws out of a sweep (it is marked
 * stale in the report); these are the failures that stop a whole round or refuse a setup.
 */
export const SWEEP_ERROR_CODES = [
  /** The store could not be read at the start of a round (locked past the busy timeout, damaged, closed). */
  'STORE_UNAVAILABLE',
  /** A caller passed options outside the contract (concurrency, interval, hosts). */
  'INVALID_ARGUMENT',
] as const;
export type SweepErrorCode = (typeof SWEEP_ERROR_CODES)[number];

export class SweepError extends LayerError<SweepErrorCode> {
  override readonly name = 'SweepError';
  readonly layer = 'sweep';
}
