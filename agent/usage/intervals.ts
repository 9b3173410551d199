/** Interval arithmetic of the month report: overlap with the month and peak concurrency. */

export interface Span {
  readonly fromMs: number;
  /** Inclusive end of what was seen; equal to `fromMs` for a single sighting. */
  readonly untilMs: number;
}

/**
 * Whether [fromMs, untilMs] belongs to [startMs, endMs): it starts before the end and either ends after
 * the start or starts inside (a single sighting at the first instant of the month counts).
 */
export function touches(span: Span, startMs: number, endMs: number): boolean {
  return span.fromMs < endMs && (span.untilMs > startMs || span.fromMs >= startMs);
}

/** The span cut to [startMs, endMs]; callers check `touches` first. */
export function clip(span: Span, startMs: number, endMs: number): Span {
  return { fromMs: Math.max(span.fromMs, startMs), untilMs: Math.min(span.untilMs, endMs) };
}

/** The largest number of spans covering one instant, and the first instant it was reached. */
export interface HighWaterMark {
  readonly peak: number;
  /** `null` when no span was given (peak 0). */
  readonly firstAtMs: number | null;
}

/**
 * The high-water mark of concurrency (sweep line over the span ends). A span ending at t and another
 * starting at t do not overlap: a VM whose interval was split by a field change at t is one VM, not
 * two. A single sighting counts at its instant.
 */
export function highWaterMark(spans: readonly Span[]): HighWaterMark {
  // [time, order, delta]: at equal times, ends (0) before starts (1) before single-sighting ends (2).
  const edges: [number, number, number][] = [];
  for (const span of spans) {
    edges.push([span.fromMs, 1, 1]);
    edges.push(span.untilMs > span.fromMs ? [span.untilMs, 0, -1] : [span.fromMs, 2, -1]);
  }
  edges.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let current = 0;
  let peak = 0;
  let firstAtMs: number | null = null;
  for (const [at, , delta] of edges) {
    current += delta;
    if (current > peak) {
      peak = current;
      firstAtMs = at;
    }
  }
  return { peak, firstAtMs };
}

/** The largest number of spans covering one instant (see `highWaterMark`). */
export function peakConcurrency(spans: readonly Span[]): number {
  return highWaterMark(spans).peak;
}

/** Milliseconds to hours with two decimals (36-second resolution), as the report prints them. */
export function hoursOf(ms: number): number {
  return Math.round(ms / 36_000) / 100;
}
