// SQLite only: VACUUM INTO backups and integrity_check of a database file; PostgreSQL's backups are the operator's (pg_dump), not the agent's.
import { open, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { backupDatabase, checkDatabase } from '../../../agent/store/backup.js';
import { LATEST_SCHEMA_VERSION, MIGRATIONS, openStore, StoreError } from '../../../agent/store/index.js';
import { openRaw, queryOnce } from './raw-sqlite.js';
import { type TempDir, tempDir } from './store-test-kit.js';

async function storeWithToken(path: string, name: string): Promise<void> {
  const store = await openStore(path);
  try {
    await store.createToken({ name, role: 'reader', expiresAt: null, actor: 'test', at: new Date() });
  } finally {
    await store.close();
  }
}

async function tokenNames(path: string): Promise<string[]> {
  const store = await openStore(path, { readOnly: true });
  try {
    return (await store.listTokens()).map((token) => token.name);
  } finally {
    await store.close();
  }
}

describe('agent/store/backup', () => {
  let dir: TempDir;
  beforeEach(async () => {
    dir = await tempDir();
  });
  afterEach(async () => {
    await dir.remove();
  });

  it('copies what is committed while a writer holds an open transaction, and never what is not', async () => {
    const db = dir.file('live.sqlite');
    await storeWithToken(db, 'committed');
    const writer = await openRaw(db);
    await writer.exec('BEGIN IMMEDIATE');
    await writer.run(
      "INSERT INTO tokens (name, role, sha256, created_at, created_by) SELECT 'uncommitted', role, printf('%064d', 7), created_at, 'raw' FROM tokens",
    );
    const result = await backupDatabase(db, dir.file('copy.sqlite'));
    await writer.exec('ROLLBACK');
    await writer.close();
    expect(result.schemaVersion).toBe(LATEST_SCHEMA_VERSION);
    expect(await tokenNames(dir.file('copy.sqlite'))).toEqual(['committed']);
    expect((await checkDatabase(dir.file('copy.sqlite'))).ok).toBe(true);
  });

  it('never overwrites an existing file and leaves no partial file when it refuses', async () => {
    const db = dir.file('live.sqlite');
    await storeWithToken(db, 'a');
    await writeFile(dir.file('taken.sqlite'), 'keep me');
    await expect(backupDatabase(db, dir.file('taken.sqlite'))).rejects.toMatchObject({ code: 'CONFLICT' });
    await expect(backupDatabase(db, dir.file('no/such/dir.sqlite'))).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    const files = (await readdir(dir.path)).filter((name) => !/-(wal|shm)$/.test(name));
    expect(files.sort()).toEqual(['live.sqlite', 'taken.sqlite']);
    expect(await readFile(dir.file('taken.sqlite'), 'utf8')).toBe('keep me');
  });

  it('reports integrity, schema level and row counts, and a damaged file as not ok', async () => {
    const db = dir.file('live.sqlite');
    await storeWithToken(db, 'a');
    const healthy = await checkDatabase(db);
    expect(healthy).toMatchObject({ ok: true, integrity: ['ok'], schema: 'current' });
    expect(healthy.rows?.tokens).toBe(1);
    // Overwrite the second page (the first table's root) with garbage, keeping the header intact.
    const file = await open(db, 'r+');
    await file.write(Buffer.alloc(4096, 0x5a), 0, 4096, 4096);
    await file.close();
    const damaged = await checkDatabase(db).catch((error: unknown) => error);
    if (damaged instanceof StoreError) expect(damaged.code).toBe('CORRUPT');
    else expect(damaged).toMatchObject({ ok: false, rows: null });
  });

  it('does not call an SQLite file of another application ok', async () => {
    const other = await openRaw(dir.file('other.sqlite'));
    await other.exec('CREATE TABLE notes (text TEXT); PRAGMA user_version = 3;');
    await other.close();
    expect(await checkDatabase(dir.file('other.sqlite'))).toMatchObject({
      ok: false,
      integrity: ['ok'],
      schema: 'not-avma',
      rows: null,
    });
  });

  it('upgrades an existing database only after a backup beside it that holds the old schema', async () => {
    const db = dir.file('agent.sqlite');
    await storeWithToken(db, 'before-upgrade');
    const added = {
      version: LATEST_SCHEMA_VERSION + 1,
      name: 'next-ok',
      sql: 'CREATE TABLE extra (x INTEGER);',
    };
    const backups: string[] = [];
    const store = await openStore(db, {
      migrations: [...MIGRATIONS, added],
      onUpgradeBackup: (file) => backups.push(file),
    });
    await store.close();
    expect(backups).toHaveLength(1);
    const backup = backups[0] ?? '';
    expect(backup.startsWith(`${db}.schema-${LATEST_SCHEMA_VERSION}-before-${added.version}.`)).toBe(true);
    expect(await checkDatabase(backup)).toMatchObject({ ok: true, schemaVersion: LATEST_SCHEMA_VERSION });
    expect(await tokenNames(backup)).toEqual(['before-upgrade']);
    // A fresh database has nothing to back up.
    await openStore(dir.file('fresh.sqlite'), { migrations: [...MIGRATIONS, added] }).then((s) => s.close());
    expect((await readdir(dir.path)).filter((name) => name.startsWith('fresh.sqlite.'))).toEqual([]);
  });

  it('leaves the old database usable when a migration fails, and says why and where the backup is', async () => {
    const db = dir.file('agent.sqlite');
    await storeWithToken(db, 'kept');
    const sizeBefore = (await stat(db)).size;
    const good = {
      version: LATEST_SCHEMA_VERSION + 1,
      name: 'next-ok',
      sql: 'CREATE TABLE extra (x INTEGER);',
    };
    const broken = {
      version: LATEST_SCHEMA_VERSION + 2,
      name: 'next-broken',
      sql: 'ALTER TABLE tokens ADD COLUMN extra_flag INTEGER; INSERT INTO no_such_table VALUES (1);',
    };
    const failure = await openStore(db, { migrations: [...MIGRATIONS, good, broken] }).catch(
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(StoreError);
    const message = (failure as StoreError).message;
    expect((failure as StoreError).code).toBe('MIGRATION_FAILED');
    expect(message).toMatch(/failed in migration next-broken: .*no such table: no_such_table/);
    expect(message).toContain(`unchanged at schema ${LATEST_SCHEMA_VERSION}`);
    const from = LATEST_SCHEMA_VERSION;
    expect(message).toMatch(
      new RegExp(
        `a copy taken before is .*agent\\.sqlite\\.schema-${from}-before-${from + 2}\\.\\d{8}T\\d{6}Z\\.backup$`,
      ),
    );
    // The released agent opens it as before: same schema, same data, nothing half-applied.
    expect(await tokenNames(db)).toEqual(['kept']);
    expect(await queryOnce(db, "SELECT name FROM sqlite_schema WHERE name = 'extra'")).toEqual([]);
    expect(
      await queryOnce(db, "SELECT count(*) AS n FROM pragma_table_info('tokens') WHERE name = 'extra_flag'"),
    ).toEqual([{ n: 0 }]);
    expect((await checkDatabase(db)).schemaVersion).toBe(LATEST_SCHEMA_VERSION);
    expect(sizeBefore).toBeGreaterThan(0);
  });
});
