/**
 * A report of the licence report family as data: its name, the SCCM Asset Intelligence report it
 * follows (seeds 001/004), a title, its parameters (zod schemas over the text a query string or a CLI
 * option carries) and a function from the store to rows. The API route and the CLI both run reports
 * through the registry (registry.ts), so both take the same parameters and print the same rows.
 */
import type { z } from 'zod';
import type { Store } from '../store/index.js';

/** One cell of a row: flat, so JSON and CSV carry the same table. */
export type ReportCell = string | number | boolean | null;
export type ReportRow = Readonly<Record<string, ReportCell>>;

export interface ReportParam<T = unknown> {
  /** Parses the parameter's text; a failure's message says what was expected. */
  readonly schema: z.ZodType<T, string>;
  /** Shown in help as `--name VALUE` / `?name=VALUE`. */
  readonly valueName: string;
  readonly description: string;
  readonly required?: boolean;
}

export type ReportParams = Readonly<Record<string, ReportParam>>;

/** The parsed parameters: required ones always present, optional ones possibly undefined. */
export type ParsedParams<P extends ReportParams> = {
  readonly [K in keyof P]: P[K] extends ReportParam<infer T>
    ? P[K]['required'] extends true
      ? T
      : T | undefined
    : never;
};

export interface ReportContext {
  readonly store: Store;
  /** When the report is made (reports about "now" also take an `at` parameter). */
  readonly now: Date;
  /**
   * How long one host-granted AVMA activation stays valid: 7 days, quoted widely but UNCONFIRMED
   * (config `evidence.hostWindowHours`, the same window that corroborates a guest's AVMA claim).
   */
  readonly avmaValidityMs: number;
}

export interface ReportDefinition<P extends ReportParams = ReportParams> {
  readonly name: string;
  /** The ConfigMgr Asset Intelligence licence report it follows (`03A`), or null for our own. */
  readonly sccm: string | null;
  readonly title: string;
  /** Where the figures come from, for help and README. */
  readonly source: string;
  readonly params: P;
  /** The columns of every row, in CSV order. */
  readonly columns: readonly string[];
  rows(context: ReportContext, params: ParsedParams<P>): Promise<readonly ReportRow[]>;
}

/** Types a report's `rows` from its parameters; the registry parses them with the same schemas. */
export function defineReport<P extends ReportParams>(definition: ReportDefinition<P>): ReportDefinition {
  return definition as unknown as ReportDefinition;
}

/** A report as made: what the API answers and the CLI prints as JSON. */
export interface ReportResult {
  readonly name: string;
  readonly title: string;
  readonly generatedAt: string;
  /** The parameters as given (text). */
  readonly params: Readonly<Record<string, string>>;
  readonly columns: readonly string[];
  readonly rows: readonly ReportRow[];
}
