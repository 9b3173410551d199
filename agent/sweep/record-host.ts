/**
 * Phase two of a host's sweep: everything phase one saw and did, recorded in ONE store transaction —
 * host facts, every VM's observation and raw KVP, VMs gone from the fleet, 12310 events with their
 * bookmark, forwarded 12309 events, blocks after a key replacement and the audit records. A crash or a
 * failure anywhere rolls all of it back; nothing half-recorded is ever visible.
 */
import { AGENT_ACTOR } from '../act/audit-trail.js';
import { HOST_EVENT_LOG } from '../decide/event-records.js';
import type { EventInput, Transaction } from '../store/index.js';
import { hostFacts } from './collectors/host-facts.js';
import type { HostSweep } from './host-sweep.js';

/** Below the store's 10,000 events per insert. */
const EVENT_BATCH = 5000;

export interface RecordedHost {
  /** Observation intervals opened, changed or resumed. */
  readonly observationsWritten: number;
  readonly hostEvents: number;
  readonly guestEvents: number;
  readonly audits: number;
  readonly deleted: number;
}

async function insertGuestEvents(tx: Transaction, events: readonly EventInput[]): Promise<number> {
  let inserted = 0;
  for (let i = 0; i < events.length; i += EVENT_BATCH)
    inserted += await tx.insertEvents(events.slice(i, i + EVENT_BATCH));
  return inserted;
}

async function recordEvents(tx: Transaction, host: string, sweep: HostSweep, at: Date): Promise<number> {
  if (sweep.hostEvents === null) return 0;
  if (sweep.hostEvents.cleared) await tx.restartBookmark(host, HOST_EVENT_LOG, at);
  return tx.recordHostEvents(host, HOST_EVENT_LOG, sweep.hostEvents.events, at);
}

/**
 * Records one swept host (its `host` must be known). `deleted`: GUIDs of VMs last seen on this host
 * and listed nowhere this round. Rejects with the store's StoreError; the caller's transaction then
 * rolls back as a whole.
 */
export async function recordHost(
  tx: Transaction,
  sweep: HostSweep,
  deleted: readonly string[],
  at: Date,
): Promise<RecordedHost> {
  const host = sweep.host as string;
  await tx.upsertHost(host, at);
  if (sweep.factsFresh && sweep.facts !== null) await tx.recordHostFacts(host, at, hostFacts(sweep.facts));
  const vms = sweep.vms ?? [];
  const summary = await tx.recordSweep(
    host,
    at,
    vms.map((vm) => vm.checked ?? vm.record),
  );
  let marked = 0;
  for (const id of deleted) if (await tx.markVmDeleted(id, at)) marked++;
  const hostEvents = await recordEvents(tx, host, sweep, at);
  const guestEvents = await insertGuestEvents(
    tx,
    vms.flatMap((vm) => vm.guestEvents),
  );
  for (const vm of vms) {
    if (vm.block !== null)
      await tx.setAvmaBlocked(vm.id, true, { at, actor: AGENT_ACTOR, reason: `key replaced: ${vm.block}` });
  }
  const audits = vms.flatMap((vm) => vm.audits);
  if (audits.length > 0) await tx.auditAll(audits);
  const { opened, changed, resumed } = summary.observations;
  return {
    observationsWritten: opened + changed + resumed,
    hostEvents,
    guestEvents,
    audits: audits.length,
    deleted: marked,
  };
}
