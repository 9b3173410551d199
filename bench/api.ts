/**
 * The HTTP API against architecture §11/§12. Run: node --expose-gc --import tsx bench/api.ts
 *
 * A lab fleet from `generateFleet` (seed 1, guest agents) is swept into a real SQLite store, the API
 * listens on loopback in this process, and autocannon (in a worker thread) sends a fixed 200 requests/s
 * for 10 s per route while a sweep round runs every second (the lab moving a simulated minute each time),
 * so cached answers keep being invalidated as in production. The baseline is `/healthz` under the same
 * load in the same run: what HTTP itself costs here; each route's p99 is printed with its ratio to it.
 *
 * 1. 1 host × 1,024 VMs: GET /api/v1/vms?limit=1000, a VM's detail, /metrics (p50, p99, requests/s).
 * 2. 8 hosts × 1,000 VMs: one /metrics scrape (median of 9, no load), the VM list page of 1,000, and
 *    the process's RSS with the store open and the server up.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import pino from 'pino';
import { startApi } from '../agent/api/api-host.js';
import { LabDriver } from '../agent/driver/lab/lab-driver.js';
import { generateFleet } from '../agent/lab/fleet-generator.js';
import { Lab } from '../agent/lab/lab.js';
import { validateScenario } from '../agent/lab/scenario-loader.js';
import { createAgentMetrics } from '../agent/metrics/index.js';
import { openStore, type Store } from '../agent/store/index.js';
import type { SweepSettings } from '../agent/sweep/host-sweep.js';
import { SweepCache } from '../agent/sweep/sweep-cache.js';
import { sweepRound } from '../agent/sweep/sweep-round.js';

const MINUTE = 60_000;
const RATE = 200;
const SECONDS = 10;

interface Fleet {
  readonly lab: Lab;
  readonly store: Store;
  readonly dir: string;
  sweep(): Promise<void>;
}

async function fleet(hosts: number, vmsPerHost: number): Promise<Fleet> {
  const lab = await Lab.create(
    validateScenario(generateFleet({ hosts, vmsPerHost, seed: 1, guestAgents: true })),
  );
  const drivers = lab.hosts().map((host) => new LabDriver(lab, host.name));
  const dir = mkdtempSync(join(tmpdir(), 'avma-bench-api-'));
  const store = await openStore(join(dir, 'avma.sqlite'), { staleAfterMs: 3 * 60 * MINUTE });
  const cache = new SweepCache();
  const settings: SweepSettings = {
    silentAfterMs: 45 * MINUTE,
    tenantOf: (_host, vm) => lab.findVm(vm.id)?.tenant ?? null,
    evidenceWindowMs: 7 * 24 * 60 * MINUTE,
    correlationToleranceMs: 5 * MINUTE,
  };
  const sweep = async () => {
    await lab.advanceTo(lab.now() + MINUTE);
    await sweepRound({ drivers, store, at: new Date(lab.now()), settings, cache });
  };
  await sweep();
  return { lab, store, dir, sweep };
}

/** The API as `avma run` sets it up: reads on a read-only connection of their own, writes on the agent's. */
async function serve(store: Store) {
  const reads = await openStore(store.path, { readOnly: true });
  const metrics = createAgentMetrics({ store: reads, version: 'bench' });
  const server = await startApi({
    store,
    readStore: reads,
    version: 'bench',
    listen: { host: '127.0.0.1', port: 0 },
    warn: () => undefined,
    log: pino({ level: 'silent' }),
    metrics,
    rateLimitPerMinute: 1_000_000,
  });
  const { token } = await store.createToken({
    name: 'bench',
    role: 'reader',
    expiresAt: null,
    actor: 'bench',
    at: new Date(),
  });
  return { server, token };
}

interface Load {
  readonly p50: number;
  readonly p99: number;
  readonly rps: number;
  readonly non2xx: number;
}

async function load(
  url: string,
  token: string,
  sweep: (() => Promise<void>) | null,
  sweepEveryMs = 1000,
): Promise<Load> {
  // Warm up (JIT, the first answer made and kept): the figures are for a running agent.
  for (let i = 0; i < 20; i++)
    await (await fetch(url, { headers: { authorization: `Bearer ${token}` } })).arrayBuffer();
  let sweeping = sweep !== null;
  const sweeps = (async () => {
    while (sweeping && sweep !== null) {
      await sweep();
      await new Promise((resolve) => setTimeout(resolve, sweepEveryMs));
    }
  })();
  const result = await autocannon({
    url,
    // What a browser, curl --compressed and Prometheus send.
    headers: { authorization: `Bearer ${token}`, 'accept-encoding': 'gzip' },
    connections: 10,
    overallRate: RATE,
    duration: SECONDS,
    workers: 1,
  });
  sweeping = false;
  await sweeps;
  return {
    p50: result.latency.p50,
    p99: result.latency.p99,
    rps: result.requests.average,
    non2xx: result.non2xx,
  };
}

function line(label: string, figure: Load, baseline: Load): string {
  const ratio = baseline.p99 > 0 ? ` (${(figure.p99 / baseline.p99).toFixed(1)}x /healthz)` : '';
  return `${label.padEnd(44)} p50 ${String(figure.p50).padStart(4)} ms  p99 ${String(figure.p99).padStart(4)} ms${ratio}  ${figure.rps.toFixed(0)} req/s${figure.non2xx > 0 ? `  ${figure.non2xx} non-2xx!` : ''}`;
}

async function timed(url: string, token: string, runs: number): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    const answer = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
    await answer.arrayBuffer();
    times.push(performance.now() - start);
  }
  return times.sort((a, b) => a - b)[Math.floor(times.length / 2)] ?? 0;
}

async function smallFleet(): Promise<void> {
  const f = await fleet(1, 1024);
  const { server, token } = await serve(f.store);
  const [vm] = (await f.store.listVmPage({}, null, 1)).rows;
  const quiet = await load(`${server.url}/healthz`, token, null);
  console.log(line('1,024 VMs, no sweep: /healthz (baseline)', quiet, quiet));
  console.log(
    line(
      '1,024 VMs, no sweep: GET /api/v1/vms?limit=1000',
      await load(`${server.url}/api/v1/vms?limit=1000`, token, null),
      quiet,
    ),
  );
  console.log(
    line(
      '1,024 VMs, a sweep in the 10 s: GET /api/v1/vms?limit=1000',
      await load(`${server.url}/api/v1/vms?limit=1000`, token, f.sweep, 5000),
      quiet,
    ),
  );
  const baseline = await load(`${server.url}/healthz`, token, f.sweep);
  console.log(line('1,024 VMs: /healthz (baseline)', baseline, baseline));
  console.log(
    line(
      '1,024 VMs: GET /api/v1/vms?limit=1000',
      await load(`${server.url}/api/v1/vms?limit=1000`, token, f.sweep),
      baseline,
    ),
  );
  console.log(
    line(
      '1,024 VMs: GET /api/v1/vms/{id}',
      await load(`${server.url}/api/v1/vms/${vm?.id}`, token, f.sweep),
      baseline,
    ),
  );
  console.log(line('1,024 VMs: GET /metrics', await load(`${server.url}/metrics`, token, f.sweep), baseline));
  await server.close();
  await f.store.close();
  rmSync(f.dir, { recursive: true, force: true });
}

/**
 * The server as an operator runs it with a real driver: `avma serve` in a process of its own over the
 * 8,000-VM store (no simulated fleet in it), exercised (every list page, scrapes), then its RSS read
 * from /proc.
 */
async function serveProcessRss(db: string, token: string): Promise<number> {
  const entry = fileURLToPath(new URL('../test/e2e/avma-from-source.ts', import.meta.url));
  const args = ['--import', 'tsx', entry, 'serve', '--db', db, '--listen', '127.0.0.1:0'];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let err = '';
      child.stderr?.on('data', (chunk: Buffer) => {
        err += chunk.toString('utf8');
        const match = /(http:\/\/127\.0\.0\.1:\d+)/.exec(err);
        if (match?.[1] !== undefined) resolve(match[1]);
      });
      child.on('exit', () => reject(new Error(`avma serve ended: ${err}`)));
    });
    const headers = { authorization: `Bearer ${token}` };
    let cursor: string | null = null;
    do {
      const after = cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`;
      const page = (await (await fetch(`${url}/api/v1/vms?limit=1000${after}`, { headers })).json()) as {
        next: string | null;
      };
      cursor = page.next;
    } while (cursor !== null);
    await timed(`${url}/metrics`, token, 5);
    const status = await readFile(`/proc/${child.pid}/status`, 'utf8');
    return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) / 1024;
  } finally {
    child.kill('SIGTERM');
  }
}

async function bigFleet(): Promise<void> {
  const f = await fleet(8, 1000);
  const { server, token } = await serve(f.store);
  await f.sweep();
  const scrape = await timed(`${server.url}/metrics`, token, 9);
  const firstPage = await timed(`${server.url}/api/v1/vms?limit=1000&tenant=none-such`, token, 5);
  globalThis.gc?.();
  const rss = process.memoryUsage().rss / 1024 / 1024;
  console.log(`8,000 VMs: /metrics scrape median ${scrape.toFixed(1)} ms (target < 100 ms)`);
  console.log(`8,000 VMs: filtered VM list (no match) median ${firstPage.toFixed(1)} ms`);
  console.log(`8,000 VMs: RSS of this process (simulated fleet, store, server): ${rss.toFixed(0)} MB`);
  await server.close();
  const served = await serveProcessRss(f.store.path, token);
  console.log(
    `8,000 VMs: RSS of avma serve after paging every VM and 5 scrapes: ${served.toFixed(0)} MB (target < 200 MB)`,
  );
  await f.store.close();
  rmSync(f.dir, { recursive: true, force: true });
}

console.log(
  `bench/api: Node ${process.version}, ${RATE} requests/s for ${SECONDS} s per route; sweeps as labelled (default: one every second)`,
);
await smallFleet();
await bigFleet();
