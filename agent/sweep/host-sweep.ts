/**
 * Phase one of a host's sweep: the collectors (host facts, VM inventory with KVP, host events 12310,
 * guest reports), then per VM the decision and its host-side actions. A constant number of driver
 * reads per host however many VMs it runs (hostInfo, listVms, readEvents, plus one check of the event
 * bookmark when nothing is new); writes only for VMs that need an action. What to record is returned;
 * the round records it in one transaction per host (record-host.ts).
 */

import { HOST_EVENT_LOG, hostEventRecord, type KnownVms } from '../decide/event-records.js';
import { type GuestReport, readGuestReport } from '../decide/guest-report.js';
import { attributeByTime, hostEvidenceOf, sightingsByVm } from '../decide/host-evidence.js';
import type { HostEvidence } from '../decide/licence-evidence.js';
import type { HostView } from '../decide/vm-eligibility.js';
import type { HypervDriver } from '../driver/hyperv-driver.js';
import type { HostInfo } from '../model/index.js';
import type { HostEventInput, SweepState, VmMemory } from '../store/index.js';
import { type CollectorName, type CollectorOutcome, elapsedMs, runCollector } from './collector.js';
import type { HostEventsRead } from './collectors/host-events.js';
import { COLLECTORS } from './collectors/registry.js';
import type { Inventory, InventoryVm } from './collectors/vm-inventory.js';
import type { SweepCache } from './sweep-cache.js';
import { type SweptVm, sweepVm } from './vm-sweep.js';
import { sliceEndsAt, yieldToEventLoop } from './yield-point.js';

/** Which tenant a VM belongs to (the lab: its scenario; real hosts: the configuration's mapping). */
export type TenantOf = (host: string, vm: { readonly id: string; readonly name: string }) => string | null;

export interface SweepSettings {
  /** A Windows Server guest without a status for this long gets GUEST_AGENT_SILENT. */
  readonly silentAfterMs: number;
  readonly tenantOf: TenantOf;
  /** How long a host 12310 AVMA success corroborates a VM's activation (licence-evidence.ts). */
  readonly evidenceWindowMs: number;
  /** Tolerance when matching an unattributed 12310 to a guest's forwarded 12309 (host-evidence.ts). */
  readonly correlationToleranceMs: number;
  /** Optional collectors turned off by configuration (collectors/registry.ts). */
  readonly disabledCollectors?: ReadonlySet<CollectorName>;
}

/** What a round knows once it has read the store: its time, the state, each VM's memory by id. */
export interface RoundState {
  readonly at: Date;
  readonly state: SweepState;
  readonly vmMemory: ReadonlyMap<string, VmMemory>;
}

export interface HostSweepContext extends RoundState {
  readonly settings: SweepSettings;
  readonly cache: SweepCache;
}

export interface HostEventsToRecord {
  readonly events: readonly HostEventInput[];
  readonly cleared: boolean;
}

export interface HostSweep {
  /** The host as configured in the driver. */
  readonly driverHost: string;
  /** The host's name as it reports it (the store's key); `null` when its facts are unknown: stale. */
  readonly host: string | null;
  readonly facts: HostInfo | null;
  /** The facts were read this sweep (not remembered from an earlier one). */
  readonly factsFresh: boolean;
  /** `null` when the inventory failed: nothing about the host's VMs is recorded or decided. */
  readonly vms: readonly SweptVm[] | null;
  readonly skippedVms: readonly string[];
  readonly hostEvents: HostEventsToRecord | null;
  readonly outcomes: readonly CollectorOutcome[];
  readonly durationMs: number;
}

function hostView(info: HostInfo): HostView {
  return { version: info.version, build: info.build, edition: info.edition, activated: info.activated };
}

function bookmarkOf(state: SweepState, host: string): number {
  const memory = state.hosts.find((entry) => entry.name.toLowerCase() === host.toLowerCase());
  return memory?.bookmarks.find((mark) => mark.log === HOST_EVENT_LOG)?.recordId ?? 0;
}

/** A key shared by two VMs maps to null: it names neither. */
function addUnique(map: Map<string, string | null>, key: string | null | undefined, id: string): void {
  if (key === null || key === undefined || key === '') return;
  const lower = key.toLowerCase();
  map.set(lower, map.has(lower) && map.get(lower) !== id ? null : id);
}

function knownVms(inventory: Inventory | null, memory: ReadonlyMap<string, VmMemory>): KnownVms {
  const ids = new Set(memory.keys());
  const idByName = new Map<string, string | null>();
  const idByFqdn = new Map<string, string | null>();
  for (const vm of inventory?.vms ?? []) {
    ids.add(vm.id);
    addUnique(idByName, vm.name, vm.id);
    addUnique(idByFqdn, vm.identity?.fqdn, vm.id);
  }
  return { ids, idByName, idByFqdn };
}

async function sweepVms(
  driver: HypervDriver,
  host: string,
  facts: HostInfo,
  inventory: Inventory,
  reports: ReadonlyMap<string, GuestReport>,
  sightings: ReadonlyMap<string, HostEvidence>,
  context: HostSweepContext,
): Promise<SweptVm[]> {
  const swept: SweptVm[] = [];
  const view = hostView(facts);
  const vms = inventory.vms;
  for (let index = 0; index < vms.length; index++) {
    if (sliceEndsAt(index)) await yieldToEventLoop();
    const vm = vms[index] as InventoryVm;
    const report = reports.get(vm.id) ?? readGuestReport(vm.pools.guest.items);
    const memory = context.vmMemory.get(vm.id) ?? null;
    const result = sweepVm(vm, report, {
      driver,
      host,
      hostView: view,
      at: context.at,
      memory,
      tenant: context.settings.tenantOf(host, vm),
      silentAfterMs: context.settings.silentAfterMs,
      hostEvidence: hostEvidenceOf(memory, sightings.get(vm.id)),
      evidenceWindowMs: context.settings.evidenceWindowMs,
      cache: context.cache,
    });
    // Only a VM with actions waits for the driver; the others cost no turn of the microtask queue.
    swept.push(result instanceof Promise ? await result : result);
  }
  return swept;
}

/** The host's new 12310 records, attributed to VMs by what they carry, then by time (host-evidence.ts). */
function eventsToRecord(
  read: HostEventsRead | null,
  inventory: Inventory | null,
  reports: ReadonlyMap<string, GuestReport>,
  context: HostSweepContext,
): HostEventsToRecord | null {
  if (read === null) return null;
  // Most rounds bring no new event: then the VMs are not indexed by name and FQDN for nothing.
  if (read.events.length === 0) return { cleared: read.cleared, events: [] };
  const known = knownVms(inventory, context.vmMemory);
  const records = read.events.map((event) => hostEventRecord(event, known, context.at));
  const guestEvents = new Map([...reports].map(([vm, report]) => [vm, report.events]));
  const tolerance = context.settings.correlationToleranceMs;
  return { cleared: read.cleared, events: attributeByTime(records, guestEvents, tolerance) };
}

/** A host whose facts are unknown (not read now, never before): nothing else is asked of it. */
function staleHost(driver: HypervDriver, outcome: CollectorOutcome, start: number): HostSweep {
  return {
    driverHost: driver.hostName,
    host: null,
    facts: null,
    factsFresh: false,
    vms: null,
    skippedVms: [],
    hostEvents: null,
    outcomes: [outcome],
    durationMs: elapsedMs(start),
  };
}

/**
 * Runs the collectors and the per-VM decisions and actions of one host. The host's facts and inventory
 * do not depend on the store: they are asked for while the round reads it (`round`, null when that
 * read failed: then nothing else is asked or done, and the round fails). Never rejects.
 */
export async function sweepHost(
  driver: HypervDriver,
  base: Pick<HostSweepContext, 'settings' | 'cache'>,
  round: Promise<RoundState | null>,
): Promise<HostSweep> {
  const start = performance.now();
  const off = base.settings.disabledCollectors;
  const input = { driver, cache: base.cache, bookmark: 0, inventory: null };
  const factsRead = await runCollector(COLLECTORS.hostFacts, input, off);
  const facts = factsRead.value ?? base.cache.factsOf(driver);
  if (facts === null) return staleHost(driver, factsRead.outcome, start);
  if (factsRead.value !== null) base.cache.rememberFacts(driver, facts);
  const host = facts.name;
  const inventory = await runCollector(COLLECTORS.vmInventory, input, off);
  const known = await round;
  if (known === null) return staleHost(driver, factsRead.outcome, start);
  const context: HostSweepContext = { ...base, ...known };
  const later = { ...input, bookmark: bookmarkOf(context.state, host), inventory: inventory.value };
  const events = await runCollector(COLLECTORS.hostEvents, later, off);
  const reports = await runCollector(COLLECTORS.guestReports, later, off);
  const guestReports = reports.value ?? new Map<string, GuestReport>();
  const hostEvents = eventsToRecord(events.value, inventory.value, guestReports, context);
  const sightings = sightingsByVm(hostEvents?.events ?? [], host);
  const vms =
    inventory.value === null
      ? null
      : await sweepVms(driver, host, facts, inventory.value, guestReports, sightings, context);
  return {
    driverHost: driver.hostName,
    host,
    facts,
    factsFresh: factsRead.value !== null,
    vms,
    skippedVms: inventory.value?.skipped ?? [],
    hostEvents,
    outcomes: [factsRead.outcome, inventory.outcome, events.outcome, reports.outcome],
    durationMs: elapsedMs(start),
  };
}
