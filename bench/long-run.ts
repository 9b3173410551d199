/**
 * Cost over history at a fixed fleet (issue 14). Run: node --expose-gc --import tsx bench/long-run.ts
 * [month|week] [--days N]
 *
 * The lab (generateFleet, seed 1, guest agents) with the agent's sweep every simulated hour, as
 * `avma lab run --db` does it: a month at 1 host x 1,000 VMs and a week at 8 hosts x 1,000 VMs. Every
 * round's CPU is taken apart: the lab moving its clock to the round (guest agents, activations) and
 * the agent's sweep (decode, decide, act, persist; SQLite's threads included). At the end of day 1
 * and at the end, the heap after a full GC is split into the agent's share (what dropping the sweep
 * cache and reopening the store frees: the store's statement cache and the rows it keeps between
 * transactions) and the rest (the lab and the process).
 * The figure that matters is the last day's median round against the first day's, in the same run.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LabDriver } from '../agent/driver/lab/lab-driver.js';
import { generateFleet } from '../agent/lab/fleet-generator.js';
import { Lab } from '../agent/lab/lab.js';
import { validateScenario } from '../agent/lab/scenario-loader.js';
import { openStore } from '../agent/store/index.js';
import { SweepCache } from '../agent/sweep/sweep-cache.js';
import { sweepRound } from '../agent/sweep/sweep-round.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

interface RoundCost {
  readonly day: number;
  readonly labMs: number;
  readonly agentMs: number;
}

interface HeapSplit {
  readonly totalMb: number;
  readonly agentMb: number;
  readonly restMb: number;
  readonly rssMb: number;
}

function cpuMs(since: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1000;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

function heapMb(): number {
  globalThis.gc?.();
  globalThis.gc?.();
  return process.memoryUsage().heapUsed / 2 ** 20;
}

const mb = (value: number): string => `${value.toFixed(1).padStart(7)} MB`;
const ms = (value: number): string => `${value.toFixed(1).padStart(7)} ms`;

async function longRun(label: string, hosts: number, vmsPerHost: number, days: number): Promise<void> {
  const scenario = validateScenario(generateFleet({ hosts, vmsPerHost, seed: 1, guestAgents: true }));
  const before = heapMb();
  const lab = await Lab.create(scenario);
  const drivers = lab.hosts().map((host) => new LabDriver(lab, host.name));
  const dir = mkdtempSync(join(tmpdir(), 'bench-long-run-'));
  const file = join(dir, 'avma.sqlite');
  let store = await openStore(file, { staleAfterMs: 3 * HOUR });
  const settings = {
    silentAfterMs: 3 * HOUR,
    tenantOf: (_host: string, vm: { readonly id: string }) => lab.findVm(vm.id)?.tenant ?? null,
    evidenceWindowMs: 7 * DAY,
    correlationToleranceMs: 5 * MINUTE,
  };
  let cache = new SweepCache();
  const costs: RoundCost[] = [];
  const heaps: { day: number; split: HeapSplit }[] = [];
  /**
   * The agent's share: what the sweep cache and the store hold (dropping them costs the next round a
   * full decode and a read of every open row).
   */
  const split = async (): Promise<HeapSplit> => {
    const total = heapMb();
    cache = new SweepCache();
    await store.close();
    store = await openStore(file, { staleAfterMs: 3 * HOUR });
    const rest = heapMb();
    return {
      totalMb: total - before,
      agentMb: total - rest,
      restMb: rest - before,
      rssMb: process.memoryUsage().rss / 2 ** 20,
    };
  };
  const end = lab.startTime + days * DAY;
  for (let at = lab.startTime; at <= end; at += HOUR) {
    // Day 1 holds the rounds after the start up to 24 h; the round at the start is the first round.
    const day = Math.max(1, Math.ceil((at - lab.startTime) / DAY));
    const labStart = process.cpuUsage();
    await lab.advanceTo(at);
    const labMs = cpuMs(labStart);
    const agentStart = process.cpuUsage();
    const report = await sweepRound({ drivers, store, at: new Date(at), settings, cache });
    const agentMs = cpuMs(agentStart);
    if (report.totals.notRecorded > 0 || report.totals.stale > 0) throw new Error('a host was not recorded');
    // The first round inserts the fleet; it is the first-round benchmark's, not history's.
    if (at > lab.startTime) costs.push({ day, labMs, agentMs });
    if (at === lab.startTime + DAY || at === end) heaps.push({ day, split: await split() });
  }
  const vms = lab.vms().length;
  const sizes = await store.tableSizes();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
  report(label, vms, days, costs, heaps, sizes.rows);
  const passes = lab.guestAgentPasses;
  console.log(`  guest agent passes: ${passes.due} due, ${passes.run} run (the rest deferred and replaced)`);
}

function report(
  label: string,
  vms: number,
  days: number,
  costs: readonly RoundCost[],
  heaps: readonly { day: number; split: HeapSplit }[],
  rows: unknown,
): void {
  const onDay = (day: number) => costs.filter((cost) => cost.day === day);
  const first = onDay(1);
  const last = onDay(days);
  console.log(`${label} (${vms} VMs at the end), hourly sweeps, ${days} days:`);
  for (const part of ['agentMs', 'labMs'] as const) {
    const name = part === 'agentMs' ? 'agent (sweep)' : 'lab (clock) ';
    const a = median(first.map((cost) => cost[part]));
    const b = median(last.map((cost) => cost[part]));
    console.log(
      `  ${name} CPU per round, median: day 1 ${ms(a)}, day ${days} ${ms(b)} (ratio ${(b / a).toFixed(2)}, target <= 1.10)`,
    );
  }
  const perDay = (part: 'agentMs' | 'labMs') =>
    Array.from({ length: days }, (_, i) => median(onDay(i + 1).map((cost) => cost[part])).toFixed(0)).join(
      ' ',
    );
  console.log(`  agent median per day (ms): ${perDay('agentMs')}`);
  console.log(`  lab median per day (ms):   ${perDay('labMs')}`);
  for (const { day, split } of heaps) {
    console.log(
      `  heap after GC, end of day ${String(day).padStart(2)}: agent ${mb(split.agentMb)}, lab and process ${mb(split.restMb)}, total ${mb(split.totalMb)}; RSS ${mb(split.rssMb)}`,
    );
  }
  const [dayOne, atEnd] = heaps;
  if (dayOne !== undefined && atEnd !== undefined && atEnd !== dayOne) {
    console.log(
      `  agent heap growth day 1 -> day ${days}: ${(atEnd.split.agentMb - dayOne.split.agentMb).toFixed(1)} MB; lab ${(atEnd.split.restMb - dayOne.split.restMb).toFixed(1)} MB`,
    );
  }
  console.log(`  store rows at the end: ${JSON.stringify(rows)}`);
}

const args = process.argv.slice(2);
const which = args.find((arg) => arg === 'month' || arg === 'week');
const daysFlag = args.indexOf('--days');
const daysOverride = daysFlag >= 0 ? Number(args[daysFlag + 1]) : undefined;
console.log(
  `bench/long-run: Node ${process.version}, gc ${typeof globalThis.gc === 'function' ? 'exposed' : 'NOT exposed (run with --expose-gc)'}`,
);
if (which !== 'week') await longRun('month, 1 host x 1,000 VMs', 1, 1000, daysOverride ?? 30);
if (which !== 'month') await longRun('week, 8 hosts x 1,000 VMs', 8, 1000, daysOverride ?? 7);
