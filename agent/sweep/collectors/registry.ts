/**
 * The collectors of a host's sweep, in the order they run (each may use what the earlier ones
 * gathered: guest reports read the inventory's Guest pools). One list, so the sweep, the configuration
 * (which optional ones are off) and the metrics name the same things.
 */
import type { Collector, CollectorName } from '../collector.js';
import { GUEST_REPORTS_COLLECTOR } from './guest-reports.js';
import { HOST_EVENTS_COLLECTOR } from './host-events.js';
import { HOST_FACTS_COLLECTOR } from './host-facts.js';
import { VM_INVENTORY_COLLECTOR } from './vm-inventory.js';

export const COLLECTORS = Object.freeze({
  hostFacts: HOST_FACTS_COLLECTOR,
  vmInventory: VM_INVENTORY_COLLECTOR,
  hostEvents: HOST_EVENTS_COLLECTOR,
  guestReports: GUEST_REPORTS_COLLECTOR,
});

/** Every registered collector, in run order. */
export const COLLECTOR_LIST: readonly Collector<unknown>[] = Object.freeze(Object.values(COLLECTORS));

/** The collectors configuration may turn off. */
export const OPTIONAL_COLLECTORS: readonly CollectorName[] = Object.freeze(
  COLLECTOR_LIST.filter((collector) => !collector.required).map((collector) => collector.name),
);
