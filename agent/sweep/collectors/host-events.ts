/**
 * The host events collector: event 12310 from the host's Application log, read incrementally after the
 * stored bookmark (record id), oldest first, at most `MAX_EVENTS_PER_SWEEP` a sweep (the rest follow
 * next sweep). A cleared log restarts record ids at 1, so when nothing is newer than the bookmark the
 * collector checks that the bookmarked record itself still exists; if it does not, nothing at or
 * after the bookmark exists (the newest id is below it): the log was cleared, a new bookmark epoch
 * starts and the log is read from the beginning. A log cleared and refilled past the bookmark between
 * two sweeps looks like new records and its first ones are missed; at one sweep a minute that needs
 * more 12310 events in a minute than a host logs in weeks.
 */

import { AVMA_HOST_EVENT } from '../../decide/event-records.js';
import type { HypervDriver } from '../../driver/hyperv-driver.js';
import type { HostEvent } from '../../model/index.js';
import type { Collector, CollectorInput } from '../collector.js';

export const MAX_EVENTS_PER_SWEEP = 1000;

export interface HostEventsRead {
  readonly events: readonly HostEvent[];
  /** The log was cleared since the bookmark; `events` were read from its beginning. */
  readonly cleared: boolean;
}

/**
 * New 12310 records after `bookmark` (1 driver call, 2 when nothing is new, 3 after a clear). Rejects
 * with the driver's error. A driver without event support yields no events.
 */
export async function collectHostEvents(driver: HypervDriver, bookmark: number): Promise<HostEventsRead> {
  const ids = [AVMA_HOST_EVENT];
  if (!driver.capabilities.events) return { events: [], cleared: false };
  const events = await driver.readEvents({ ids, afterRecordId: bookmark, max: MAX_EVENTS_PER_SWEEP });
  if (events.length > 0 || bookmark === 0) return { events, cleared: false };
  const probe = await driver.readEvents({ ids, afterRecordId: bookmark - 1, max: 1 });
  if (probe[0]?.recordId === bookmark) return { events: [], cleared: false };
  const fresh = await driver.readEvents({ ids, afterRecordId: 0, max: MAX_EVENTS_PER_SWEEP });
  return { events: fresh, cleared: true };
}

/** Registered in collectors/registry.ts. Optional: an account without Event Log Readers can turn it off. */
export const HOST_EVENTS_COLLECTOR: Collector<HostEventsRead> = Object.freeze({
  name: 'host-events',
  help: "new 12310 records of the host's Application log after the bookmark",
  required: false,
  collect: ({ driver, bookmark }: CollectorInput) => collectHostEvents(driver, bookmark),
});
