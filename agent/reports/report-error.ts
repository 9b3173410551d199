import { LayerError } from '../../shared/errors/index.js';

/**
 * The one error class of the report layer. Codes are a closed union; messages are one line naming the
 * report and the parameter that was wrong, and what was expected.
 */
export const REPORT_ERROR_CODES = [
  /** No report of that name. */
  'UNKNOWN_REPORT',
  /** A parameter is missing, unknown to the report, or not a value it takes. */
  'BAD_PARAMETER',
  /** The VM a report was asked about is not in the database. */
  'NOT_FOUND',
] as const;
export type ReportErrorCode = (typeof REPORT_ERROR_CODES)[number];

export class ReportError extends LayerError<ReportErrorCode> {
  override readonly name = 'ReportError';
  readonly layer = 'report';
}
