/**
 * The report registry: every named report, how its parameters are parsed (the same for the API's query
 * string and the CLI's options), and running one. A bad parameter is a ReportError BAD_PARAMETER whose
 * one-line message names the report and the parameter (API 400 problem+json, CLI exit 2).
 */
import { DEFAULT_HOST_EVIDENCE_WINDOW_MS } from '../decide/licence-evidence.js';
import type { Store } from '../store/index.js';
import { activationTimelineReport } from './activation-timeline-report.js';
import { expiringReport, expiringVmsReport } from './expiry-reports.js';
import { kmsHostsReport } from './kms-hosts-report.js';
import { placementRiskReport } from './placement-risk-report.js';
import { ReportError } from './report-error.js';
import type { ReportDefinition, ReportResult } from './report-types.js';
import {
  licenceStatesReport,
  licenceStatusVmsReport,
  productsReport,
  productVmsReport,
} from './status-reports.js';
import { vmReport } from './vm-report.js';

/** Every report, in the order help lists them (SCCM numbering first, then our own). */
export const REPORTS: readonly ReportDefinition[] = Object.freeze([
  expiringReport,
  expiringVmsReport,
  vmReport,
  licenceStatesReport,
  licenceStatusVmsReport,
  productsReport,
  productVmsReport,
  kmsHostsReport,
  placementRiskReport,
  activationTimelineReport,
]);

export const REPORT_NAMES: readonly string[] = Object.freeze(REPORTS.map((r) => r.name));

/** Every parameter name any report takes, with one description (for the CLI's option table). */
export function allReportParams(): ReadonlyMap<string, { valueName: string; description: string }> {
  const params = new Map<string, { valueName: string; description: string }>();
  for (const report of REPORTS) {
    for (const [name, param] of Object.entries(report.params)) {
      if (!params.has(name)) params.set(name, { valueName: param.valueName, description: param.description });
    }
  }
  return params;
}

export function findReport(name: string): ReportDefinition {
  const report = REPORTS.find((r) => r.name === name);
  if (report === undefined) {
    throw new ReportError(
      'UNKNOWN_REPORT',
      `no report ${JSON.stringify(name.slice(0, 64))}; expected one of ${REPORT_NAMES.join(', ')}`,
    );
  }
  return report;
}

/** The parameters parsed by the report's schemas; BAD_PARAMETER naming the first one that is wrong. */
export function parseReportParams(
  report: ReportDefinition,
  raw: Readonly<Record<string, string>>,
): Record<string, unknown> {
  const parsed: Record<string, unknown> = {};
  const takes = Object.keys(report.params);
  for (const name of Object.keys(raw)) {
    if (!Object.hasOwn(report.params, name)) {
      const list = takes.length === 0 ? 'no parameters' : `only ${takes.join(', ')}`;
      throw new ReportError('BAD_PARAMETER', `${name}: report ${report.name} takes ${list}`);
    }
  }
  for (const [name, param] of Object.entries(report.params)) {
    const text = raw[name];
    if (text === undefined) {
      if (param.required === true) {
        throw new ReportError(
          'BAD_PARAMETER',
          `${name}: report ${report.name} needs ${name} (${param.description})`,
        );
      }
      continue;
    }
    const result = param.schema.safeParse(text);
    if (!result.success) {
      const message = result.error.issues[0]?.message ?? 'invalid';
      throw new ReportError('BAD_PARAMETER', `${name}: ${message} (report ${report.name})`);
    }
    parsed[name] = result.data;
  }
  return parsed;
}

export interface RunReportOptions {
  readonly now?: Date;
  /** The AVMA activation validity (default 7 days, UNCONFIRMED; config `evidence.hostWindowHours`). */
  readonly avmaValidityMs?: number;
}

/** Runs the report `name` with its parameters as text. Throws ReportError for a bad name or parameter. */
export async function runReport(
  store: Store,
  name: string,
  raw: Readonly<Record<string, string>>,
  options: RunReportOptions = {},
): Promise<ReportResult> {
  const report = findReport(name);
  const params = parseReportParams(report, raw);
  const now = options.now ?? new Date();
  const context = {
    store,
    now,
    avmaValidityMs: options.avmaValidityMs ?? DEFAULT_HOST_EVIDENCE_WINDOW_MS,
  };
  const rows = await report.rows(context, params as never);
  return Object.freeze({
    name: report.name,
    title: report.title,
    generatedAt: now.toISOString(),
    params: Object.freeze({ ...raw }),
    columns: report.columns,
    rows,
  });
}

/** Every report with its parameters and sources, for `avma report --help`. */
export function reportCatalogue(): string {
  return REPORTS.map((report) => {
    const params = Object.entries(report.params).map(([name, p]) => {
      const flag = `--${name} ${p.valueName}`;
      return p.required === true ? flag : `[${flag}]`;
    });
    const sccm = report.sccm === null ? '' : ` (SCCM ${report.sccm})`;
    return [
      `  ${report.name}${sccm} ${params.join(' ')}`.trimEnd(),
      `      ${report.title}`,
      `      from: ${report.source}`,
    ].join('\n');
  }).join('\n');
}
