import { LayerError } from '../../shared/errors/index.js';

/** The codes of the host agent's service installer (`avma service ...`). */
export const SERVICE_ERROR_CODES = [
  /** A value given to the installer is not usable (an account, a folder, a path with a quote). */
  'INVALID_OPTION',
  /** The installer needs an elevated (Administrator) PowerShell. */
  'NOT_ADMINISTRATOR',
  /** A file the service needs is not on this host (the built agent, node.exe, the WinSW wrapper). */
  'MISSING_FILE',
  /** A step of the install or uninstall failed on the host; the message names the step. */
  'STEP_FAILED',
  /** The host answered the probe with something the installer cannot read. */
  'BAD_PROBE',
] as const;
export type ServiceErrorCode = (typeof SERVICE_ERROR_CODES)[number];

/** The one error type of agent/service. */
export class ServiceError extends LayerError<ServiceErrorCode> {
  override readonly name = 'ServiceError';
  readonly layer = 'service';
}
