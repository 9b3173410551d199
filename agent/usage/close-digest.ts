/**
 * The hash of a month close (format 2): SHA-256 over a canonical serialisation of everything the close
 * froze plus the previous close's hash, so changing any stored field, or removing or replacing a close
 * in the middle of the chain, breaks a hash that `verifyMonths` recomputes.
 *
 * Canonical form: JSON with object keys sorted by UTF-16 code unit at every level, no whitespace,
 * strings and numbers as `JSON.stringify` writes them. The report, CSV tables and settings enter as the
 * exact strings stored, so the hash covers their bytes, not a re-serialisation of them.
 */
import { createHash } from 'node:crypto';
import type { ActorSource, MonthCloseRecord } from '../store/index.js';

/** Names the rule inside the hashed text, so a hash of another kind of record can never collide with it. */
const DIGEST_KIND = 'avma-month-close/2';

/** JSON with sorted keys and no whitespace; `undefined` members are left out as JSON.stringify does. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((item) => canonicalJson(item ?? null)).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** What a format-2 close's hash covers. */
export interface CloseDigestInput {
  readonly month: string;
  /** ISO-8601 UTC with milliseconds, as the store reads it back. */
  readonly closedAt: string;
  readonly actor: string;
  readonly actorSource: ActorSource;
  readonly forced: boolean;
  readonly settings: string;
  readonly report: string;
  readonly csv: string;
  readonly previousSha256: string | null;
}

export function closeDigest(input: CloseDigestInput): string {
  return sha256Hex(
    canonicalJson({
      kind: DIGEST_KIND,
      month: input.month,
      closedAt: input.closedAt,
      actor: input.actor,
      actorSource: input.actorSource,
      forced: input.forced,
      settings: input.settings,
      report: input.report,
      csv: input.csv,
      previousSha256: input.previousSha256,
    }),
  );
}

/**
 * The hash a stored close should have under its own rule: format 1 (closed before the chain) is the
 * SHA-256 of the report JSON alone; format 2 is `closeDigest` of its stored fields. Null when a
 * format-2 row lacks a field its rule needs (which is itself a failure).
 */
export function expectedSha256(close: MonthCloseRecord): string | null {
  if (close.format === 1) return sha256Hex(close.report);
  const { actor, actorSource, settings, csv } = close;
  if (actor === null || actorSource === null || settings === null || csv === null) return null;
  return closeDigest({ ...close, actor, actorSource, settings, csv });
}
