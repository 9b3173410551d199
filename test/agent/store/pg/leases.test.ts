/**
 * Host leases against a real PostgreSQL: two agents wanting the same hosts, expiry and takeover on the
 * database clock, renewal, release, and the fence inside a recording transaction.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Store } from '../../../../agent/store/index.js';
import { hostSweepers, openStore } from '../../../../agent/store/index.js';
import { HostLeases } from '../../../../agent/store/pg/leases.js';
import { PgConnection } from '../../../../agent/store/pg/pg-connection.js';
import { leaseClaims } from '../../../../agent/sweep/host-claims.js';
import { createTestDatabase, postgresMissing, type TestDatabase } from '../../../support/postgres.js';

const missing = postgresMissing();

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.skipIf(missing !== null)('HostLeases against a real PostgreSQL', () => {
  let db: TestDatabase;
  let store: Store;
  const open: HostLeases[] = [];
  const leases = (owner: string, ttlMs = 60_000) => {
    const lease = new HostLeases(db.url, { owner, ttlMs });
    open.push(lease);
    return lease;
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    store = await openStore(db.url);
  });
  afterAll(async () => {
    for (const lease of open) await lease.close();
    await store?.close();
    await db?.drop();
  });

  it('gives each host to one agent; the other sees who holds it and until when', async () => {
    const a = leases('agent-a');
    const b = leases('agent-b');
    const first = await a.acquire(['HV01', 'hv02']);
    expect([...first.values()].map((s) => [s.host, s.held, s.owner])).toEqual([
      ['hv01', true, 'agent-a'],
      ['hv02', true, 'agent-a'],
    ]);
    const second = await b.acquire(['hv02', 'HV03']);
    expect(second.get('hv02')).toMatchObject({ held: false, owner: 'agent-a', confirmedAtMs: null });
    expect(second.get('hv02')?.expiresAtMs).toBe(first.get('hv02')?.expiresAtMs);
    expect(second.get('hv03')).toMatchObject({ held: true, owner: 'agent-b' });
    // Renewing one's own lease moves its expiry and keeps it.
    await sleep(20);
    const again = await a.acquire(['hv01']);
    expect(again.get('hv01')?.held).toBe(true);
    expect(again.get('hv01')?.expiresAtMs).toBeGreaterThan(first.get('hv01')?.expiresAtMs ?? 0);
    expect((await store.listHostLeases()).map((row) => row.host)).toEqual(['hv01', 'hv02', 'hv03']);
    const sweeperOf = await hostSweepers(store);
    expect(sweeperOf({ name: 'HV03', lastSeen: '2026-11-01T00:00:00.000Z' })).toMatchObject({
      agent: 'agent-b',
      live: true,
      lastSweep: null,
      until: new Date(second.get('hv03')?.expiresAtMs ?? 0).toISOString(),
    });
    expect((await b.holders()).map((row) => [row.host, row.owner, row.live])).toEqual([
      ['hv01', 'agent-a', true],
      ['hv02', 'agent-a', true],
      ['hv03', 'agent-b', true],
    ]);
  });

  it('marks a host fresh for the sweep when this agent gains it, so its remembered KVP is not trusted', async () => {
    const claims = leaseClaims(leases('gainer'));
    const first = await claims.claim(['HV70']);
    expect(first.get('hv70')).toMatchObject({ held: true, fresh: true, holder: 'gainer' });
    const again = await claims.claim(['HV70']);
    expect(again.get('hv70')).toMatchObject({ held: true, fresh: false });
  });

  // Needs the PostgreSQL port of agent/store/repos (upsertHost, audit): another branch of issue 13.
  it('seals a host sweep with a host-sweep audit record: the agent, and its interval on the database clock', async () => {
    const agent = leases('sealer');
    const claims = leaseClaims(agent);
    const claim = (await claims.claim(['HV80'])).get('hv80');
    if (claim === undefined) throw new Error('no claim');
    const sweepAt = new Date('2026-11-01T00:15:00Z');
    const check = new PgConnection(db.url);
    // The host row as the sweep's upsertHost leaves it (written directly: the repos' PostgreSQL port is
    // another branch's).
    await check.run('INSERT INTO hosts (name, first_seen, last_seen) VALUES ($1, $2, $2)', [
      'HV80',
      sweepAt.getTime(),
    ]);
    await store.transaction(async (tx) => {
      await claims.fence(tx, 'HV80');
      await claims.seal(tx, 'HV80', claim, sweepAt);
    });
    const row = await check.get("SELECT actor, action, details FROM actions WHERE action = 'host-sweep'");
    await check.close();
    expect(row).toMatchObject({ actor: 'sealer', action: 'host-sweep' });
    const details = JSON.parse(String(row?.details)) as Record<string, unknown>;
    expect(details).toMatchObject({ startedAt: claim.confirmedAtMs, sweepAt: '2026-11-01T00:15:00.000Z' });
    expect(Number(details.committedAt)).toBeGreaterThanOrEqual(claim.confirmedAtMs ?? Infinity);
    const [lease] = (await agent.holders()).filter((l) => l.host === 'hv80');
    expect(lease?.sweptAtMs).toBe(details.committedAt);
  });

  it('lets another agent take a lease only after it expired on the database clock', async () => {
    const dying = leases('dying', 1000);
    const heir = leases('heir');
    expect((await dying.acquire(['hv10'])).get('hv10')?.held).toBe(true);
    expect((await heir.acquire(['hv10'])).get('hv10')?.held).toBe(false);
    await sleep(1100);
    const taken = (await heir.acquire(['hv10'])).get('hv10');
    expect(taken).toMatchObject({ held: true, owner: 'heir' });
    // The one that stalled does not get it back by asking again.
    expect((await dying.acquire(['hv10'])).get('hv10')).toMatchObject({ held: false, owner: 'heir' });
  });

  it('renews every lease of its owner so a running agent keeps its hosts past the TTL', async () => {
    const keeper = leases('keeper', 1000);
    const rival = leases('rival');
    await keeper.acquire(['hv20', 'hv21']);
    keeper.startRenewing();
    await sleep(1500);
    const seen = await rival.acquire(['hv20', 'hv21']);
    expect([...seen.values()].map((s) => s.held)).toEqual([false, false]);
    expect(await keeper.renew()).toEqual(['hv20', 'hv21']);
  });

  it('runs a renewal that comes during a claim after it, never beside it on the connection', async () => {
    const a = leases('agent-in-turn');
    let inFlight = 0;
    let most = 0;
    const all = PgConnection.prototype.all;
    const spy = vi.spyOn(PgConnection.prototype, 'all').mockImplementation(async function (
      this: PgConnection,
      ...args: Parameters<PgConnection['all']>
    ) {
      inFlight += 1;
      most = Math.max(most, inFlight);
      try {
        return await all.apply(this, args);
      } finally {
        inFlight -= 1;
      }
    });
    try {
      // What the renewal timer does while a round claims its hosts.
      const [claimed, renewed] = await Promise.all([a.acquire(['HV41', 'HV42']), a.renew(), a.holders()]);
      expect([...claimed.values()].every((state) => state.held)).toBe(true);
      expect(renewed).toEqual(['hv41', 'hv42']);
    } finally {
      spy.mockRestore();
    }
    expect(most).toBe(1);
  });

  it('releases hosts so another agent takes them at once, keeping their last sweep', async () => {
    const leaving = leases('leaving');
    const staying = leases('staying');
    await leaving.acquire(['hv30']);
    await store.transaction(async (tx) => {
      await tx.lockLease('hv30', 'leaving');
      await tx.stampLeaseSwept('HV30', 'leaving');
    });
    await leaving.release(['HV30']);
    const taken = (await staying.acquire(['hv30'])).get('hv30');
    expect(taken).toMatchObject({ held: true, owner: 'staying' });
    expect(taken?.sweptAtMs).toBeGreaterThan(0);
  });

  it('fences a recording transaction: a lease taken over makes the stalled agent fail with LEASE_LOST', async () => {
    const stalled = leases('stalled', 1000);
    const successor = leases('successor');
    await stalled.acquire(['hv40']);
    await sleep(1100);
    await successor.acquire(['hv40']);
    const recording = store.transaction(async (tx) => {
      await tx.lockLease('hv40', 'stalled');
      await tx.upsertHost('hv40', new Date('2026-11-01T00:00:00Z'));
    });
    await expect(recording).rejects.toMatchObject({ code: 'LEASE_LOST' });
    await expect(recording).rejects.toThrow(/leased to successor/);
    // Read directly: the store's host query belongs to the PostgreSQL port of the queries.
    const check = new PgConnection(db.url);
    expect(await check.get("SELECT count(*) AS n FROM hosts WHERE lower(name) = 'hv40'")).toEqual({ n: 0 });
    await check.close();
  });

  it('fences an expired lease nobody took, and a host never leased', async () => {
    const late = leases('late', 1000);
    await late.acquire(['hv50']);
    await sleep(1100);
    const expired = store.transaction((tx) => tx.lockLease('hv50', 'late'));
    await expect(expired).rejects.toThrow(/expired \d+ ms ago/);
    const never = store.transaction((tx) => tx.lockLease('hv51', 'late'));
    await expect(never).rejects.toMatchObject({ code: 'LEASE_LOST' });
  });

  it('makes a takeover wait for the holder to commit: the heir confirms after the commit time', async () => {
    const holder = leases('holder', 1000);
    const heir = leases('heir2');
    await holder.acquire(['hv60']);
    let committedAt = 0;
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const recording = store.transaction(async (tx) => {
      await tx.lockLease('hv60', 'holder');
      await gate;
      committedAt = await tx.stampLeaseSwept('hv60', 'holder');
    });
    await sleep(1100); // the lease expires while the row is locked
    const takeover = heir.acquire(['hv60']);
    await sleep(200);
    release();
    await recording;
    const state = (await takeover).get('hv60');
    expect(state?.held).toBe(true);
    expect(state?.confirmedAtMs).toBeGreaterThanOrEqual(committedAt);
  });
});
