import { LayerError } from '../../shared/errors/index.js';

/**
 * The one error class of the usage layer (SPLA month reports). Codes are a closed union; messages are
 * one line naming the value that was wrong and what was expected.
 */

export const USAGE_ERROR_CODES = [
  /** The month is not `YYYY-MM` (or is out of range). */
  'INVALID_MONTH',
  /** A report option is outside what is supported. */
  'INVALID_OPTION',
  /** Closing a month that has not ended yet. */
  'MONTH_NOT_OVER',
  /** Closing a month that is already closed: a closed month is immutable. */
  'MONTH_ALREADY_CLOSED',
  /** No close is stored for the month asked for. */
  'MONTH_NOT_CLOSED',
  /** A stored close no longer matches its hash, or is not a month report. */
  'TAMPERED',
  /** The report's reseller table does not add up to its host rows: a defect, never handed out. */
  'INCONSISTENT_REPORT',
] as const;
export type UsageErrorCode = (typeof USAGE_ERROR_CODES)[number];

export class UsageError extends LayerError<UsageErrorCode> {
  override readonly name = 'UsageError';
  readonly layer = 'usage';
}
