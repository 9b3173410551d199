/** SPLA month reports over the store: build, export as CSV, close (frozen and hashed), compare. */
export { buildUsageMonth, usageMonthFromInputs } from './build-usage-month.js';
export { canonicalJson, closeDigest, expectedSha256 } from './close-digest.js';
export {
  type ClosedMonth,
  type CloseMonthOptions,
  type CloseSettings,
  closeMonth,
  readClosedMonth,
  reportCsvTables,
} from './close-month.js';
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
  type DriftLine,
  MAX_DRIFT_LINES,
  type MonthDrift,
  monthDrift,
  reportDifferences,
} from './month-drift.js';
export { type MonthSource, type MonthsDiff, monthsDiff, monthTotals } from './months-diff.js';
export { configurationLicences, licenceSets, PRODUCT_OF_EDITION } from './spla-rules.js';
export { DEFAULT_SPLA_SETTINGS, resolveSplaSettings, SPLA_SETTINGS_SCHEMA } from './spla-settings.js';
export {
  csvCell,
  USAGE_CSV_TABLES,
  type UsageCsvOptions,
  type UsageCsvTable,
  usageCsv,
} from './usage-csv.js';
export { USAGE_MONTH_SCHEMA } from './usage-schema.js';
export type * from './usage-types.js';
export {
  type CloseVerification,
  type MonthsVerification,
  type VerifyOptions,
  verifyMonths,
} from './verify-months.js';
