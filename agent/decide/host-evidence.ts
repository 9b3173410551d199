/**
 * Host-side evidence per VM: the 12310 records of the host's own Application log, attributed to VMs.
 *
 * Most records are attributed from what they carry (event-records.ts). A record that names no VM the
 * agent knows is matched by time against the 12309 the guests forwarded in the same sweep: one guest
 * request writes one 12310 on the host and one 12309 in the guest at the same moment, with the same
 * outcome. Only a single candidate VM is accepted. The guest's event time is tenant-written, so a
 * forged 12309 can at worst make a match ambiguous (none is made), never move a record that names its
 * VM; every time-matched record says so (`vm_match = 'time'`). The tolerance covers clock skew between
 * host and guest; `evidence.correlationToleranceSeconds` in the configuration.
 */
import type { GuestEvent } from '../../shared/protocol/index.js';
import type { HostAvmaSighting, HostEventInput, VmMemory } from '../store/index.js';
import { AVMA_HOST_EVENT } from './event-records.js';
import type { HostEvidence } from './licence-evidence.js';

/** Default tolerance between a guest's 12309 and the host's 12310 of one request. */
export const DEFAULT_CORRELATION_TOLERANCE_MS = 5 * 60 * 1000;

const SUCCESS = 'avma-success';

function guestNotification(event: GuestEvent): string {
  return event.notification === 'success' ? SUCCESS : event.notification;
}

/** The one VM whose forwarded 12309 matches the record's outcome within the tolerance, or null. */
function matchingVm(
  record: HostEventInput,
  guestEvents: ReadonlyMap<string, readonly GuestEvent[]>,
  toleranceMs: number,
): string | null {
  const time = record.time.getTime();
  let found: string | null = null;
  for (const [vm, events] of guestEvents) {
    const matches = events.some(
      (event) =>
        guestNotification(event) === record.notification &&
        Math.abs(Date.parse(event.time) - time) <= toleranceMs,
    );
    if (!matches) continue;
    if (found !== null) return null;
    found = vm;
  }
  return found;
}

/**
 * The records with each unattributed 12310 attributed by time where exactly one VM's forwarded 12309
 * matches it. Records already attributed are returned unchanged. Pure; never throws.
 */
export function attributeByTime(
  records: readonly HostEventInput[],
  guestEvents: ReadonlyMap<string, readonly GuestEvent[]>,
  toleranceMs: number,
): HostEventInput[] {
  return records.map((record) => {
    if (record.vm !== null && record.vm !== undefined) return record;
    if (
      record.eventId !== AVMA_HOST_EVENT ||
      record.notification === null ||
      record.notification === undefined
    ) {
      return record;
    }
    const vm = matchingVm(record, guestEvents, toleranceMs);
    return vm === null ? record : Object.freeze({ ...record, vm, vmMatch: 'time' as const });
  });
}

function later(a: HostAvmaSighting | null, b: HostAvmaSighting | null): HostAvmaSighting | null {
  if (a === null) return b;
  if (b === null) return a;
  return b.timeMs > a.timeMs ? b : a;
}

/** This sweep's attributed 12310 records as evidence per VM. Pure; never throws. */
export function sightingsByVm(records: readonly HostEventInput[], host: string): Map<string, HostEvidence> {
  const byVm = new Map<string, HostEvidence>();
  for (const record of records) {
    if (record.eventId !== AVMA_HOST_EVENT || record.vm === null || record.vm === undefined) continue;
    const sighting: HostAvmaSighting = {
      timeMs: record.time.getTime(),
      notification: record.notification ?? null,
      host,
    };
    const known = byVm.get(record.vm) ?? { lastEvent: null, lastSuccess: null };
    byVm.set(record.vm, {
      lastEvent: later(known.lastEvent, sighting),
      lastSuccess: sighting.notification === SUCCESS ? later(known.lastSuccess, sighting) : known.lastSuccess,
    });
  }
  return byVm;
}

/** What the store remembers and what this sweep read, the later of each. Pure; never throws. */
export function hostEvidenceOf(memory: VmMemory | null, fresh: HostEvidence | undefined): HostEvidence {
  return {
    lastEvent: later(memory?.lastHostEvent ?? null, fresh?.lastEvent ?? null),
    lastSuccess: later(memory?.lastHostSuccess ?? null, fresh?.lastSuccess ?? null),
  };
}
