/**
 * The metrics read from the store at scrape time, from one aggregate snapshot (`Store.metricsSnapshot`):
 * host facts, VM counts by licence state, reason and problem, and stored 12309/12310 events. Each scrape
 * replaces every series, so a VM that left a state leaves its count, and a store that cannot be read
 * leaves only `avma_store_up 0` instead of figures that look current.
 */
import { Counter, Gauge, type Registry } from 'prom-client';
import { AVMA_GUEST_EVENT_ID, AVMA_HOST_EVENT_ID } from '../model/index.js';
import { EVENT_NOTIFICATIONS, type HostCount, type MetricsSnapshot } from '../store/index.js';

export interface StoreMetrics {
  /** Replaces the store's series with the snapshot's, or clears them when the store could not be read. */
  show(snapshot: MetricsSnapshot | null, readSeconds: number): void;
}

/** Label value of a fact the store does not know (a release or edition outside the vocabulary). */
const UNKNOWN = 'unknown';

/** Event ids of the AVMA guest and host records `avma_events_total` counts, as label values. */
const AVMA_EVENT_IDS = [String(AVMA_GUEST_EVENT_ID), String(AVMA_HOST_EVENT_ID)] as const;

function hostGauges(registers: Registry[]) {
  return {
    info: new Gauge({
      name: 'avma_host_info',
      help: "The host's Windows Server version, edition and failover cluster as last recorded; always 1.",
      labelNames: ['host', 'version', 'edition', 'cluster'] as const,
      registers,
    }),
    activated: new Gauge({
      name: 'avma_host_activated',
      help: "Whether the host's own Windows licence is activated (1) or not (0): AVMA needs it.",
      labelNames: ['host'] as const,
      registers,
    }),
  };
}

function fleetGauges(registers: Registry[]) {
  return {
    vms: new Gauge({
      name: 'avma_vms',
      help: 'VMs not deleted, by the host, licence state and AVMA eligibility of their latest observation.',
      labelNames: ['host', 'license_status', 'eligible'] as const,
      registers,
    }),
    reasons: new Gauge({
      name: 'avma_vm_reasons',
      help: 'VMs not deleted whose latest observation gives the reason why AVMA does not serve them.',
      labelNames: ['host', 'reason'] as const,
      registers,
    }),
    avmaGuestReasons: new Gauge({
      name: 'avma_avma_guest_reasons',
      help: 'VMs not deleted whose concluded or claimed key channel is AVMA, by the reason AVMA cannot serve them.',
      labelNames: ['host', 'reason'] as const,
      registers,
    }),
    problems: new Gauge({
      name: 'avma_guest_problems',
      help: 'VMs not deleted whose latest observation records the problem (each VM counted once per code).',
      labelNames: ['host', 'problem'] as const,
      registers,
    }),
    expiringAvma: new Gauge({
      name: 'avma_avma_activations_expiring',
      help:
        "VMs licensed through AVMA on the host's own 12310 whose last host-granted renewal is old enough " +
        'that the activation ends within the expiry horizon unless renewed.',
      labelNames: ['host'] as const,
      registers,
    }),
  };
}

function storeGauges(registers: Registry[]) {
  return {
    events: new Counter({
      name: 'avma_events_total',
      help: 'AVMA events stored (12309 guest, 12310 host) by notification; outcome unknown when unclassified.',
      labelNames: ['host', 'event_id', 'outcome'] as const,
      registers,
    }),
    up: new Gauge({
      name: 'avma_store_up',
      help: 'Whether the store could be read at this scrape (1) or not (0); store figures are absent at 0.',
      registers,
    }),
    readSeconds: new Gauge({
      name: 'avma_store_read_duration_seconds',
      help: "How long this scrape's read of the store took, in seconds.",
      registers,
    }),
  };
}

type HostMetrics = ReturnType<typeof hostGauges>;
type FleetMetrics = ReturnType<typeof fleetGauges>;
type EventsCounter = ReturnType<typeof storeGauges>['events'];

function showHosts(metrics: HostMetrics, snapshot: MetricsSnapshot): void {
  for (const facts of snapshot.hosts) {
    const { version, edition, cluster } = facts;
    const labels = { version: version ?? UNKNOWN, edition: edition ?? UNKNOWN, cluster: cluster ?? '' };
    metrics.info.set({ host: facts.host, ...labels }, 1);
    metrics.activated.set({ host: facts.host }, facts.activated ? 1 : 0);
  }
}

function showCounts(gauge: Gauge<'host' | 'reason'>, counts: readonly HostCount<string>[]): void {
  for (const row of counts) gauge.set({ host: row.host, reason: row.value }, row.count);
}

function showFleet(metrics: FleetMetrics, snapshot: MetricsSnapshot): void {
  for (const row of snapshot.vms) {
    const labels = { host: row.host, license_status: row.licenseStatus, eligible: String(row.eligible) };
    metrics.vms.set(labels, row.count);
  }
  showCounts(metrics.reasons, snapshot.reasons);
  showCounts(metrics.avmaGuestReasons, snapshot.avmaGuestReasons);
  for (const row of snapshot.problems)
    metrics.problems.set({ host: row.host, problem: row.value }, row.count);
  // Every known host shows a value (0 too), so the alert sees a host whose guests stop renewing.
  for (const { host } of snapshot.hosts) metrics.expiringAvma.set({ host }, 0);
  for (const row of snapshot.expiringAvma) metrics.expiringAvma.set({ host: row.host }, row.count);
}

function showEvents(events: EventsCounter, snapshot: MetricsSnapshot): void {
  // Every outcome of every host starts at 0, so a host's first failure shows as an increase.
  for (const { host } of snapshot.hosts) {
    for (const event_id of AVMA_EVENT_IDS) {
      for (const outcome of EVENT_NOTIFICATIONS) events.inc({ host, event_id, outcome }, 0);
    }
  }
  for (const row of snapshot.events) {
    // A null and an `unknown` notification are one outcome: inc adds them up.
    const outcome = row.notification ?? UNKNOWN;
    events.inc({ host: row.host ?? '', event_id: String(row.eventId), outcome }, row.count);
  }
}

/** Registers the store's metrics in `registry` and returns what refreshes them. */
export function createStoreMetrics(registry: Registry): StoreMetrics {
  const registers = [registry];
  const host = hostGauges(registers);
  const fleet = fleetGauges(registers);
  const store = storeGauges(registers);
  const replaced = [...Object.values(host), ...Object.values(fleet), store.events];
  return {
    show(snapshot, readSeconds) {
      for (const metric of replaced) metric.reset();
      store.up.set(snapshot === null ? 0 : 1);
      store.readSeconds.set(readSeconds);
      if (snapshot === null) return;
      showHosts(host, snapshot);
      showFleet(fleet, snapshot);
      showEvents(store.events, snapshot);
    },
  };
}
