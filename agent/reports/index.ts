/** The licence report family: named reports over the store, for the API and the CLI. */

export {
  allReportParams,
  findReport,
  parseReportParams,
  REPORT_NAMES,
  REPORTS,
  type RunReportOptions,
  reportCatalogue,
  runReport,
} from './registry.js';
export { reportCsv } from './report-csv.js';
export { REPORT_ERROR_CODES, ReportError, type ReportErrorCode } from './report-error.js';
export type { ReportCell, ReportDefinition, ReportResult, ReportRow } from './report-types.js';
