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
  // Three sorted number arrays instead of one array of edge tuples: a month of a large host has tens
  // of thousands of spans, and sorting numbers allocates nothing per span.
  const starts = Float64Array.from(spans, (span) => span.fromMs).sort();
  const ends = Float64Array.from(
    spans.filter((span) => span.untilMs > span.fromMs),
    (span) => span.untilMs,
  ).sort();
  const sightings = Float64Array.from(
    spans.filter((span) => span.untilMs <= span.fromMs),
    (span) => span.fromMs,
  ).sort();
  let current = 0;
  let peak = 0;
  let firstAtMs: number | null = null;
  let e = 0;
  let s = 0;
  for (const at of starts) {
    // At one instant: span ends first, then starts, then single sightings end.
    for (; e < ends.length && (ends[e] as number) <= at; e++) current -= 1;
    for (; s < sightings.length && (sightings[s] as number) < at; s++) current -= 1;
    current += 1;
    if (current > peak) {
      peak = current;
      firstAtMs = at;
    }
  }
  return { peak, firstAtMs };
}

/** One change of concurrency: at `atMs`, `delta` (a weight) starts (+) or stops (-) counting. */
export type ConcurrencyEdge = readonly [atMs: number, order: number, delta: number];

/**
 * The spans' edges in time order. At equal times ends (0) come before starts (1), which come before
 * the ends of single sightings (2): a span ending at t and another starting at t do not overlap, and a
 * single sighting counts at its instant.
 */
export function concurrencyEdges<T extends Span>(
  spans: readonly T[],
  weight: (span: T) => number = () => 1,
): ConcurrencyEdge[] {
  const edges: [number, number, number][] = [];
  for (const span of spans) {
    const w = weight(span);
    edges.push([span.fromMs, 1, w]);
    edges.push(span.untilMs > span.fromMs ? [span.untilMs, 0, -w] : [span.fromMs, 2, -w]);
  }
  return edges.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
}

/**
 * The largest number of spans covering one instant (see `highWaterMark`), or with `weight` the largest
 * sum of their weights (vCPUs running at once), with the same rule at equal instants.
 */
export function peakConcurrency<T extends Span>(spans: readonly T[], weight?: (span: T) => number): number {
  if (weight === undefined) return highWaterMark(spans).peak;
  let current = 0;
  let peak = 0;
  for (const [, , delta] of concurrencyEdges(spans, weight)) {
    current += delta;
    if (current > peak) peak = current;
  }
  return peak;
}

/** Milliseconds to hours with two decimals (36-second resolution), as the report prints them. */
export function hoursOf(ms: number): number {
  return Math.round(ms / 36_000) / 100;
}
