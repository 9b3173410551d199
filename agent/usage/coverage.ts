/**
 * How much of a month the agent observed each host, so a report built on partial data says so instead
 * of looking complete. A host counts as observed while the agent was recording (some VM of the fleet
 * observed, in any state) between the host's first and last sighting, except where one of its own VMs
 * has a gap on it: seen on the host, then unseen, then seen on the same host again (the host or the
 * agent did not answer in between). The store keeps no per-host sweep history, so a host that stopped
 * answering while it had no VMs is not subtracted.
 */
import type { UsageInputs, UsageInterval } from '../store/index.js';
import { clip, type Span, touches } from './intervals.js';

const HOUR_MS = 3_600_000;

/** Whole hours of [startMs, endMs): 672, 696, 720 or 744 for a calendar month in UTC. */
export function monthHoursOf(startMs: number, endMs: number): number {
  return Math.round((endMs - startMs) / HOUR_MS);
}

/** Disjoint spans covering the same instants, in time order. */
function union(spans: readonly Span[]): Span[] {
  const sorted = spans.filter((s) => s.untilMs > s.fromMs).sort((a, b) => a.fromMs - b.fromMs);
  const merged: Span[] = [];
  for (const span of sorted) {
    const last = merged.at(-1);
    if (last !== undefined && span.fromMs <= last.untilMs) {
      merged[merged.length - 1] = { fromMs: last.fromMs, untilMs: Math.max(last.untilMs, span.untilMs) };
    } else merged.push(span);
  }
  return merged;
}

/** Milliseconds in both of two disjoint, ordered span lists. */
function overlapMs(a: readonly Span[], b: readonly Span[]): number {
  let total = 0;
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const x = a[i] as Span;
    const y = b[j] as Span;
    total += Math.max(0, Math.min(x.untilMs, y.untilMs) - Math.max(x.fromMs, y.fromMs));
    if (x.untilMs < y.untilMs) i += 1;
    else j += 1;
  }
  return total;
}

/** Per host, the spans in which one of its VMs was unseen between two sightings on that host. */
function gapsByHost(intervals: readonly UsageInterval[]): Map<string, Span[]> {
  const gaps = new Map<string, Span[]>();
  // The store lists intervals by VM, then time: consecutive entries of one VM are its history.
  for (let i = 1; i < intervals.length; i++) {
    const before = intervals[i - 1] as UsageInterval;
    const after = intervals[i] as UsageInterval;
    if (before.vm !== after.vm || before.host !== after.host || after.fromMs <= before.untilMs) continue;
    gaps.set(after.host, [
      ...(gaps.get(after.host) ?? []),
      { fromMs: before.untilMs, untilMs: after.fromMs },
    ]);
  }
  return gaps;
}

/** Milliseconds of the month each host was observed (see the module comment). Never throws. */
export function observedMsByHost(inputs: UsageInputs): Map<string, number> {
  const { fromMs: startMs, toMs: endMs } = inputs;
  const inMonth = inputs.intervals.filter((interval) => touches(interval, startMs, endMs));
  const recording = union(inMonth.map((interval) => clip(interval, startMs, endMs)));
  const gaps = gapsByHost(inputs.intervals);
  const observed = new Map<string, number>();
  for (const host of inputs.hosts) {
    const from = Math.max(host.firstSeenMs, startMs);
    const until = Math.min(host.lastSeenMs, endMs);
    const seen = union(recording.map((span) => clip(span, from, until)));
    const unseen = union((gaps.get(host.name) ?? []).map((span) => clip(span, startMs, endMs)));
    const seenMs = seen.reduce((sum, span) => sum + span.untilMs - span.fromMs, 0);
    observed.set(host.name, seenMs - overlapMs(seen, unseen));
  }
  return observed;
}
