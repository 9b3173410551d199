/**
 * A host's configurations in the month, as Microsoft's SILA reports them: one per distinct set of facts
 * (edition, version, processors) in force, with its hours, its Windows Server high-water mark and the
 * licences it requires. The facts last read stay in force until the next reading; the month's first
 * reading also stands for the hours before it (the facts in force at the month's start when the host
 * was read before). A host whose facts were never read has one configuration of unknown edition: no
 * licences are guessed for it.
 */
import type { HostFactsInterval, UsageHost } from '../store/index.js';
import { clip, highWaterMark, hoursOf, type Span, touches } from './intervals.js';
import { isWindowsServer, type MonthRuns, onTenantLicence, type Run } from './month-runs.js';
import { configurationLicences, highestPerProduct } from './spla-rules.js';
import type { SplaSettings, UsageHostConfiguration } from './usage-types.js';

interface Segment extends Span {
  readonly facts: HostFactsInterval | null;
}

/** The month cut into spans by the facts in force (a single span of unknown facts if never read). */
function segmentsOf(facts: readonly HostFactsInterval[], startMs: number, endMs: number): Segment[] {
  if (facts.length === 0) return [{ fromMs: startMs, untilMs: endMs, facts: null }];
  const sorted = [...facts].sort((a, b) => a.fromMs - b.fromMs);
  return sorted
    .map((fact, i) => ({
      fromMs: i === 0 ? startMs : Math.max(startMs, fact.fromMs),
      untilMs: Math.min(endMs, sorted[i + 1]?.fromMs ?? endMs),
      facts: fact,
    }))
    .filter((segment) => segment.untilMs > segment.fromMs);
}

/** Facts that make a configuration: what licensing depends on, plus the version people check. */
function configurationKey(facts: HostFactsInterval | null): string {
  return facts === null
    ? 'unknown'
    : JSON.stringify([facts.edition, facts.version, facts.sockets, facts.coresPerSocket]);
}

/** The runs that touch any of `spans` (unclipped: for who ran and on which licence). */
function runsTouching(runs: readonly Run[], spans: readonly Span[]): Run[] {
  return runs.filter((run) => spans.some((span) => touches(run, span.fromMs, span.untilMs)));
}

/** The parts of `runs` inside `spans`, for concurrency within the configuration. */
function clippedTo(runs: readonly Run[], spans: readonly Span[]): Span[] {
  return spans.flatMap((span) =>
    runs
      .filter((run) => touches(run, span.fromMs, span.untilMs))
      .map((run) => clip(run, span.fromMs, span.untilMs)),
  );
}

/** Milliseconds of `spans` within [fromMs, untilMs]: the hours the host existed in the month. */
function presentMs(spans: readonly Span[], fromMs: number, untilMs: number): number {
  return spans.reduce(
    (sum, span) => sum + Math.max(0, Math.min(span.untilMs, untilMs) - Math.max(span.fromMs, fromMs)),
    0,
  );
}

type Unpriced = Omit<UsageHostConfiguration, 'quantity' | 'superseded'>;

function configuration(
  segments: readonly Segment[],
  runs: readonly Run[],
  presence: Span,
  month: MonthRuns,
  settings: SplaSettings,
): Unpriced {
  const facts = segments[0]?.facts ?? null;
  const within = runsTouching(runs, segments);
  const windowsServer = within.filter((run) => isWindowsServer(month.vms.get(run.vm)));
  const counted =
    facts?.edition === 'standard' && settings.excludeTenantLicensedFromStandard
      ? windowsServer.filter((run) => !onTenantLicence(run))
      : windowsServer;
  const mark = highWaterMark(clippedTo(counted, segments));
  const edition = facts?.edition ?? null;
  const licences =
    facts === null || edition === null
      ? null
      : configurationLicences({ edition, coresPerSocket: facts.coresPerSocket }, mark.peak, settings);
  return {
    edition,
    version: facts?.version ?? null,
    sockets: facts?.sockets ?? null,
    physicalCores: facts === null ? null : facts.coresPerSocket.reduce((sum, cores) => sum + cores, 0),
    hours: hoursOf(presentMs(segments, presence.fromMs, presence.untilMs)),
    coreLicensesPerSet: licences?.coreLicensesPerSet ?? null,
    sets: licences?.sets ?? null,
    coreLicenses: licences?.coreLicenses ?? null,
    twoCorePacks: licences?.twoCorePacks ?? null,
    highWaterMark: mark.peak,
    highWaterMarkAt: mark.firstAtMs === null ? null : new Date(mark.firstAtMs).toISOString(),
    distinctVms: new Set(within.map((run) => run.vm)).size,
    windowsServerVms: new Set(windowsServer.map((run) => run.vm)).size,
    product: licences?.product ?? null,
  };
}

/**
 * The host's configurations in the month, in order of first appearance, each with the quantity it
 * contributes to the reseller table (spla-rules `highestPerProduct`).
 */
export function hostConfigurations(
  host: UsageHost | undefined,
  runs: readonly Run[],
  month: MonthRuns,
  settings: SplaSettings,
): UsageHostConfiguration[] {
  const { startMs, endMs } = month;
  const byKey = new Map<string, Segment[]>();
  for (const segment of segmentsOf(host?.facts ?? [], startMs, endMs)) {
    const key = configurationKey(segment.facts);
    byKey.set(key, [...(byKey.get(key) ?? []), segment]);
  }
  // Hours count while the host was known to the agent (a host added mid-month has fewer).
  const presence = {
    fromMs: Math.max(startMs, host?.firstSeenMs ?? startMs),
    untilMs: Math.min(endMs, host?.lastSeenMs ?? endMs),
  };
  const rows = [...byKey.values()].map((segments) =>
    configuration(segments, runs, presence, month, settings),
  );
  const priced = highestPerProduct(rows);
  return rows.map((row, i) => Object.freeze({ ...row, ...(priced[i] as (typeof priced)[number]) }));
}
