/**
 * The agent's Prometheus metrics (architecture §12), in a registry of their own (never prom-client's
 * global one, so two agents in one process, or a test, never mix figures). Two sources: the sweep
 * loop hands each round's report to `observeRound`; `render` reads the store's aggregate snapshot at
 * scrape time. No series carries a VM label: the count grows with hosts × vocabularies only.
 */
import { Counter, collectDefaultMetrics, Gauge, Registry } from 'prom-client';
import type { Store } from '../store/index.js';
import type { SweepReport } from '../sweep/sweep-report.js';
import { createStoreMetrics } from './store-metrics.js';
import { createSweepMetrics } from './sweep-metrics.js';

export interface AgentMetricsOptions {
  readonly store: Store;
  /** The agent's version, for `avma_build_info`. */
  readonly version: string;
  /** Wall clock in milliseconds; default `Date.now` (tests pin it). */
  readonly now?: () => number;
  /** Told why the store could not be read at a scrape (the scrape still answers, `avma_store_up 0`). */
  readonly onStoreError?: (error: unknown) => void;
  /** How long one AVMA activation stays valid: 7 days, UNCONFIRMED (licence-evidence.ts). */
  readonly activationValidityMs?: number;
  /**
   * `avma_avma_activations_expiring` counts activations that end within this (default 3 days) unless
   * renewed. Not 7: an AVMA activation is valid for about 7 days itself, so "within 7 days" would be
   * every AVMA guest; guests renew daily, so 3 days left means several renewals have failed.
   */
  readonly expiringWithinMs?: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** A scrape's answer: the Prometheus text exposition and its content type. */
export interface MetricsExposition {
  readonly contentType: string;
  readonly body: string;
}

export interface AgentMetrics {
  /** Takes the figures of one finished round (collectors, pushes, wipes, when each host was recorded). */
  observeRound(report: SweepReport): void;
  /**
   * Counts a store failure of a host's transaction by store code (`avma_store_errors_total{code}`):
   * UNAVAILABLE while PostgreSQL is down, LOCKED, LEASE_LOST... retried or not.
   */
  observeStoreError(code: string): void;
  /** The exposition, with the store read now. Never rejects because of the store. */
  render(): Promise<MetricsExposition>;
}

function registerBuildInfo(registry: Registry, version: string): void {
  const info = new Gauge({
    name: 'avma_build_info',
    help: 'The avma-agent version and the Node.js version running it; always 1.',
    labelNames: ['version', 'node'] as const,
    registers: [registry],
  });
  info.set({ version, node: process.version }, 1);
}

/**
 * prom-client's default gauges named like counters: `promtool check metrics` refuses them, and each is
 * the sum of a per-type gauge that stays (`nodejs_active_handles{type}` ...).
 */
const MISNAMED_DEFAULTS = [
  'nodejs_active_handles_total',
  'nodejs_active_requests_total',
  'nodejs_active_resources_total',
];

/** A metrics instance over `store`. Registers Node's default process metrics in its own registry. */
export function createAgentMetrics(options: AgentMetricsOptions): AgentMetrics {
  const now = options.now ?? Date.now;
  const registry = new Registry();
  registerBuildInfo(registry, options.version);
  collectDefaultMetrics({ register: registry });
  for (const name of MISNAMED_DEFAULTS) registry.removeSingleMetric(name);
  const sweep = createSweepMetrics(registry);
  const stored = createStoreMetrics(registry);
  const storeErrors = new Counter({
    name: 'avma_store_errors_total',
    help: "Store failures of hosts' recording transactions by store error code (UNAVAILABLE: PostgreSQL unreachable), retried or not.",
    labelNames: ['code'] as const,
    registers: [registry],
  });
  // One scrape at a time: a scrape replaces the store's series and then serialises them, and a second
  // scrape in between would serialise a half-replaced set.
  let tail: Promise<unknown> = Promise.resolve();

  async function scrape(): Promise<MetricsExposition> {
    const start = performance.now();
    const validity = options.activationValidityMs ?? 7 * DAY_MS;
    const renewedBefore = new Date(now() - (validity - (options.expiringWithinMs ?? 3 * DAY_MS)));
    const snapshot = await options.store.metricsSnapshot(renewedBefore).catch((error: unknown) => {
      options.onStoreError?.(error);
      return null;
    });
    stored.show(snapshot, Math.round((performance.now() - start) * 1000) / 1e6);
    return { contentType: registry.contentType, body: await registry.metrics() };
  }

  return {
    observeRound(report) {
      sweep.observe(report, now());
    },
    observeStoreError(code) {
      storeErrors.inc({ code });
    },
    render() {
      const result = tail.then(scrape);
      tail = result.catch(() => undefined);
      return result;
    },
  };
}
