/**
 * The metrics a sweep round reports about itself, taken from the round's own report (node_exporter's
 * pattern: each collector's success and duration as it ran, never a second pass): per host and
 * collector, success and duration; per host, when it was last recorded and the key pushes and KVP wipes
 * counted since the process started.
 */
import { Counter, Gauge, type Registry } from 'prom-client';
import type { HostReport, SweepReport } from '../sweep/sweep-report.js';

export interface SweepMetrics {
  /** Takes one round's report; `nowMs` is the wall clock of the call (the scrape's clock). */
  observe(report: SweepReport, nowMs: number): void;
}

/** Outcomes whose host was recorded in the store this round (`partial`: a collector failed). */
const RECORDED: readonly HostReport['outcome'][] = ['ok', 'partial'];

/** Registers the sweep's metrics in `registry` and returns what feeds them. */
export function createSweepMetrics(registry: Registry): SweepMetrics {
  const registers = [registry];
  const success = new Gauge({
    name: 'avma_collector_success',
    help: 'Whether the collector succeeded on the host in the last round (1) or failed (0); absent while turned off.',
    labelNames: ['host', 'collector'] as const,
    registers,
  });
  const duration = new Gauge({
    name: 'avma_collector_duration_seconds',
    help: 'How long the collector took on the host in the last round, in seconds.',
    labelNames: ['host', 'collector'] as const,
    registers,
  });
  const lastSweep = new Gauge({
    name: 'avma_last_sweep_timestamp_seconds',
    help: 'Unix time (wall clock) at which a round last recorded the host in the store.',
    labelNames: ['host'] as const,
    registers,
  });
  const pushes = new Counter({
    name: 'avma_key_pushes_total',
    help: 'AVMA keys pushed to guests of the host over KVP since the agent started (dry runs not counted).',
    labelNames: ['host'] as const,
    registers,
  });
  const wipes = new Counter({
    name: 'avma_kvp_wipes_total',
    help: 'KVP wipes sent to guests of the host since the agent started: a tenant replaced the AVMA key (dry runs not counted).',
    labelNames: ['host'] as const,
    registers,
  });
  /** Collectors each host reported last round, to drop the series of the ones that did not run now. */
  const reported = new Map<string, Set<string>>();

  function observeCollectors(host: HostReport): void {
    const previous = reported.get(host.host) ?? new Set<string>();
    const now = new Set<string>();
    for (const collector of host.collectors) {
      const labels = { host: host.host, collector: collector.name };
      if (!collector.enabled) continue;
      now.add(collector.name);
      success.set(labels, collector.success ? 1 : 0);
      // Microseconds, as measured: `0.000159`, not the float noise of a division.
      duration.set(labels, Math.round(collector.durationMs * 1000) / 1e6);
    }
    // A collector turned off or not reached (a stale host stops after its facts) has no current figure.
    for (const name of previous) {
      if (now.has(name)) continue;
      success.remove({ host: host.host, collector: name });
      duration.remove({ host: host.host, collector: name });
    }
    reported.set(host.host, now);
  }

  return {
    observe(report, nowMs) {
      for (const host of report.hosts) {
        observeCollectors(host);
        const labels = { host: host.host };
        // inc(0) creates the series at zero, so the first real push shows as an increase.
        pushes.inc(labels, report.dryRun ? 0 : host.pushed);
        wipes.inc(labels, report.dryRun ? 0 : host.wiped);
        if (!report.dryRun && RECORDED.includes(host.outcome)) lastSweep.set(labels, nowMs / 1000);
      }
    },
  };
}
