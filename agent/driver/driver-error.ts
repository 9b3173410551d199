import { LayerError } from '../../shared/errors/index.js';

/**
 * The one error type of the driver layer. Codes are a closed set; the CLI and the API classify them in
 * one place (`agent/cli/error-kinds.ts`). Messages name the value and what was expected.
 */
export const DRIVER_ERROR_CODES = [
  /** The driver does not implement this operation (see `capabilities`). */
  'UNSUPPORTED',
  /** The host does not answer (down, unreachable, WinRM/PowerShell session lost). */
  'HOST_UNAVAILABLE',
  /** No VM with that id on this host. */
  'NO_VM',
  /** AddKvpItems: a key already exists (WMI refuses the whole call). */
  'KEY_EXISTS',
  /** ModifyKvpItems / RemoveKvpItems: a key does not exist (WMI refuses the whole call). */
  'KEY_NOT_FOUND',
  /**
   * More than 128 items in one KVP call, an item over the wire limits, a malformed request, or a
   * driver configuration naming an unknown driver or host.
   */
  'INVALID_ARGUMENT',
  /** The operation does not fit the VM's state (e.g. Data Exchange write to a VM being deleted). */
  'OPERATION_INVALID',
  /** The host answered with something that does not match the expected schema. */
  'BAD_RESPONSE',
  /** The call did not finish in time. */
  'TIMEOUT',
  /** The host reported a failure (WMI return code / job error) not covered above. */
  'FAILED',
] as const;
export type DriverErrorCode = (typeof DRIVER_ERROR_CODES)[number];

export class DriverError extends LayerError<DriverErrorCode> {
  override readonly name = 'DriverError';
  readonly layer = 'driver';
}

export function unsupported(driver: string, operation: string): DriverError {
  return new DriverError('UNSUPPORTED', `the ${driver} driver does not support ${operation}`);
}
