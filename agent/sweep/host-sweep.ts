/**
 * Phase one of a host's sweep: the collectors (host facts, VM inventory with KVP, host events 12310,
 * guest reports), then per VM the decision and its host-side actions. A constant number of driver
 * reads per host however many VMs it runs (hostInfo, listVms, readEvents, plus one check of the event
 * bookmark when nothing is new); writes only for VMs that need an action. What to record is returned;
 * the round records it in one transaction per host (record-host.ts).
 */

import { HOST_EVENT_LOG, hostEventRecord, type KnownVms } from '../decide/event-records.js';
import { type GuestReport, readGuestReport } from '../decide/guest-report.js';
import type { HostView } from '../decide/vm-eligibility.js';
import type { HostInfo, HypervDriver } from '../driver/hyperv-driver.js';
import type { HostEventInput, SweepState, VmMemory } from '../store/index.js';
import { type CollectorOutcome, runCollector } from './collector.js';
import { collectGuestReports } from './collectors/guest-reports.js';
import { collectHostEvents, type HostEventsRead } from './collectors/host-events.js';
import { collectHostFacts } from './collectors/host-facts.js';
import { collectInventory, type Inventory } from './collectors/vm-inventory.js';
import type { SweepCache } from './sweep-cache.js';
import { type SweptVm, sweepVm } from './vm-sweep.js';

/** Which tenant a VM belongs to (the lab: its scenario; real hosts: the configuration's mapping). */
export type TenantOf = (host: string, vm: { readonly id: string; readonly name: string }) => string | null;

export interface SweepSettings {
  /** A Windows Server guest without a status for this long gets GUEST_AGENT_SILENT. */
  readonly silentAfterMs: number;
  readonly tenantOf: TenantOf;
}

export interface HostSweepContext {
  readonly at: Date;
  readonly state: SweepState;
  readonly vmMemory: ReadonlyMap<string, VmMemory>;
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

function knownVms(inventory: Inventory | null, memory: ReadonlyMap<string, VmMemory>): KnownVms {
  const ids = new Set(memory.keys());
  const idByName = new Map<string, string | null>();
  for (const vm of inventory?.vms ?? []) {
    ids.add(vm.id);
    const key = vm.name.toLowerCase();
    idByName.set(key, idByName.has(key) ? null : vm.id);
  }
  return { ids, idByName };
}

async function sweepVms(
  driver: HypervDriver,
  host: string,
  facts: HostInfo,
  inventory: Inventory,
  reports: ReadonlyMap<string, GuestReport>,
  context: HostSweepContext,
): Promise<SweptVm[]> {
  const swept: SweptVm[] = [];
  for (const vm of inventory.vms) {
    const report = reports.get(vm.id) ?? readGuestReport(vm.pools.guest.items);
    swept.push(
      await sweepVm(vm, report, {
        driver,
        host,
        hostView: hostView(facts),
        at: context.at,
        memory: context.vmMemory.get(vm.id) ?? null,
        tenant: context.settings.tenantOf(host, vm),
        silentAfterMs: context.settings.silentAfterMs,
        cache: context.cache,
      }),
    );
  }
  return swept;
}

function eventsToRecord(read: HostEventsRead | null, known: KnownVms, at: Date): HostEventsToRecord | null {
  if (read === null) return null;
  return { cleared: read.cleared, events: read.events.map((event) => hostEventRecord(event, known, at)) };
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
    durationMs: performance.now() - start,
  };
}

/** Runs the collectors and the per-VM decisions and actions of one host. Never rejects. */
export async function sweepHost(driver: HypervDriver, context: HostSweepContext): Promise<HostSweep> {
  const start = performance.now();
  const factsRead = await runCollector('host-facts', () => collectHostFacts(driver));
  const facts = factsRead.value ?? context.cache.factsOf(driver);
  if (facts === null) return staleHost(driver, factsRead.outcome, start);
  if (factsRead.value !== null) context.cache.rememberFacts(driver, facts);
  const host = facts.name;
  const inventory = await runCollector('vm-inventory', () => collectInventory(driver, context.cache));
  const bookmark = bookmarkOf(context.state, host);
  const events = await runCollector('host-events', () => collectHostEvents(driver, bookmark));
  const reports = await runCollector('guest-reports', () => collectGuestReports(inventory.value?.vms ?? []));
  const vms =
    inventory.value === null
      ? null
      : await sweepVms(driver, host, facts, inventory.value, reports.value ?? new Map(), context);
  return {
    driverHost: driver.hostName,
    host,
    facts,
    factsFresh: factsRead.value !== null,
    vms,
    skippedVms: inventory.value?.skipped ?? [],
    hostEvents: eventsToRecord(events.value, knownVms(inventory.value, context.vmMemory), context.at),
    outcomes: [factsRead.outcome, inventory.outcome, events.outcome, reports.outcome],
    durationMs: performance.now() - start,
  };
}
