/**
 * Builds month histories through the store's own repository API, the way the sweep will: every
 * `stepMinutes` each host that is up records one sweep of the VMs on it, VMs that vanished are marked
 * deleted. Timelines are written per VM as "from this instant, this state on this host".
 */
import type { HostFacts, ObservationFields, Store, SweepVm } from '../../../agent/store/index.js';
import { HOST_FACTS, observed, vmGuid } from '../store/store-test-kit.js';

export const NOV = Date.parse('2026-11-01T00:00:00Z');
export const DEC = Date.parse('2026-12-01T00:00:00Z');
export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;

/** `NOV + days` as a timestamp: `day(10)` is 2026-11-11T00:00Z (day 0 is the 1st). */
export function day(days: number, hours = 0): number {
  return NOV + days * DAY + hours * HOUR;
}

type Guest = Omit<ObservationFields, 'host'>;

export interface Phase {
  readonly fromMs: number;
  /** null: the VM does not exist (not created yet, or deleted). */
  readonly host: string | null;
  readonly guest?: Partial<Guest>;
}

export interface SimVm {
  readonly n: number;
  readonly name: string;
  readonly tenant: string | null;
  readonly phases: readonly Phase[];
}

export interface SimHost {
  readonly name: string;
  readonly facts?: HostFacts;
  /** Facts changes during the simulation. */
  readonly factChanges?: readonly { readonly fromMs: number; readonly facts: HostFacts }[];
  /** [from, to) windows in which the host does not answer. */
  readonly down?: readonly (readonly [number, number])[];
}

export interface Simulation {
  readonly hosts: readonly SimHost[];
  readonly vms: readonly SimVm[];
  readonly fromMs?: number;
  readonly toMs?: number;
  readonly stepMinutes?: number;
}

const { host: _host, ...BASE_GUEST } = observed();

function phaseAt(vm: SimVm, t: number): Phase | null {
  let current: Phase | null = null;
  for (const phase of vm.phases) if (phase.fromMs <= t) current = phase;
  return current;
}

function factsAt(host: SimHost, t: number): HostFacts {
  let facts = host.facts ?? HOST_FACTS;
  for (const change of host.factChanges ?? []) if (change.fromMs <= t) facts = change.facts;
  return facts;
}

function isDown(host: SimHost, t: number): boolean {
  return (host.down ?? []).some(([from, to]) => t >= from && t < to);
}

async function sweepHost(store: Store, host: SimHost, sim: Simulation, t: number): Promise<void> {
  const at = new Date(t);
  const entries: SweepVm[] = [];
  for (const vm of sim.vms) {
    const phase = phaseAt(vm, t);
    if (phase?.host !== host.name) continue;
    entries.push({
      vm: { id: vmGuid(vm.n), tenant: vm.tenant },
      name: vm.name,
      observation: { ...BASE_GUEST, ...phase.guest },
    });
  }
  await store.transaction(async (tx) => {
    await tx.upsertHost(host.name, at);
    await tx.recordHostFacts(host.name, at, factsAt(host, t));
    await tx.recordSweep(host.name, at, entries);
  });
}

async function markDeleted(store: Store, sim: Simulation, t: number, known: Set<number>): Promise<void> {
  for (const vm of sim.vms) {
    const phase = phaseAt(vm, t);
    if (phase !== null && phase.host !== null) known.add(vm.n);
    else if (known.has(vm.n)) {
      known.delete(vm.n);
      await store.transaction((tx) => tx.markVmDeleted(vmGuid(vm.n), new Date(t)));
    }
  }
}

/** Runs the simulation from `fromMs` (default Nov 1) to `toMs` inclusive (default Dec 1). */
export async function simulate(store: Store, sim: Simulation): Promise<void> {
  const step = (sim.stepMinutes ?? 60) * 60_000;
  const known = new Set<number>();
  for (let t = sim.fromMs ?? NOV; t <= (sim.toMs ?? DEC); t += step) {
    for (const host of sim.hosts) if (!isDown(host, t)) await sweepHost(store, host, sim, t);
    await markDeleted(store, sim, t, known);
  }
}

/** A VM on one host for the whole simulation. */
export function steadyVm(
  n: number,
  name: string,
  tenant: string | null,
  host: string,
  guest: Partial<Guest> = {},
): SimVm {
  return { n, name, tenant, phases: [{ fromMs: 0, host, guest }] };
}

export { vmGuid };
