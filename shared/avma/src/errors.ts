import { LayerError } from '../../errors/index.js';

/**
 * The one error class of the AVMA domain layer. Every failure carries a code from a closed union so callers
 * (CLI, API, agent) can branch on it, and a one-line message naming what was wrong and what was expected.
 */

export const AVMA_ERROR_CODES = [
  'INVALID_PRODUCT_KEY',
  'WRONG_AVMA_KEY',
  'NO_AVMA_KEY',
  'UNKNOWN_HRESULT',
  'INVALID_HRESULT',
  'INVALID_SLMGR_OUTPUT',
  'INVALID_ARGUMENT',
  'UNKNOWN_VERSION',
  'UNKNOWN_EDITION',
  'UNKNOWN_LICENSE_STATUS',
] as const;
export type AvmaErrorCode = (typeof AVMA_ERROR_CODES)[number];

export class AvmaError extends LayerError<AvmaErrorCode> {
  override readonly name = 'AvmaError';
  readonly layer = 'avma';
}

/** Longest excerpt of caller input echoed back in a message: enough to recognise, too short to flood logs. */
export const MAX_ECHOED_INPUT_CHARS = 40;

/**
 * Quotes untrusted input for an error message: JSON escaping keeps control characters and newlines out of
 * the one-line message, and long input is cut with an ellipsis. Never throws.
 */
export function quoteInput(input: unknown): string {
  if (input === null || input === undefined) return String(input);
  if (typeof input === 'object') return 'an object';
  if (typeof input !== 'string') return `a ${typeof input}`;
  const cut = input.length > MAX_ECHOED_INPUT_CHARS ? `${input.slice(0, MAX_ECHOED_INPUT_CHARS)}…` : input;
  return JSON.stringify(cut);
}
