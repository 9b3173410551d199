/** SPLA month reports over the store: build, export as CSV, close (frozen and hashed), compare. */
export { buildUsageMonth, usageMonthFromInputs } from './build-usage-month.js';
export { type ClosedMonth, type CloseMonthOptions, closeMonth, readClosedMonth } from './close-month.js';
export { type ConcurrencySeries, concurrencySeries } from './concurrency-series.js';
export {
  type ChangeKind,
  type Delta,
  diffMonths,
  type HostChange,
  type MonthDiff,
  type TenantChange,
} from './diff-months.js';
export { USAGE_ERROR_CODES, UsageError, type UsageErrorCode } from './errors.js';
export { type MonthRange, parseMonth, previousMonth } from './month.js';
export {
  csvCell,
  USAGE_CSV_TABLES,
  type UsageCsvOptions,
  type UsageCsvTable,
  usageCsv,
} from './usage-csv.js';
export { USAGE_MONTH_SCHEMA } from './usage-schema.js';
export type * from './usage-types.js';
