/**
 * The agent's sweep against architecture §11. Run: node --expose-gc --import tsx bench/sweep.ts
 *
 * 1. One sweep round (decode + decide + act + persist, one transaction per host) of a 1,024-VM host and
 *    of an 8,000-VM fleet (8 hosts x 1,000) from `generateFleet`, with guest agents. The first round
 *    writes everything (new VMs, pushes); steady rounds run after the lab moved 15 simulated minutes.
 *    CPU is the whole process's (SQLite's worker threads included); the baseline is the lab driver's own
 *    `listVms()` of the same hosts in the same process (the cost of the simulation, which a real host
 *    replaces with PowerShell), and each figure is printed with its ratio to it. The 1,024-VM host's
 *    first round is also taken again for another lab in the same process, once V8 compiled the code.
 * 2. Driver calls per host per steady round, for a 1-VM and a 1,024-VM host: must be the same.
 * 3. Store growth per VM per simulated day over a month (hourly sweeps, the lab's guest agents ticking
 *    every 15 minutes), measured between day 7 and day 30 so the first inserts are not counted.
 * 4. The SPLA month export (`buildUsageMonth`) of the 8,000-VM fleet.
 *
 * Arguments pick sections (all by default): `host` (1), `fleet` (1 and 4), `calls` (2), `growth` (3),
 * e.g. `node --expose-gc --import tsx bench/sweep.ts host fleet`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { HypervDriver } from '../agent/driver/hyperv-driver.js';
import { LabDriver } from '../agent/driver/lab/lab-driver.js';
import { generateFleet } from '../agent/lab/fleet-generator.js';
import { Lab } from '../agent/lab/lab.js';
import type { LabSettingsInput } from '../agent/lab/lab-settings.js';
import { validateScenario } from '../agent/lab/scenario-loader.js';
import { openStore, type Store } from '../agent/store/index.js';
import { SweepCache } from '../agent/sweep/sweep-cache.js';
import { sweepRound } from '../agent/sweep/sweep-round.js';
import { buildUsageMonth } from '../agent/usage/index.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const STEADY_ROUNDS = 7;
const QUIESCE_MS = 150;
const LISTINGS = 5;

interface Setup {
  readonly lab: Lab;
  readonly drivers: HypervDriver[];
  readonly store: Store;
  readonly cache: SweepCache;
  readonly dir: string;
  readonly calls: Map<HypervDriver, Record<string, number>>;
}

/** A driver that counts its calls by method. */
function counted(driver: HypervDriver, calls: Record<string, number>): HypervDriver {
  return new Proxy(driver, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (typeof value !== 'function' || typeof property !== 'string') return value;
      return (...args: unknown[]) => {
        calls[property] = (calls[property] ?? 0) + 1;
        return value.apply(target, args);
      };
    },
  });
}

async function setup(
  hosts: number,
  vmsPerHost: number,
  settings: LabSettingsInput = {},
  seed = 1,
): Promise<Setup> {
  const scenario = validateScenario(generateFleet({ hosts, vmsPerHost, seed, guestAgents: true }));
  const lab = await Lab.create(scenario, { settings });
  const calls = new Map<HypervDriver, Record<string, number>>();
  const drivers = lab.hosts().map((host) => {
    const record: Record<string, number> = {};
    const driver = counted(new LabDriver(lab, host.name), record);
    calls.set(driver, record);
    return driver;
  });
  const dir = mkdtempSync(join(tmpdir(), 'bench-sweep-'));
  const store = await openStore(join(dir, 'avma.sqlite'), { staleAfterMs: 3 * HOUR });
  return { lab, drivers, store, cache: new SweepCache(), dir, calls };
}

/** `gc()` of --expose-gc; V8 takes `{ type: 'minor' }` for a young-generation collection only. */
type ExposedGc = (options?: { readonly type: 'minor' | 'major' }) => void;

/**
 * A collection, then a pause for the helper threads (the collection's sweeping and V8's background
 * compiles of what ran before would otherwise be charged to what is measured next). `full` before a
 * first round: the lab built just before left garbage that is not the sweep's. `young` before a steady
 * round or a listing: the lab's move and the listings leave their garbage in the young generation, and
 * a full collection there would also drop the optimised code that embeds objects it freed (V8's "weak
 * objects" deopts), so each steady round used to compile its hot functions again, which an agent whose
 * rounds follow one another does not (measured both ways in BENCHMARKS.md).
 */
async function quiesce(kind: 'full' | 'young'): Promise<void> {
  const gc = globalThis.gc as ExposedGc | undefined;
  gc?.(kind === 'full' ? undefined : { type: 'minor' });
  await new Promise((resolve) => setTimeout(resolve, QUIESCE_MS));
}

/** One round; `unmeasured` (driver calls, store growth) skips the collection and pause before it. */
async function round(
  s: Setup,
  kind: 'first' | 'steady' | 'unmeasured',
): Promise<{ wallMs: number; cpuMs: number }> {
  if (kind !== 'unmeasured') await quiesce(kind === 'first' ? 'full' : 'young');
  const cpu = process.cpuUsage();
  const start = performance.now();
  const report = await sweepRound({
    drivers: s.drivers,
    store: s.store,
    at: new Date(s.lab.now()),
    settings: {
      silentAfterMs: 3 * HOUR,
      tenantOf: (_host, vm) => s.lab.findVm(vm.id)?.tenant ?? null,
      evidenceWindowMs: 7 * 24 * HOUR,
      correlationToleranceMs: 5 * 60 * 1000,
    },
    cache: s.cache,
  });
  if (report.totals.notRecorded > 0 || report.totals.stale > 0) throw new Error('a host was not recorded');
  const used = process.cpuUsage(cpu);
  return { wallMs: performance.now() - start, cpuMs: (used.user + used.system) / 1000 };
}

/**
 * The lab's own listing of every host: `cold` renders every VM's KVP items to CIM-XML again (what a
 * real host's PowerShell answer costs to produce is far more); otherwise the lab's cached answer.
 * Taken LISTINGS times in a row after a quiet start and averaged: a single cold listing (~20,000 items
 * rendered) measured 9 to 59 ms in one day's runs, depending on whether a collection or V8's
 * re-compilation of code a collection had dropped fell inside it.
 */
async function listing(s: Setup, cold: boolean): Promise<{ wallMs: number; cpuMs: number }> {
  await quiesce('young');
  const cpu = process.cpuUsage();
  const start = performance.now();
  for (let i = 0; i < LISTINGS; i++) {
    if (cold) for (const vm of s.lab.vms()) vm.touch();
    for (const host of s.lab.hosts()) await new LabDriver(s.lab, host.name).listVms();
  }
  const used = process.cpuUsage(cpu);
  return {
    wallMs: (performance.now() - start) / LISTINGS,
    cpuMs: (used.user + used.system) / 1000 / LISTINGS,
  };
}

function mean(values: readonly number[]): number {
  return values.reduce((sum, value) => sum + value, 0) / values.length;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

function fmt(ms: number): string {
  return `${ms.toFixed(1).padStart(8)} ms`;
}

async function close(s: Setup): Promise<void> {
  await s.store.close();
  rmSync(s.dir, { recursive: true, force: true });
}

async function sweepFigures(
  label: string,
  hosts: number,
  vmsPerHost: number,
  warmFirst = false,
): Promise<Setup> {
  const s = await setup(hosts, vmsPerHost);
  const first = await round(s, 'first');
  const steady: { wallMs: number; cpuMs: number }[] = [];
  const cold: number[] = [];
  const cached: number[] = [];
  for (let i = 1; i <= STEADY_ROUNDS; i++) {
    await s.lab.advanceTo(s.lab.startTime + i * 15 * MINUTE);
    cold.push((await listing(s, true)).cpuMs);
    cached.push((await listing(s, false)).cpuMs);
    steady.push(await round(s, 'steady'));
  }
  const base = median(cold);
  // The mean, not the median: a round that meets a full collection is part of the steady cost.
  const cpu = mean(steady.map((r) => r.cpuMs));
  console.log(
    `${label}: first round  ${fmt(first.wallMs)} wall ${fmt(first.cpuMs)} CPU (${(first.cpuMs / base).toFixed(1)}x the cold listing)`,
  );
  console.log(
    `${label}: steady round ${fmt(median(steady.map((r) => r.wallMs)))} wall ${fmt(cpu)} CPU (${(cpu / base).toFixed(1)}x the cold listing; mean of ${STEADY_ROUNDS}, median ${fmt(median(steady.map((r) => r.cpuMs))).trim()})`,
  );
  console.log(`${label}: lab listVms, cold ${fmt(base)} CPU (baseline), cached ${fmt(median(cached))} CPU`);
  if (warmFirst) await warmFirstRound(label, hosts, vmsPerHost, base);
  return s;
}

/**
 * The first round again, of another lab (seed 2) into a new store, in this process whose code the
 * rounds above already compiled: the same work as a restarted agent's first round (every VM new,
 * every item inserted) without V8's compiling. What the two first rounds differ by is the JIT warm-up
 * a fresh process pays, about a third of it on this machine (BENCHMARKS.md, eighth session).
 */
async function warmFirstRound(label: string, hosts: number, vmsPerHost: number, base: number): Promise<void> {
  const other = await setup(hosts, vmsPerHost, {}, 2);
  const first = await round(other, 'first');
  console.log(
    `${label}: first round, code already compiled (another lab, new store) ${fmt(first.wallMs)} wall ${fmt(first.cpuMs)} CPU (${(first.cpuMs / base).toFixed(1)}x the cold listing)`,
  );
  await close(other);
}

async function driverCalls(): Promise<void> {
  for (const vms of [1, 1024]) {
    const s = await setup(1, vms);
    await round(s, 'unmeasured');
    await s.lab.advanceTo(s.lab.startTime + 15 * MINUTE);
    const [driver] = s.drivers;
    const record = s.calls.get(driver as HypervDriver) ?? {};
    for (const key of Object.keys(record)) delete record[key];
    await round(s, 'unmeasured');
    console.log(
      `driver calls per host, steady round, ${String(vms).padStart(4)} VMs: ${JSON.stringify(record)}`,
    );
    await close(s);
  }
}

async function growth(): Promise<void> {
  const s = await setup(2, 150, { guestAgentTickMinutes: 15 });
  const vms = s.lab.vms().length;
  let day7 = 0;
  for (let at = s.lab.startTime; at <= s.lab.startTime + 30 * DAY; at += HOUR) {
    await s.lab.advanceTo(at);
    await round(s, 'unmeasured');
    if (at === s.lab.startTime + 7 * DAY) day7 = (await s.store.tableSizes()).bytes;
  }
  const sizes = await s.store.tableSizes();
  const perVmDay = (sizes.bytes - day7) / vms / 23;
  console.log(
    `store growth, ${vms} VMs, hourly sweeps, days 7..30: ${(perVmDay / 1024).toFixed(2)} KiB per VM per day (${sizes.bytes} bytes at day 30)`,
  );
  console.log(`  rows at day 30: ${JSON.stringify(sizes.rows)}`);
  await close(s);
}

async function monthExport(s: Setup): Promise<void> {
  const times: number[] = [];
  let vms = 0;
  for (let i = 0; i < 5; i++) {
    const start = performance.now();
    vms = (await buildUsageMonth(s.store, '2026-11')).vms.length;
    times.push(performance.now() - start);
  }
  console.log(`month export (buildUsageMonth 2026-11) of ${vms} VMs: ${fmt(median(times))} (median of 5)`);
}

async function section(name: string, work: () => Promise<void>): Promise<void> {
  const start = performance.now();
  await work();
  console.log(`  (${name}: ${((performance.now() - start) / 1000).toFixed(0)} s)`);
}

console.log(
  `bench/sweep: Node ${process.version}, gc ${typeof globalThis.gc === 'function' ? 'exposed' : 'NOT exposed (run with --expose-gc)'}`,
);
const chosen = new Set(process.argv.slice(2));
const wanted = (name: string) => chosen.size === 0 || chosen.has(name);
if (wanted('host'))
  await section('1,024-VM host', async () => close(await sweepFigures('1 host x 1,024 VMs ', 1, 1024, true)));
if (wanted('fleet'))
  await section('8,000-VM fleet and month export', async () => {
    const fleet = await sweepFigures('8 hosts x 1,000 VMs', 8, 1000);
    await monthExport(fleet);
    await close(fleet);
  });
if (wanted('calls')) await section('driver calls', driverCalls);
if (wanted('growth')) await section('store growth', growth);
