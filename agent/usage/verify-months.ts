/**
 * `avma month verify`: recomputes every stored close's hash by its own format's rule and walks the
 * chain in closing order, then lists each month's drift. Closes made before the chain (format 1: the
 * SHA-256 of the report alone) are checked by that rule; they must all come before the first chained
 * close, whose previous hash names the last of them. What the chain proves: no stored close was
 * changed, removed or replaced after a later close was made. A rewrite of the whole chain from some
 * point on, or removal of the newest close, is only visible against a head hash kept elsewhere (give it
 * as `expectHead`).
 */
import type { MonthCloseRecord, Store } from '../store/index.js';
import { expectedSha256 } from './close-digest.js';
import { parseJson } from './close-month.js';
import { type MonthDrift, monthDrift } from './month-drift.js';
import { USAGE_MONTH_SCHEMA } from './usage-schema.js';

export interface CloseVerification {
  readonly month: string;
  readonly sequence: number;
  readonly format: 1 | 2;
  readonly closedAt: string;
  readonly sha256: string;
  /** Empty when the close checks out; otherwise one line per failure. */
  readonly problems: readonly string[];
  /** Null when drift was not asked for or the close failed (a failed close is not compared). */
  readonly drift: MonthDrift | null;
}

export interface MonthsVerification {
  /** True when every hash and every link of the chain checks out (drift does not count). */
  readonly ok: boolean;
  readonly closes: readonly CloseVerification[];
  /** The hash of the newest close: keep it outside the database to detect a rewritten chain. */
  readonly head: string | null;
  /** Problems with the chain as a whole (the head differs from `expectHead`). */
  readonly problems: readonly string[];
}

export interface VerifyOptions {
  /** Rebuild each month and list drift (default true). */
  readonly drift?: boolean;
  /** The head hash recorded elsewhere; a different head is a failure. */
  readonly expectHead?: string;
}

function short(sha: string | null): string {
  return sha === null ? 'none' : sha.slice(0, 12);
}

/** Hash, chain and content checks of one close given the one stored before it. */
function closeProblems(close: MonthCloseRecord, before: MonthCloseRecord | undefined, chained: boolean) {
  const problems: string[] = [];
  const expected = expectedSha256(close);
  if (expected === null) problems.push('a chained close lacks fields its hash covers');
  else if (expected !== close.sha256) {
    problems.push(
      `stored sha256 ${short(close.sha256)} does not match its content (recomputed ${short(expected)})`,
    );
  }
  if (close.format === 1 && chained) {
    problems.push('a close without a chain hash stored after the chain started');
  }
  if (close.format === 2 && close.previousSha256 !== (before?.sha256 ?? null)) {
    const was = before === undefined ? 'no close' : `the close of ${before.month} (${short(before.sha256)})`;
    problems.push(
      `chain broken: previous hash ${short(close.previousSha256)}, but the close before it is ${was}`,
    );
  }
  const report = USAGE_MONTH_SCHEMA.safeParse(parseJson(close.report));
  if (!report.success || report.data.month !== close.month) {
    problems.push(`the stored report is not the month report of ${close.month}`);
  }
  return problems;
}

/** Verifies every close and the chain. Rejects with StoreError when the store cannot be read. */
export async function verifyMonths(store: Store, options: VerifyOptions = {}): Promise<MonthsVerification> {
  const months = await store.listClosedMonths();
  const prune = options.drift === false ? null : await store.lastRawPrune();
  const checked: CloseVerification[] = [];
  let chained = false;
  // One close in memory at a time (and the one before it): 36 months of a fleet are hundreds of MB.
  let before: MonthCloseRecord | undefined;
  for (const month of months) {
    const close = await store.getMonthClose(month);
    if (close === null) continue;
    const problems = closeProblems(close, before, chained);
    before = close;
    chained ||= close.format === 2;
    const drift =
      options.drift === false || problems.length > 0 ? null : await monthDrift(store, close, prune);
    const { sequence, format, closedAt, sha256 } = close;
    checked.push(Object.freeze({ month, sequence, format, closedAt, sha256, problems, drift }));
  }
  const head = before?.sha256 ?? null;
  const problems =
    options.expectHead === undefined || options.expectHead === head
      ? []
      : [
          `the newest close is ${short(head)}, expected head ${short(options.expectHead)}: closes were removed or rewritten`,
        ];
  const ok = problems.length === 0 && checked.every((c) => c.problems.length === 0);
  return Object.freeze({ ok, closes: checked, head, problems });
}
