/**
 * The read-side contract between the backends: the bundled lab scenario (agent/lab/scenarios/
 * default.json) swept into SQLite, copied into PostgreSQL, and every Store read and every report made
 * from both must be equal. Then the copy's promises: a second copy writes nothing, a target holding
 * other data is refused with nothing written, the identities continue past the copied ids.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateScenario } from '../../../../agent/lab/scenario-loader.js';
import type { Scenario } from '../../../../agent/lab/scenario-schema.js';
import { compareStores, firstDifference } from '../../../../agent/reports/compare-stores.js';
import { openSession } from '../../../../agent/runtime/agent-session.js';
import { runLabWithAgent } from '../../../../agent/runtime/lab-run.js';
import { openStore, type Store } from '../../../../agent/store/index.js';
import { copySqliteToPostgres } from '../../../../agent/store/pg/copy-sqlite.js';
import { closeMonth } from '../../../../agent/usage/close-month.js';
import { createTestDatabase, postgresMissing, type TestDatabase } from '../../../support/postgres.js';
import { type Fleet, scenario, server } from '../../sweep/sweep-kit.js';
import { apiLab } from '../queries/api-lab.js';

const missing = postgresMissing();
const HOUR = 3_600_000;
/** Where the lab's four days end; reports "as of now" are made at this time from both stores. */
const NOW = new Date('2026-11-05T00:00:00Z');

/**
 * Names whose case-insensitive order differs from their binary order (SQLite's NOCASE against
 * PostgreSQL's collation), with a rename, a non-ASCII name NOCASE does not fold, and hosts in mixed case.
 */
const MIXED_CASE = validateScenario({
  ...(scenario(
    ['Zeta', 'alpha', 'Beta', 'beta2', '_under', 'Ümlaut', 'ümlaut2'].map((name, i) => ({
      name,
      host: i % 2 === 0 ? 'HV01' : 'hv02',
      tenant: i % 3 === 0 ? 'Contoso' : 'contoso',
      guestAgent: i % 2 === 0,
      guest: server('2019', 'standard', i % 2 === 0 ? 'gvlk' : 'retail', 'licensed'),
    })),
    [{ at: '2026-11-01T05:00:00Z', type: 'rename-vm', vm: 'alpha', name: 'ALPHA-prod' }],
  ) as object),
  hosts: [
    { name: 'HV01', version: '2022', edition: 'datacenter', sockets: 2, coresPerSocket: 16 },
    { name: 'hv02', version: '2022', edition: 'datacenter', sockets: 2, coresPerSocket: 16 },
  ],
});

/** Four days of a lab scenario (default: the bundled one), hourly, then a forced close of November and a token. */
async function labDatabase(lab?: Scenario): Promise<string> {
  const db = join(await mkdtemp(join(tmpdir(), 'copy-sqlite-')), 'avma.sqlite');
  const session = await openSession({
    driver: 'lab',
    db,
    staleAfterMs: 3 * HOUR,
    silentAfterMs: 3 * HOUR,
    ...(lab === undefined ? {} : { scenario: lab }),
  });
  try {
    await runLabWithAgent({ session, end: NOW.getTime(), sweepIntervalMs: HOUR, concurrency: 2 });
  } finally {
    await session.close();
  }
  const store = await openStore(db);
  try {
    await closeMonth(store, '2026-11', { now: NOW, force: true, actor: 'test', actorSource: 'given' });
    await store.createToken({ name: 'Auditor', role: 'reader', expiresAt: null, actor: 'test', at: NOW });
  } finally {
    await store.close();
  }
  return db;
}

/** Every read of the Store API, with the same arguments for both backends. */
async function everyRead(store: Store): Promise<Record<string, unknown>> {
  const status = await store.listVmStatus({ includeDeleted: true });
  const guids = status.map((vm) => vm.id);
  const hosts = await store.listHosts();
  const reads: Record<string, unknown> = {
    status,
    statusLive: await store.listVmStatus(),
    statusOfHost: await store.listVmStatus({ host: hosts[0]?.name.toLowerCase() ?? 'x' }),
    vmPages: [await store.listVmPage({}, null, 7), await store.listVmPage({ includeDeleted: true })],
    vmPageFilters: await Promise.all([
      store.listVmPage({ eligible: true }),
      store.listVmPage({ licenseStatus: 'licensed' }),
      store.listVmPage({ reason: 'GUEST_NOT_WINDOWS_SERVER' }),
      store.listVmPage({ q: 'SQL' }),
      store.listVmPage({ host: hosts[1]?.name.toUpperCase() ?? 'x' }),
    ]),
    details: await Promise.all(guids.map((id) => store.getVmDetail(id))),
    hosts,
    host: await store.getHost(hosts[0]?.name.toUpperCase() ?? 'x'),
    newVms: await store.listNewVms(new Date('2026-11-02T00:00:00Z'), 50),
    events: await store.listEvents(),
    eventsNewest: await store.listEventsPage({}, null, 25, 'newest-first'),
    eventsOfVm: await store.listEvents({ vm: status[0]?.name ?? 'x' }),
    eventsOfHost: await store.listEvents({ host: hosts[0]?.name.toLowerCase() ?? 'x', eventId: 12310 }),
    audit: await store.listAudit(),
    auditFiltered: await store.listAudit({ actions: ['push-key', 'month-close'], since: new Date(0) }),
    sweepState: await store.readSweepState(),
    metrics: await store.metricsSnapshot(new Date('2026-11-03T00:00:00Z')),
    usage: await store.readUsageInputs(new Date('2026-11-01T00:00:00Z'), new Date('2026-12-01T00:00:00Z')),
    reportInputs: await store.readReportInputs(),
    history: await store.readLicenceHistory(),
    historyOfVm: await store.readLicenceHistory(guids[0] ?? null),
    byName: await store.findVmsByName(status[1]?.name?.toUpperCase() ?? 'x'),
    close: await store.getMonthClose('2026-11'),
    closedMonths: await store.listClosedMonths(),
    closes: await store.listMonthCloses(),
    tokens: await store.listTokens(),
    lastPrune: await store.lastRawPrune(),
    rows: (await store.tableSizes()).rows,
  };
  return reads;
}

async function query(url: string, sql: string): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await client.query(sql);
  } finally {
    await client.end();
  }
}

describe.skipIf(missing !== null)('agent/store/pg/copy-sqlite', () => {
  let source: string;
  let mixedCase: string;
  let apiFleet: Fleet;
  const databases: TestDatabase[] = [];
  async function target(): Promise<string> {
    const db = await createTestDatabase('avma_copy');
    databases.push(db);
    return db.url;
  }
  beforeAll(async () => {
    source = await labDatabase();
    mixedCase = await labDatabase(MIXED_CASE);
    apiFleet = await apiLab();
  }, 120_000);
  afterAll(async () => {
    await apiFleet?.close();
    for (const db of databases) await db.drop();
  });

  it.each([
    ['the bundled scenario', () => source, 1],
    ['names in mixed case', () => mixedCase, 1],
    ['the API lab of the query tests (deleted VM, rename, migration)', () => apiFleet.store.path, 0],
  ])(
    'copies every table so that every read and every report is the same from PostgreSQL: %s',
    async (_, from, closes) => {
      const url = await target();
      const copy = await copySqliteToPostgres(from(), url, { batchRows: 7 });
      expect(copy.outcome).toBe('copied');
      const sqlite = await openStore(from(), { readOnly: true });
      const postgres = await openStore(url, { readOnly: true });
      try {
        const expected = await everyRead(sqlite);
        expect((expected.events as unknown[]).length).toBeGreaterThan(0);
        expect((expected.closes as unknown[]).length).toBe(closes);
        expect(firstDifference(expected, await everyRead(postgres))).toBeNull();
        const reports = await compareStores(sqlite, postgres, NOW);
        expect(reports.difference).toBeNull();
        expect(reports.compared).toBeGreaterThan(20);
      } finally {
        await sqlite.close();
        await postgres.close();
      }
    },
    120_000,
  );

  it('writes nothing when copied again, and continues every identity past the copied ids', async () => {
    const url = await target();
    const first = await copySqliteToPostgres(source, url);
    const second = await copySqliteToPostgres(source, url);
    expect(second.outcome).toBe('unchanged');
    expect(second.tables).toEqual(first.tables);
    const events = first.tables.find((t) => t.table === 'events')?.rows ?? 0;
    const counted = await query(url, 'SELECT count(*)::int AS n, max(id)::int AS max FROM events');
    expect(counted.rows[0].n).toBe(events);
    const next = await query(url, "SELECT nextval(pg_get_serial_sequence('events', 'id'))::int AS id");
    expect(next.rows[0].id).toBeGreaterThan(counted.rows[0].max);
  }, 60_000);

  it('refuses a target whose rows differ, naming the row, and writes nothing', async () => {
    const url = await target();
    await copySqliteToPostgres(source, url);
    await query(url, 'UPDATE hosts SET last_seen = last_seen + 1 WHERE id = 1');
    const refused = copySqliteToPostgres(source, url);
    await expect(refused).rejects.toMatchObject({ code: 'CONFLICT' });
    await expect(refused).rejects.toThrow(/\(hosts id 1 differs in last_seen\); nothing was written/);
    const sqlite = await openStore(source, { readOnly: true });
    const postgres = await openStore(url, { readOnly: true });
    try {
      // The verification notices the same change from the reports.
      const reports = await compareStores(sqlite, postgres, NOW);
      expect(reports.difference).toMatch(/^hosts: \[0\]\.lastSeen: /);
    } finally {
      await sqlite.close();
      await postgres.close();
    }
  }, 60_000);

  it('refuses a target holding another database, leaving it as it was', async () => {
    const other = join(await mkdtemp(join(tmpdir(), 'copy-other-')), 'other.sqlite');
    const store = await openStore(other);
    await store.createToken({ name: 'noc', role: 'operator', expiresAt: null, actor: 'test', at: NOW });
    await store.close();
    const url = await target();
    await copySqliteToPostgres(other, url);
    await expect(copySqliteToPostgres(source, url)).rejects.toThrow(
      /not a copy of this source \(table hosts has 0 rows there, \d+ in the source\)/,
    );
    const tokens = await query(url, 'SELECT name FROM tokens');
    expect(tokens.rows).toEqual([{ name: 'noc' }]);
    expect((await query(url, 'SELECT count(*)::int AS n FROM hosts')).rows[0].n).toBe(0);
  }, 60_000);
});
