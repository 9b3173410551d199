/**
 * PostgreSQL only: several agents write one database under READ COMMITTED, each through its own
 * store (its own connection). One agent's transaction is held open after its writes while the other
 * writes the same rows: every read-then-write must then wait and read what the first committed.
 * SQLite has no counterpart: one writer at a time holds the whole database (writer-lock.test.ts).
 */
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  openStore,
  type Store,
  StoreError,
  type SweepVm,
  type Transaction,
} from '../../../../agent/store/index.js';
import { createTestDatabase, postgresMissing, type TestDatabase } from '../../../support/postgres.js';
import { HOST_FACTS, observed, vmGuid } from '../store-test-kit.js';

const missing = postgresMissing();
const AT = new Date('2026-11-01T00:00:00Z');
const LATER = new Date('2026-11-01T00:01:00Z');
/** How long the first agent keeps its transaction open once the second has started. */
const HOLD_MS = 300;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const { host: _host, ...GUEST } = observed();

function sweepEntry(n: number): SweepVm {
  return {
    vm: { id: vmGuid(n), tenant: 'contoso' },
    name: `vm-${n}`,
    observation: GUEST,
    kvp: { intrinsic: [{ name: 'OSBuildNumber', data: '17763' }] },
  };
}

/**
 * Runs `first` in a transaction of store `a` and keeps it open until `second` (a transaction of store
 * `b`) has started and had HOLD_MS to reach the rows `first` wrote. Resolves to both outcomes.
 */
async function overlapping<A, B>(
  a: Store,
  first: (tx: Transaction) => Promise<A>,
  b: Store,
  second: (tx: Transaction) => Promise<B>,
): Promise<[PromiseSettledResult<A>, PromiseSettledResult<B>]> {
  let written!: () => void;
  const firstWrote = new Promise<void>((resolve) => {
    written = resolve;
  });
  let release!: () => void;
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  const one = a.transaction(async (tx) => {
    const result = await first(tx);
    written();
    await released;
    return result;
  });
  await firstWrote;
  const two = b.transaction(second);
  await sleep(HOLD_MS);
  release();
  return Promise.allSettled([one, two]) as Promise<[PromiseSettledResult<A>, PromiseSettledResult<B>]>;
}

/** A month close as close-month.ts makes it: chained to the head read in the same transaction. */
const close = (month: string, sha: string) => async (tx: Transaction) => {
  const previous = (await tx.lastMonthClose())?.sha256 ?? null;
  await tx.insertMonthClose({
    month,
    closedAt: LATER,
    report: '{}',
    csv: '{}',
    settings: '{}',
    actor: 'ops',
    actorSource: 'given',
    forced: false,
    previousSha256: previous,
    sha256: sha,
  });
  return previous;
};

describe.skipIf(missing !== null)('PostgreSQL shared by several agents', () => {
  let db: TestDatabase;
  let a: Store;
  let b: Store;
  let admin: pg.Client;
  beforeEach(async () => {
    db = await createTestDatabase();
    a = await openStore(db.url);
    b = await openStore(db.url);
    admin = new pg.Client({ connectionString: db.url });
    await admin.connect();
    await a.transaction(async (tx) => {
      for (const host of ['HV01', 'HV02']) {
        await tx.upsertHost(host, AT);
        await tx.recordHostFacts(host, AT, HOST_FACTS);
      }
    });
  });
  afterEach(async () => {
    await Promise.all([a.close(), b.close(), admin.end()]);
    await db.drop();
  });

  const count = async (sql: string) => Number((await admin.query(sql)).rows[0]?.n);

  it('two agents sweeping VMs that migrate between their hosts keep one open name and interval per VM', async () => {
    const vms = Array.from({ length: 20 }, (_, n) => sweepEntry(n));
    const hostEvents = vms.map((_, n) => ({ recordId: n + 1, eventId: 12310, time: AT, vm: vmGuid(n) }));
    const [one, two] = await overlapping(
      a,
      async (tx) => {
        await tx.recordSweep('HV01', AT, vms);
        return tx.insertEvents(hostEvents.map((e) => ({ ...e, source: 'host' as const, origin: 'HV01' })));
      },
      b,
      async (tx) => {
        // The other agent lists them in another order; it waits for the first's VM rows, then sees them.
        await tx.recordSweep('HV02', LATER, [...vms].reverse());
        return tx.insertEvents(hostEvents.map((e) => ({ ...e, source: 'host' as const, origin: 'hv01' })));
      },
    );
    expect([one.status, two.status]).toEqual(['fulfilled', 'fulfilled']);
    expect([
      (one as PromiseFulfilledResult<number>).value,
      (two as PromiseFulfilledResult<number>).value,
    ]).toEqual([20, 0]);
    expect(await count('SELECT count(*) AS n FROM vms')).toBe(20);
    expect(await count('SELECT count(*) AS n FROM vm_names WHERE valid_to IS NULL')).toBe(20);
    expect(await count('SELECT count(*) AS n FROM vm_names')).toBe(20);
    expect(await count('SELECT count(*) AS n FROM observations WHERE valid_to IS NULL')).toBe(20);
    // The second agent saw each VM on its own host: the first's interval closed, one opened.
    expect(
      await count(
        "SELECT count(*) AS n FROM observations o JOIN hosts h ON h.id = o.host_id WHERE h.name = 'HV02' AND o.valid_to IS NULL",
      ),
    ).toBe(20);
    expect(await count("SELECT count(*) AS n FROM events WHERE source = 'host'")).toBe(20);
  });

  it('records an opt-out requested through two agents at once once, audited once', async () => {
    await a.transaction((tx) => tx.upsertVm({ id: vmGuid(1), tenant: null }, AT));
    const request = { at: LATER, actor: 'alice', reason: 'tenant asked' };
    const [one, two] = await overlapping(
      a,
      (tx) => tx.setOptOut(vmGuid(1), true, request),
      b,
      (tx) => tx.setOptOut(vmGuid(1), true, { ...request, actor: 'bob' }),
    );
    expect([one, two].map((r) => (r.status === 'fulfilled' ? r.value : r.reason))).toEqual([true, false]);
    expect(await count("SELECT count(*) AS n FROM actions WHERE action = 'opt-out'")).toBe(1);
  });

  it('chains two month closes made at once one after the other, never both to the same head', async () => {
    const [one, two] = await overlapping(
      a,
      close('2026-09', 'a'.repeat(64)),
      b,
      close('2026-10', 'b'.repeat(64)),
    );
    expect([one, two].map((r) => (r.status === 'fulfilled' ? r.value : String(r.reason)))).toEqual([
      null,
      'a'.repeat(64),
    ]);
    const chain = (await admin.query('SELECT month, previous_sha256 FROM month_closes ORDER BY id')).rows;
    expect(chain).toEqual([
      { month: '2026-09', previous_sha256: null },
      { month: '2026-10', previous_sha256: 'a'.repeat(64) },
    ]);
  });

  it('closes a month closed by two agents at once once, refusing the second in the store’s words', async () => {
    const [one, two] = await overlapping(
      a,
      close('2026-10', 'a'.repeat(64)),
      b,
      close('2026-10', 'b'.repeat(64)),
    );
    expect(one.status).toBe('fulfilled');
    const error = (two as PromiseRejectedResult).reason as StoreError;
    expect(error.code).toBe('CONFLICT');
    expect(error.message).toBe(
      'month 2026-10 was already closed at 2026-11-01T00:01:00.000Z; a closed month is immutable',
    );
    expect(await count('SELECT count(*) AS n FROM month_closes')).toBe(1);
  });

  it('never moves a bookmark back when a slower agent advances it less far', async () => {
    await a.transaction((tx) => tx.setBookmark('HV01', 'System', 100, AT));
    const [, two] = await overlapping(
      a,
      (tx) => tx.setBookmark('HV01', 'System', 120, LATER),
      b,
      async (tx) => {
        const seen = await tx.getBookmark('HV01', 'System');
        await tx.setBookmark('HV01', 'System', 110, LATER);
        return seen.recordId;
      },
    );
    expect(two).toEqual({ status: 'fulfilled', value: 100 });
    expect((await b.transaction((tx) => tx.getBookmark('HV01', 'System'))).recordId).toBe(120);
  });

  it('refuses a token name another agent took a moment before, in the store’s own words', async () => {
    const token = (name: string) => (tx: Transaction) =>
      tx.createToken({ name, role: 'reader', actor: 'ops', at: AT, expiresAt: null });
    const [one, two] = await overlapping(a, token('grafana'), b, token('Grafana'));
    expect(one.status).toBe('fulfilled');
    const error = (two as PromiseRejectedResult).reason;
    expect(error).toBeInstanceOf(StoreError);
    expect((error as StoreError).code).toBe('CONFLICT');
    expect((error as StoreError).message).toContain('a token named "Grafana" already exists');
    expect(await count('SELECT count(*) AS n FROM tokens')).toBe(1);
  });

  it('records a token used through two agents in the same minute once', async () => {
    await a.createToken({ name: 'grafana', role: 'reader', actor: 'ops', at: AT, expiresAt: null });
    const [one, two] = await overlapping(
      a,
      (tx) => tx.recordTokenUse('grafana', LATER),
      b,
      (tx) => tx.recordTokenUse('GRAFANA', new Date(LATER.getTime() + 1000)),
    );
    expect([one, two].map((r) => (r.status === 'fulfilled' ? r.value : String(r.reason)))).toEqual([
      true,
      false,
    ]);
    expect(await count('SELECT last_used_at AS n FROM tokens')).toBe(LATER.getTime());
  });

  it('fails a transaction whose connection is killed with UNAVAILABLE, keeps none of it, and reconnects', async () => {
    const failed = a
      .transaction(async (tx) => {
        await tx.upsertHost('HV09', LATER);
        await tx.recordHostFacts('HV09', LATER, HOST_FACTS);
        await admin.query(
          `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
           WHERE datname = current_database() AND pid <> pg_backend_pid() AND application_name = 'avma-agent'
             AND state = 'idle in transaction'`,
        );
        await tx.upsertVm({ id: vmGuid(9), tenant: null }, LATER);
      })
      .catch((e: unknown) => e);
    const error = await failed;
    expect(error).toBeInstanceOf(StoreError);
    expect((error as StoreError).code).toBe('UNAVAILABLE');
    expect(await count("SELECT count(*) AS n FROM hosts WHERE name = 'HV09'")).toBe(0);
    expect(await count('SELECT count(*) AS n FROM vms')).toBe(0);
    await a.transaction((tx) => tx.upsertHost('HV09', LATER));
    expect(await count("SELECT count(*) AS n FROM hosts WHERE name = 'HV09'")).toBe(1);
  });
});
