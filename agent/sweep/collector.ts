/**
 * Collectors in node_exporter's shape: each one gathers one concern of a host's sweep through the same
 * signature (`collect(input)`), is registered once in `COLLECTORS` with its name and whether it can be
 * turned off, is timed, and fails alone — its failure is recorded (`success: false` with the error) and
 * the rest of the sweep goes on with what the others gathered. Every outcome, including a collector
 * turned off by configuration, lands in the round's report, the one place metrics read them from.
 */
import type { HypervDriver } from '../driver/hyperv-driver.js';
import type { Inventory } from './collectors/vm-inventory.js';
import type { SweepCache } from './sweep-cache.js';

export const COLLECTOR_NAMES = ['host-facts', 'vm-inventory', 'host-events', 'guest-reports'] as const;
export type CollectorName = (typeof COLLECTOR_NAMES)[number];

/** What every collector is given: the host's driver, the process's cache and what ran before it. */
export interface CollectorInput {
  readonly driver: HypervDriver;
  readonly cache: SweepCache;
  /** The host's Application-log bookmark (record id) for 12310. */
  readonly bookmark: number;
  /** The inventory collected earlier in this sweep (`null` before it ran, or when it failed). */
  readonly inventory: Inventory | null;
}

export interface Collector<T> {
  readonly name: CollectorName;
  /** One line for `--help`, docs and metrics descriptions. */
  readonly help: string;
  /** A required collector runs whatever the configuration says: the sweep cannot do without it. */
  readonly required: boolean;
  collect(input: CollectorInput): Promise<T>;
}

export interface CollectorOutcome {
  readonly name: CollectorName;
  /** `false` when configuration turned the collector off: it did not run. */
  readonly enabled: boolean;
  /** Wall-clock time the collector took, in milliseconds. */
  readonly durationMs: number;
  readonly success: boolean;
  /** One line naming what failed, or `null`. */
  readonly error: string | null;
}

export interface Collected<T> {
  /** `null` when the collector failed or is turned off. */
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
 * Milliseconds since `start`, to the microsecond: enough for any sweep, and JSON shows `31.366`, not the
 * `31.36557799999997` a subtraction of two floats gives.
 */
export function elapsedMs(start: number): number {
  return Math.round((performance.now() - start) * 1000) / 1000;
}

function outcome(name: CollectorName, enabled: boolean, start: number, error: string | null) {
  const durationMs = enabled ? elapsedMs(start) : 0;
  return Object.freeze({ name, enabled, durationMs, success: error === null, error });
}

/**
 * Runs one collector and times it, unless it is optional and in `disabled`. Resolves with its value, or
 * with `value: null` and the error in the outcome when it throws or rejects; never rejects itself.
 */
export async function runCollector<T>(
  collector: Collector<T>,
  input: CollectorInput,
  disabled: ReadonlySet<CollectorName> = new Set(),
): Promise<Collected<T>> {
  const start = performance.now();
  if (!collector.required && disabled.has(collector.name)) {
    return { value: null, outcome: outcome(collector.name, false, start, null) };
  }
  try {
    const value = await collector.collect(input);
    return { value, outcome: outcome(collector.name, true, start, null) };
  } catch (error) {
    return { value: null, outcome: outcome(collector.name, true, start, describeError(error)) };
  }
}
