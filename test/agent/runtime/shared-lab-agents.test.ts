/**
 * Three agents sharing hosts through leases, in one process, on one lab server: the multi-agent test of
 * issue 13 without PostgreSQL (test/e2e/shared-agents.test.ts is the real one, with processes and a
 * PostgreSQL). Leases live in memory here with a real TTL; the store is one SQLite database all three
 * write through. One agent stops answering a third of the way; the others take its hosts over. The
 * result must be what `avma lab run` records for the same scenario, seed and interval.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_CORRELATION_TOLERANCE_MS } from '../../../agent/decide/host-evidence.js';
import { loadScenarioFile } from '../../../agent/lab/scenario-loader.js';
import { labUrlSource } from '../../../agent/runtime/lab-url-source.js';
import { openStore, type Store, StoreError } from '../../../agent/store/index.js';
import { type HostClaim, type HostClaims, onlyPending } from '../../../agent/sweep/host-claims.js';
import { SweepCache } from '../../../agent/sweep/sweep-cache.js';
import { sweepRound } from '../../../agent/sweep/sweep-round.js';
import { labRunFingerprint, referenceAndLabServer } from './lab-fingerprint.js';

const SCENARIO = 'agent/lab/scenarios/shared-fleet.json';
const MINUTE = 60_000;
const INTERVAL = 30 * MINUTE;
const SEED = 7;
const START = Date.parse('2026-11-01T00:00:00Z');
const UNTIL = START + 36 * 60 * MINUTE;
const TTL_MS = 300;
const HOSTS: Readonly<Record<string, readonly string[]>> = {
  a: ['HV01', 'HV02', 'HV03', 'HV04'],
  b: ['HV03', 'HV04', 'HV05', 'HV06'],
  c: ['HV01', 'HV02', 'HV05', 'HV06'],
};
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** host_leases in memory, on the real clock: take free or expired, renew own; fence on commit. */
function memoryLeases() {
  const rows = new Map<string, { owner: string; expires: number }>();
  return (owner: string): HostClaims => ({
    shared: true,
    claim: async (hosts) => {
      const claims = new Map<string, HostClaim>();
      for (const host of hosts.map((h) => h.toLowerCase())) {
        const row = rows.get(host);
        const free = row === undefined || row.owner === owner || row.expires <= Date.now();
        if (free) rows.set(host, { owner, expires: Date.now() + TTL_MS });
        const now = rows.get(host) as { owner: string; expires: number };
        claims.set(host, {
          held: free,
          holder: now.owner,
          untilMs: now.expires,
          confirmedAtMs: free ? Date.now() : null,
        });
      }
      return claims;
    },
    fence: async (_tx, host) => {
      const row = rows.get(host.toLowerCase());
      if (row?.owner !== owner || row.expires <= Date.now())
        throw new StoreError('LEASE_LOST', `${host} is not ${owner}'s`);
    },
    seal: async () => undefined,
  });
}

async function agentLoop(
  id: string,
  url: string,
  store: Store,
  leaseOf: (owner: string) => HostClaims,
  stop: AbortSignal,
) {
  const source = await labUrlSource({
    driver: 'lab',
    db: '',
    staleAfterMs: 0,
    silentAfterMs: 0,
    hosts: HOSTS[id],
    labUrl: url,
  });
  const cache = new SweepCache();
  const settings = {
    silentAfterMs: 3 * INTERVAL,
    tenantOf: source.tenantOf,
    evidenceWindowMs: source.evidenceWindowMs,
    correlationToleranceMs: DEFAULT_CORRELATION_TOLERANCE_MS,
    disabledCollectors: new Set<never>(),
  };
  const claims = onlyPending(leaseOf(id), source);
  let done = false;
  while (!stop.aborted && !done) {
    await source.clock.follow(0, 0, 1);
    const report = await sweepRound({
      drivers: source.drivers,
      store,
      at: new Date(source.clock.now()),
      settings,
      cache,
      claims,
      deleteUnseenAfterMs: 1.5 * INTERVAL,
      retry: { firstDelayMs: 5, maxTotalMs: 50 },
    });
    if (stop.aborted) break; // died before telling anyone: its hosts are swept again after a takeover
    await source.afterRound?.(report);
    done = ((await fetch(`${url}/lab`).then((r) => r.json())) as { done: boolean }).done;
  }
}

describe('agent/runtime: three agents sharing hosts on one lab server', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  it('records what one agent records, with one agent dying a third of the way', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'shared-lab-'));
    dirs.push(dir);
    const scenario = await loadScenarioFile(SCENARIO);
    const settings = { staleAfterMs: 3 * INTERVAL, silentAfterMs: 3 * INTERVAL };
    const { expected, server } = await referenceAndLabServer({
      scenario,
      seed: SEED,
      db: join(dir, 'direct.sqlite'),
      until: UNTIL,
      intervalMs: INTERVAL,
      settings,
    });
    const store = await openStore(join(dir, 'shared.sqlite'), settings);
    const leaseOf = memoryLeases();
    const stops = new Map(Object.keys(HOSTS).map((id) => [id, new AbortController()]));
    try {
      const loops = [...stops].map(([id, stop]) => agentLoop(id, server.url, store, leaseOf, stop.signal));
      while (server.status().now < START + 12 * 60 * MINUTE) await sleep(20);
      stops.get('a')?.abort();
      await Promise.all(loops);
      expect(server.status()).toMatchObject({ done: true, now: UNTIL });
      const shared = await labRunFingerprint(store);
      expect(shared.vms.map(([name, host]) => [name, host])).toEqual(
        expected.vms.map(([name, host]) => [name, host]),
      );
      expect(shared.events).toEqual(expected.events);
      expect(shared.month).toEqual(expected.month);
    } finally {
      await store.close();
      await server.close();
    }
  }, 120_000);
});
