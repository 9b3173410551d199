/**
 * A report as CSV, in the usage export's format and with its guard (agent/usage/usage-csv.ts csvCell:
 * a cell that would start a formula gets a leading apostrophe; RFC 4180 quoting; UTF-8 with a BOM;
 * CRLF). Columns are the report's own, in its order; booleans are written `true`/`false`.
 */
import { csvCell } from '../usage/index.js';
import type { ReportResult } from './report-types.js';

export function reportCsv(report: ReportResult, options: { readonly bom?: boolean } = {}): string {
  const lines = [
    report.columns.map((c) => csvCell(c)).join(','),
    ...report.rows.map((row) =>
      report.columns
        .map((column) => {
          const value = row[column] ?? null;
          return csvCell(typeof value === 'boolean' ? String(value) : value);
        })
        .join(','),
    ),
  ];
  return `${options.bom === false ? '' : '\uFEFF'}${lines.join('\r\n')}\r\n`;
}
