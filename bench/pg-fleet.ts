/**
 * Many agents, one PostgreSQL (issue 13), side by side with one SQLite agent in the same run.
 * Run: node --expose-gc --import tsx bench/pg-fleet.ts [--hosts 8] [--vms 1000] [--hours 24]
 *
 * Two labs from the same `generateFleet` seed (8 hosts x 1,000 VMs, guest agents), so both backends see
 * exactly the same fleet and do the same pushes:
 * - SQLite: one agent sweeping the 8 hosts into one file (the embedded default);
 * - PostgreSQL: 8 agents in this process, each with its own store connection sweeping one host under
 *   its lease (claimed each round, fenced and audited in the host's transaction, as `avma run` does),
 *   all 8 at once (what 8 agent processes do to the server), in a fresh database of a PostgreSQL server
 *   (`AVMA_BENCH_PG_URL`, or a throwaway cluster from Debian's binaries like the tests').
 * Figures:
 * 1. Agent CPU per host for the first round and the median of 7 steady rounds (15 simulated minutes
 *    apart), each with its ratio to the lab's cold listing of the same hosts in the same process (the
 *    baseline of bench/sweep.ts); for PostgreSQL also the server's CPU (its processes' /proc times).
 * 2. Rows and bytes per VM per day: `--hours` of hourly sweeps after the steady rounds.
 * 3. The SPLA month report (`buildUsageMonth`) of the whole fleet from each store (median of 3), and
 *    whether the two reports are identical.
 * Targets: steady round < 250 ms CPU per 1,024-VM host as with SQLite; month report < 1 s.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { LabDriver } from '../agent/driver/lab/lab-driver.js';
import { generateFleet } from '../agent/lab/fleet-generator.js';
import { Lab } from '../agent/lab/lab.js';
import { validateScenario } from '../agent/lab/scenario-loader.js';
import { openStore, type Store, type TableSizes } from '../agent/store/index.js';
import { HostLeases } from '../agent/store/pg/leases.js';
import { type HostClaims, leaseClaims } from '../agent/sweep/host-claims.js';
import type { SweepSettings } from '../agent/sweep/host-sweep.js';
import { SweepCache } from '../agent/sweep/sweep-cache.js';
import { sweepRound } from '../agent/sweep/sweep-round.js';
import { buildUsageMonth } from '../agent/usage/index.js';
import startThrowawayCluster from '../test/support/postgres-global-setup.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const STEADY_ROUNDS = 7;

const { values } = parseArgs({
  options: {
    hosts: { type: 'string', default: '8' },
    vms: { type: 'string', default: '1000' },
    hours: { type: 'string', default: '24' },
  },
});
const HOSTS = Number(values.hosts);
const VMS_PER_HOST = Number(values.vms);
const HOURS = Number(values.hours);

/** One agent: its store and the hosts it sweeps. */
interface Agent {
  readonly store: Store;
  readonly drivers: LabDriver[];
  readonly cache: SweepCache;
  /** PostgreSQL: the agent's host leases, claimed every round and fenced in each host's transaction. */
  readonly leases?: HostLeases;
  /** Made once per agent: it remembers which hosts it held, so a round drops the cache only on a takeover. */
  readonly claims?: HostClaims;
}

interface Side {
  readonly name: string;
  readonly lab: Lab;
  readonly agents: Agent[];
  readonly sizes: () => Promise<TableSizes>;
}

async function newLab(): Promise<Lab> {
  const scenario = validateScenario(
    generateFleet({ hosts: HOSTS, vmsPerHost: VMS_PER_HOST, seed: 1, guestAgents: true }),
  );
  return Lab.create(scenario);
}

function settings(lab: Lab): SweepSettings {
  return {
    silentAfterMs: 3 * HOUR,
    tenantOf: (_host, vm) => lab.findVm(vm.id)?.tenant ?? null,
    evidenceWindowMs: 7 * 24 * HOUR,
    correlationToleranceMs: 5 * MINUTE,
  };
}

/** CPU seconds of every process whose command is `postgres` (the server and its backends). */
function serverCpuMs(): number {
  const tick = 100; // USER_HZ on Linux
  let total = 0;
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const command = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      if (command !== 'postgres') continue;
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      total += ((Number(fields[11]) + Number(fields[12])) * 1000) / tick;
    } catch {
      // The process ended meanwhile.
    }
  }
  return total;
}

interface RoundCost {
  readonly agentCpuMs: number;
  readonly serverCpuMs: number;
}

/** One round of every agent of a side at once; CPU of this process and of the PostgreSQL server. */
async function round(side: Side): Promise<RoundCost> {
  globalThis.gc?.();
  const cpu = process.cpuUsage();
  const server = serverCpuMs();
  const at = new Date(side.lab.now());
  const reports = await Promise.all(
    side.agents.map((agent) =>
      sweepRound({
        drivers: agent.drivers,
        store: agent.store,
        at,
        settings: settings(side.lab),
        cache: agent.cache,
        ...(agent.claims === undefined ? {} : { claims: agent.claims }),
      }),
    ),
  );
  const used = process.cpuUsage(cpu);
  for (const report of reports) {
    if (report.totals.notRecorded > 0 || report.totals.stale > 0) {
      throw new Error(
        `${side.name}: a host was not recorded: ${JSON.stringify(report.hosts.map((h) => h.error))}`,
      );
    }
  }
  return { agentCpuMs: (used.user + used.system) / 1000, serverCpuMs: serverCpuMs() - server };
}

async function coldListing(lab: Lab): Promise<number> {
  for (const vm of lab.vms()) vm.touch();
  globalThis.gc?.();
  const cpu = process.cpuUsage();
  for (const host of lab.hosts()) await new LabDriver(lab, host.name).listVms();
  const used = process.cpuUsage(cpu);
  return (used.user + used.system) / 1000;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

const ms = (value: number) => `${value.toFixed(1).padStart(8)} ms`;

async function sqliteSide(dir: string): Promise<Side> {
  const lab = await newLab();
  const store = await openStore(join(dir, 'avma.sqlite'), { staleAfterMs: 3 * HOUR });
  const drivers = lab.hosts().map((host) => new LabDriver(lab, host.name));
  return {
    name: 'SQLite, 1 agent',
    lab,
    agents: [{ store, drivers, cache: new SweepCache() }],
    sizes: () => store.tableSizes(),
  };
}

async function postgresSide(url: string): Promise<Side> {
  const lab = await newLab();
  const agents: Agent[] = [];
  for (const [index, host] of lab.hosts().entries()) {
    const store = await openStore(url, { staleAfterMs: 3 * HOUR });
    const leases = new HostLeases(url, { owner: `bench-agent-${index + 1}`, ttlMs: 10 * MINUTE });
    const claims = leaseClaims(leases);
    agents.push({ store, drivers: [new LabDriver(lab, host.name)], cache: new SweepCache(), leases, claims });
  }
  return {
    name: `PostgreSQL, ${agents.length} agents`,
    lab,
    agents,
    sizes: () => (agents[0] as Agent).store.tableSizes(),
  };
}

async function freshDatabase(): Promise<{ url: string; stop: () => void }> {
  let stop: () => void = () => undefined;
  if (!process.env.AVMA_BENCH_PG_URL) {
    const teardown = await startThrowawayCluster();
    if (teardown === undefined && !process.env.AVMA_TEST_PG_URL)
      throw new Error('no PostgreSQL server: set AVMA_BENCH_PG_URL or apt install postgresql');
    stop = teardown ?? stop;
  }
  const admin = process.env.AVMA_BENCH_PG_URL || (process.env.AVMA_TEST_PG_URL as string);
  const name = `avma_bench_${process.pid}`;
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  await client.query(`DROP DATABASE IF EXISTS ${name}`);
  await client.query(`CREATE DATABASE ${name}`);
  await client.end();
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return { url: url.toString(), stop };
}

async function sweepFigures(side: Side): Promise<void> {
  const hosts = side.lab.hosts().length;
  const first = await round(side);
  const steady: RoundCost[] = [];
  const cold: number[] = [];
  for (let i = 1; i <= STEADY_ROUNDS; i++) {
    await side.lab.advanceTo(side.lab.startTime + i * 15 * MINUTE);
    cold.push(await coldListing(side.lab));
    steady.push(await round(side));
  }
  const base = median(cold) / hosts;
  const perHost = (cost: number) => cost / hosts;
  const steadyAgent = median(steady.map((r) => r.agentCpuMs));
  console.log(
    `${side.name}: first round, agent CPU per host ${ms(perHost(first.agentCpuMs))} (${(perHost(first.agentCpuMs) / base).toFixed(1)}x the cold listing)`,
  );
  console.log(
    `${side.name}: steady round, agent CPU per host ${ms(perHost(steadyAgent))} (${(perHost(steadyAgent) / base).toFixed(1)}x the cold listing; median of ${STEADY_ROUNDS})`,
  );
  if (side.name.startsWith('PostgreSQL')) {
    console.log(
      `${side.name}: server CPU per host, first ${ms(perHost(first.serverCpuMs))}, steady ${ms(perHost(median(steady.map((r) => r.serverCpuMs))))}`,
    );
  }
  console.log(`${side.name}: lab listVms per host, cold ${ms(base)} CPU (baseline)`);
}

async function growth(side: Side): Promise<void> {
  const before = await side.sizes();
  const from = side.lab.now();
  for (let hour = 1; hour <= HOURS; hour++) {
    await side.lab.advanceTo(from + hour * HOUR);
    await round(side);
  }
  const after = await side.sizes();
  const vms = side.lab.vms().length;
  const days = HOURS / 24;
  const rows = Object.entries(after.rows).reduce(
    (sum, [table, n]) => sum + n - (before.rows[table as keyof typeof before.rows] ?? 0),
    0,
  );
  console.log(
    `${side.name}: over ${HOURS} h of hourly sweeps: ${(rows / vms / days).toFixed(2)} rows and ${((after.bytes - before.bytes) / vms / days / 1024).toFixed(2)} KiB per VM per day`,
  );
}

async function monthReport(side: Side): Promise<string> {
  const store = (side.agents[0] as Agent).store;
  const times: number[] = [];
  let json = '';
  for (let i = 0; i < 3; i++) {
    const start = performance.now();
    const report = await buildUsageMonth(store, '2026-11');
    times.push(performance.now() - start);
    json = JSON.stringify(report);
  }
  console.log(`${side.name}: month report (buildUsageMonth 2026-11) ${ms(median(times))} (median of 3)`);
  return json;
}

console.log(
  `bench/pg-fleet: Node ${process.version}, ${HOSTS} hosts x ${VMS_PER_HOST} VMs, gc ${typeof globalThis.gc === 'function' ? 'exposed' : 'NOT exposed'}`,
);
const dir = mkdtempSync(join(tmpdir(), 'bench-pg-fleet-'));
const database = await freshDatabase();
try {
  const sides = [await sqliteSide(dir), await postgresSide(database.url)];
  for (const side of sides) await sweepFigures(side);
  for (const side of sides) await growth(side);
  const [sqliteReport, postgresReport] = [
    await monthReport(sides[0] as Side),
    await monthReport(sides[1] as Side),
  ];
  console.log(`month reports identical: ${sqliteReport === postgresReport ? 'yes' : 'NO'}`);
  for (const side of sides) {
    for (const agent of side.agents) {
      await agent.leases?.close();
      await agent.store.close();
    }
  }
} finally {
  database.stop();
  rmSync(dir, { recursive: true, force: true });
}
