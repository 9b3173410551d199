/**
 * PostgreSQL only: opening and migrating a database. SQLite's counterparts (file headers,
 * application_id, backups before migrating) are in open-store.test.ts and migrate.test.ts; a
 * PostgreSQL database has none of those, its identity is the avma_schema table.
 */
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { openStore, StoreError } from '../../../../agent/store/index.js';
import { PG_MIGRATIONS } from '../../../../agent/store/pg/migrations/index.js';
import { AVMA_PG_APPLICATION, PG_MIGRATION_LOCK } from '../../../../agent/store/pg/open-pg-store.js';
import { PgConnection } from '../../../../agent/store/pg/pg-connection.js';
import { createTestDatabase, postgresMissing, type TestDatabase } from '../../../support/postgres.js';

const missing = postgresMissing();
const AT = new Date('2026-11-01T00:00:00Z');

async function codeOf(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  return error instanceof StoreError ? error.code : `not a StoreError: ${String(error)}`;
}

describe.skipIf(missing !== null)('agent/store/pg/open-pg-store', () => {
  let db: TestDatabase;
  let admin: pg.Client;
  beforeEach(async () => {
    db = await createTestDatabase();
    admin = new pg.Client({ connectionString: db.url });
    await admin.connect();
  });
  afterEach(async () => {
    vi.restoreAllMocks();
    await admin.end();
    await db.drop();
  });

  const tables = async () =>
    (
      await admin.query(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name",
      )
    ).rows.map((row: { table_name: string }) => row.table_name);
  const version = async () => (await admin.query('SELECT version FROM avma_schema')).rows[0]?.version;

  it('creates the schema in an empty database, and opening it again changes nothing', async () => {
    const store = await openStore(db.url);
    await store.transaction((tx) => tx.upsertHost('HV01', AT));
    await store.close();
    expect(await version()).toBe(PG_MIGRATIONS.length);
    expect(await tables()).toEqual(
      expect.arrayContaining(['avma_schema', 'hosts', 'events', 'month_closes']),
    );
    const again = await openStore(db.url);
    expect((await again.tableSizes()).rows.hosts).toBe(1);
    await again.close();
    expect(await version()).toBe(PG_MIGRATIONS.length);
  });

  it('refuses a database written by a newer agent, changing nothing', async () => {
    await (await openStore(db.url)).close();
    await admin.query('UPDATE avma_schema SET version = 99');
    const error = await openStore(db.url).catch((e: unknown) => e);
    expect((error as StoreError).code).toBe('NEWER_SCHEMA');
    expect((error as StoreError).message).toContain('schema 99');
    expect(await version()).toBe(99);
  });

  it('refuses a database holding tables of another application, without creating any', async () => {
    await admin.query('CREATE TABLE invoices (id integer PRIMARY KEY, total numeric)');
    await admin.query('INSERT INTO invoices VALUES (1, 9.5)');
    expect(await codeOf(openStore(db.url))).toBe('NOT_AVMA_DATABASE');
    expect(await tables()).toEqual(['invoices']);
  });

  it('opens a database whose first migration another agent commits while this one is looking at it', async () => {
    // Another agent's first start, as applyPgMigrations does it, held open until this agent has read.
    await admin.query('BEGIN');
    await admin.query('SELECT pg_advisory_xact_lock($1)', [PG_MIGRATION_LOCK]);
    await admin.query('CREATE TABLE avma_schema (application text NOT NULL, version integer NOT NULL)');
    await admin.query('INSERT INTO avma_schema (application, version) VALUES ($1, $2)', [
      AVMA_PG_APPLICATION,
      PG_MIGRATIONS.length,
    ]);
    for (const migration of PG_MIGRATIONS) await admin.query(migration.sql);
    // The other agent commits right after this agent's first read, before its second.
    const get = PgConnection.prototype.get;
    let committed: Promise<unknown> | null = null;
    vi.spyOn(PgConnection.prototype, 'get').mockImplementation(async function (this: PgConnection, ...args) {
      const row = await get.apply(this, args);
      committed ??= admin.query('COMMIT');
      await committed;
      return row;
    });
    const store = await openStore(db.url);
    await store.transaction((tx) => tx.upsertHost('HV01', AT));
    await store.close();
    expect(await version()).toBe(PG_MIGRATIONS.length);
  });

  it('refuses to open read-only a database that still needs migrations, and writes nothing', async () => {
    expect(await codeOf(openStore(db.url, { readOnly: true }))).toBe('OUTDATED_SCHEMA');
    expect(await tables()).toEqual([]);
    await (await openStore(db.url)).close();
    const next = PG_MIGRATIONS.length + 1;
    const newer = [
      ...PG_MIGRATIONS,
      { version: next, name: 'pg-next-test', sql: 'CREATE TABLE extra (a int)' },
    ];
    expect(await codeOf(openStore(db.url, { readOnly: true, migrations: newer }))).toBe('OUTDATED_SCHEMA');
    expect(await tables()).not.toContain('extra');
  });

  it('rolls back every pending migration when one fails, naming it, and leaves the database empty', async () => {
    const failing = {
      version: PG_MIGRATIONS.length + 1,
      name: 'pg-next-broken',
      sql: 'CREATE TABLE extra (a int); INSERT INTO no_such_table VALUES (1)',
    };
    const error = await openStore(db.url, { migrations: [...PG_MIGRATIONS, failing] }).catch(
      (e: unknown) => e,
    );
    expect((error as StoreError).code).toBe('MIGRATION_FAILED');
    expect((error as StoreError).message).toContain('pg-next-broken');
    expect((error as StoreError).message).toContain('no_such_table');
    // The real migrations ran in the same transaction: they are gone too, so the database is as it was.
    expect(await tables()).toEqual([]);
    const store = await openStore(db.url);
    await store.close();
    expect(await version()).toBe(PG_MIGRATIONS.length);
  });
});
