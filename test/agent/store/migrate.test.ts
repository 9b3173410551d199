import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Connection } from '../../../agent/store/connection.js';
import { applyMigrations, pragmaNumber } from '../../../agent/store/migrate.js';
import { MIGRATIONS } from '../../../agent/store/migrations/index.js';
import { queryOnce } from './raw-sqlite.js';
import { type TempDir, tempDir } from './store-test-kit.js';

describe('agent/store/migrate', () => {
  let dir: TempDir;
  let conn: Connection;
  beforeEach(async () => {
    dir = await tempDir();
    conn = await Connection.open(dir.file('m.db'), { readOnly: false, create: true });
  });
  afterEach(async () => {
    await conn.close();
    await dir.remove();
  });

  it('rolls a failing migration back entirely and keeps the previous version', async () => {
    const broken = {
      version: MIGRATIONS.length + 1,
      name: 'next-broken',
      sql: 'CREATE TABLE half_done (id INTEGER PRIMARY KEY); INSERT INTO no_such_table VALUES (1);',
    };
    await applyMigrations(conn, MIGRATIONS);
    await expect(applyMigrations(conn, [...MIGRATIONS, broken])).rejects.toThrow(
      'no such table: no_such_table',
    );
    expect(await pragmaNumber(conn, 'user_version')).toBe(MIGRATIONS.length);
    const tables = await queryOnce(
      dir.file('m.db'),
      "SELECT name FROM sqlite_schema WHERE name = 'half_done'",
    );
    expect(tables).toEqual([]);
  });

  it('rolls back every pending migration when a later one fails, so no half-upgraded schema remains', async () => {
    await applyMigrations(conn, MIGRATIONS.slice(0, 1));
    const broken = { version: MIGRATIONS.length + 1, name: 'next-broken', sql: 'SELECT * FROM nowhere;' };
    await expect(applyMigrations(conn, [...MIGRATIONS, broken])).rejects.toMatchObject({
      code: 'MIGRATION_FAILED',
    });
    expect(await pragmaNumber(conn, 'user_version')).toBe(1);
    expect(await queryOnce(dir.file('m.db'), "SELECT name FROM sqlite_schema WHERE name = 'tokens'")).toEqual(
      [],
    );
  });

  it('applies each migration once, however often it runs', async () => {
    const counter = {
      version: MIGRATIONS.length + 1,
      name: 'next-counter',
      sql: 'CREATE TABLE runs (n INTEGER); INSERT INTO runs VALUES (1);',
    };
    await applyMigrations(conn, [...MIGRATIONS, counter]);
    await applyMigrations(conn, [...MIGRATIONS, counter]);
    expect(await queryOnce(dir.file('m.db'), 'SELECT count(*) AS n FROM runs')).toEqual([{ n: 1 }]);
    expect(await pragmaNumber(conn, 'user_version')).toBe(MIGRATIONS.length + 1);
  });

  it('marks observations recorded before licence evidence as the guest’s word, never as host evidence', async () => {
    await applyMigrations(conn, MIGRATIONS.slice(0, 1));
    await conn.exec(`
      INSERT INTO hosts (id, name, first_seen, last_seen) VALUES (1, 'HV01', 0, 0);
      INSERT INTO vms (id, guid, first_seen, last_seen) VALUES (1, 'a', 0, 0), (2, 'b', 0, 0);
      INSERT INTO observations (vm_id, host_id, valid_from, last_seen, state, data_exchange, os,
        license_status, channel, eligible, reasons, key_pushed, kvp_wiped, problems)
      VALUES (1, 1, 0, 0, 'Running', 1, 'windows-server', 'licensed', 'avma', 1, '[]', 0, 0, '[]'),
             (2, 1, 0, 0, 'Running', 1, 'linux', 'unknown', 'unknown', 0, '[]', 0, 0, '[]');`);
    await applyMigrations(conn, MIGRATIONS);
    const rows = await queryOnce(
      dir.file('m.db'),
      'SELECT vm_id, evidence, claimed_license_status, claimed_channel FROM observations ORDER BY vm_id',
    );
    expect(rows).toEqual([
      { vm_id: 1, evidence: 'guest', claimed_license_status: 'licensed', claimed_channel: 'avma' },
      { vm_id: 2, evidence: 'none', claimed_license_status: null, claimed_channel: null },
    ]);
  });
});
