/**
 * Collectors in node_exporter's shape: each one gathers one concern of a host's sweep, is timed, and
 * fails alone — its failure is recorded (`success: false` with the error) and the rest of the sweep goes
 * on with what the others gathered.
 */

export const COLLECTOR_NAMES = ['host-facts', 'vm-inventory', 'host-events', 'guest-reports'] as const;
export type CollectorName = (typeof COLLECTOR_NAMES)[number];

export interface CollectorOutcome {
  readonly name: CollectorName;
  /** Wall-clock time the collector took, in milliseconds. */
  readonly durationMs: number;
  readonly success: boolean;
  /** One line naming what failed, or `null`. */
  readonly error: string | null;
}

export interface Collected<T> {
  /** `null` when the collector failed. */
  readonly value: T | null;
  readonly outcome: CollectorOutcome;
}

/** One line for any thrown value: `CODE: message` for errors that carry a code. Never throws. */
export function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error).slice(0, 300);
  const code = (error as { code?: unknown }).code;
  const text = typeof code === 'string' ? `${code}: ${error.message}` : error.message;
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > 300 ? `${line.slice(0, 300)}…` : line;
}

/**
 * Runs one collector and times it. Resolves with its value, or with `value: null` and the error in the
 * outcome when it throws or rejects; never rejects itself.
 */
export async function runCollector<T>(
  name: CollectorName,
  collect: () => T | Promise<T>,
): Promise<Collected<T>> {
  const start = performance.now();
  try {
    const value = await collect();
    return {
      value,
      outcome: Object.freeze({ name, durationMs: performance.now() - start, success: true, error: null }),
    };
  } catch (error) {
    const outcome = {
      name,
      durationMs: performance.now() - start,
      success: false,
      error: describeError(error),
    };
    return { value: null, outcome: Object.freeze(outcome) };
  }
}
