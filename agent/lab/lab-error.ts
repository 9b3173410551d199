import { LayerError } from '../../shared/errors/index.js';

/**
 * The one error type of the lab layer (scenario files, the simulation, timed events). Codes are a closed
 * set; messages are one line naming what was wrong and what was expected, e.g.
 * `vms[3].guest.edition: expected one of datacenter, standard, …`.
 */
export const LAB_ERROR_CODES = [
  /** The scenario file is not valid JSON or does not match the scenario format (architecture §5). */
  'INVALID_SCENARIO',
  /** A lab call named a VM the lab does not have. */
  'UNKNOWN_VM',
  /** A lab call named a host the lab does not have. */
  'UNKNOWN_HOST',
  /** A call that contradicts the lab's state, e.g. advancing the clock from inside a task. */
  'INVALID_OPERATION',
  /** A bad argument to a lab function (a time in the past, a fleet of zero hosts, …). */
  'INVALID_ARGUMENT',
] as const;
export type LabErrorCode = (typeof LAB_ERROR_CODES)[number];

export class LabError extends LayerError<LabErrorCode> {
  override readonly name = 'LabError';
  readonly layer = 'lab';
}
