// SQLite only: file headers, application_id, WAL and quick_check of a database file; opening PostgreSQL is in pg/open-pg-store.test.ts.
import { createHash, randomBytes } from 'node:crypto';
import { readFile, stat, truncate, writeFile } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LATEST_SCHEMA_VERSION, openStore, StoreError } from '../../../agent/store/index.js';
import { openRaw, queryOnce } from './raw-sqlite.js';
import { HOST_FACTS, observed, type TempDir, tempDir, vmGuid } from './store-test-kit.js';

const AT = new Date('2026-11-01T00:00:00Z');

async function sha256Of(path: string): Promise<string> {
  return createHash('sha256')
    .update(await readFile(path))
    .digest('hex');
}

async function refusal(promise: Promise<unknown>): Promise<StoreError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(StoreError);
  return error as StoreError;
}

/** A real database written by the store: one host, one VM with a few hundred observations. */
async function realDatabase(path: string): Promise<void> {
  const store = await openStore(path);
  await store.transaction(async (tx) => {
    await tx.upsertHost('HV01', AT);
    await tx.recordHostFacts('HV01', AT, HOST_FACTS);
    for (let n = 0; n < 300; n++) {
      await tx.upsertVm({ id: vmGuid(n), tenant: `tenant-${n % 7}` }, AT);
      await tx.recordVmName(vmGuid(n), AT, `vm-${n}`);
      await tx.recordObservation(vmGuid(n), AT, observed());
    }
  });
  await store.close();
}

describe('agent/store/open-store', () => {
  let dir: TempDir;
  beforeEach(async () => {
    dir = await tempDir();
  });
  afterEach(async () => {
    await dir.remove();
  });

  it('applies every migration to a fresh database and records the schema version', async () => {
    const path = dir.file('fresh.db');
    const store = await openStore(path);
    await store.close();
    const [version] = await queryOnce(path, 'PRAGMA user_version');
    expect(Object.values(version ?? {})[0]).toBe(LATEST_SCHEMA_VERSION);
    const tables = await queryOnce(path, "SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name");
    expect(tables.map((t) => t.name)).toEqual([
      'actions',
      'bookmarks',
      'events',
      'host_facts',
      'hosts',
      'kvp_items',
      'kvp_latest',
      'month_closes',
      'observations',
      'raw_prunes',
      'tokens',
      'vm_names',
      'vms',
    ]);
    const [mode] = await queryOnce(path, 'PRAGMA journal_mode');
    expect(mode?.journal_mode).toBe('wal');
  });

  it('reopens a current database without applying migrations again', async () => {
    const path = dir.file('twice.db');
    await realDatabase(path);
    const store = await openStore(path);
    const sizes = await store.tableSizes();
    await store.close();
    expect(sizes.rows.observations).toBe(300);
    expect(sizes.rows.vms).toBe(300);
  });

  it('refuses a missing directory instead of creating it', async () => {
    const error = await refusal(openStore(dir.file('no-such-dir/avma.db')));
    expect(error.code).toBe('NOT_FOUND');
    expect(error.message).toBe(
      `directory ${dir.file('no-such-dir')} does not exist; create it first (the agent does not create directories)`,
    );
    await expect(stat(dir.file('no-such-dir'))).rejects.toThrow();
  });

  it('refuses a missing file when told not to create one, and creates nothing', async () => {
    const path = dir.file('missing.db');
    const error = await refusal(openStore(path, { readOnly: true }));
    expect(error.code).toBe('NOT_FOUND');
    expect(error.message).toBe(`database file ${path} does not exist; expected an avma-agent database`);
    await expect(stat(path)).rejects.toThrow();
  });

  it('refuses a database from a newer avma-agent with the schema numbers, leaving it unchanged', async () => {
    const path = dir.file('newer.db');
    await realDatabase(path);
    const raw = await openRaw(path);
    await raw.exec('PRAGMA user_version = 99');
    await raw.close();
    const before = await sha256Of(path);
    const error = await refusal(openStore(path));
    expect(error.code).toBe('NEWER_SCHEMA');
    expect(error.message).toBe(
      `this database was written by a newer avma-agent (schema 99, this version knows ${LATEST_SCHEMA_VERSION}); refusing to open it`,
    );
    expect(await sha256Of(path)).toBe(before);
  });

  it('refuses a file of random bytes and never writes to it', async () => {
    const path = dir.file('random.db');
    await writeFile(path, randomBytes(64 * 1024));
    const before = await sha256Of(path);
    const error = await refusal(openStore(path));
    expect(error.code).toBe('CORRUPT');
    expect(error.message).toContain('is not an SQLite database');
    expect(await sha256Of(path)).toBe(before);
    expect((await stat(path)).size).toBe(64 * 1024);
  });

  it('refuses a truncated real database and never writes to it', async () => {
    const path = dir.file('truncated.db');
    await realDatabase(path);
    const size = (await stat(path)).size;
    await truncate(path, Math.floor(size / 2));
    const before = await sha256Of(path);
    const error = await refusal(openStore(path));
    expect(error.code).toBe('CORRUPT');
    expect(error.message).toMatch(/is damaged .*refusing to open it, the file was not changed/);
    expect(await sha256Of(path)).toBe(before);
  });

  it("refuses another application's SQLite database instead of migrating it", async () => {
    const path = dir.file('other-app.db');
    const raw = await openRaw(path);
    await raw.exec(
      'CREATE TABLE monitor (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO monitor VALUES (1, "web")',
    );
    await raw.close();
    const before = await sha256Of(path);
    const error = await refusal(openStore(path));
    expect(error.code).toBe('NOT_AVMA_DATABASE');
    expect(await sha256Of(path)).toBe(before);
  });

  it('opens read-only without changing the database file and refuses transactions', async () => {
    const path = dir.file('ro.db');
    await realDatabase(path);
    const before = await sha256Of(path);
    const store = await openStore(path, { readOnly: true });
    expect(await store.listVmStatus()).toHaveLength(300);
    const error = await refusal(store.transaction(async () => undefined));
    expect(error.code).toBe('READ_ONLY');
    await store.close();
    expect(await sha256Of(path)).toBe(before);
  });

  it('refuses to read an empty file read-only because it has no schema yet', async () => {
    const path = dir.file('empty.db');
    await writeFile(path, '');
    const error = await refusal(openStore(path, { readOnly: true }));
    expect(error.code).toBe('OUTDATED_SCHEMA');
    expect(error.message).toContain('has schema 0');
  });

  it('reports a database locked by another process as LOCKED after the busy timeout', async () => {
    const path = dir.file('locked.db');
    await realDatabase(path);
    const holder = await openRaw(path);
    await holder.exec('BEGIN EXCLUSIVE');
    const store = await openStore(path, { busyTimeoutMs: 50 }).catch((e: unknown) => e);
    if (store instanceof StoreError) {
      expect(store.code).toBe('LOCKED');
    } else {
      throw new Error('expected the exclusive lock to block opening');
    }
    await holder.exec('ROLLBACK');
    await holder.close();
  });

  it('rejects option values outside their ranges', async () => {
    const error = await refusal(openStore(dir.file('x.db'), { staleAfterMs: 0 }));
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.message).toBe('staleAfterMs is 0, expected an integer 1..31622400000');
  });
});
