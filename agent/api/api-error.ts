/** The HTTP API's one error type: a closed set of codes, each with its HTTP status (http-status.ts). */
import { LayerError } from '../../shared/errors/index.js';

export const API_ERROR_CODES = [
  /** No token, or an unknown, expired or revoked one. */
  'UNAUTHORIZED',
  /** The token's role is too low for the call. */
  'FORBIDDEN',
  /** A path that names nothing the store knows. */
  'NOT_FOUND',
  /** A query, path or body value that does not validate; the message names the parameter. */
  'BAD_PARAMETER',
  /** The body is larger than the server takes. */
  'PAYLOAD_TOO_LARGE',
  /** The token sent more requests than its rate allows. */
  'RATE_LIMITED',
  /** This process cannot do that: e.g. sweep now under `avma serve`, which runs no sweep. */
  'NOT_AVAILABLE',
  /** The server could not listen where asked (address in use, no permission, no such address). */
  'LISTEN_FAILED',
] as const;
export type ApiErrorCode = (typeof API_ERROR_CODES)[number];

export class ApiError extends LayerError<ApiErrorCode> {
  readonly layer = 'api';
  override readonly name = 'ApiError';
}
