// SQLite only: its migration series and PRAGMA user_version; PostgreSQL's own series is tested in pg/open-pg-store.test.ts.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Connection } from '../../../agent/store/connection.js';
import { applyMigrations, pragmaNumber } from '../../../agent/store/migrate.js';
import { LATEST_SCHEMA_VERSION, MIGRATIONS } from '../../../agent/store/migrations/index.js';
import { openStore } from '../../../agent/store/open-store.js';
import { buildUsageMonth } from '../../../agent/usage/index.js';
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
      version: LATEST_SCHEMA_VERSION + 1,
      name: 'next-broken',
      sql: 'CREATE TABLE half_done (id INTEGER PRIMARY KEY); INSERT INTO no_such_table VALUES (1);',
    };
    await applyMigrations(conn, MIGRATIONS);
    await expect(applyMigrations(conn, [...MIGRATIONS, broken])).rejects.toThrow(
      'no such table: no_such_table',
    );
    expect(await pragmaNumber(conn, 'user_version')).toBe(LATEST_SCHEMA_VERSION);
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
      version: LATEST_SCHEMA_VERSION + 1,
      name: 'next-counter',
      sql: 'CREATE TABLE runs (n INTEGER); INSERT INTO runs VALUES (1);',
    };
    await applyMigrations(conn, [...MIGRATIONS, counter]);
    await applyMigrations(conn, [...MIGRATIONS, counter]);
    expect(await queryOnce(dir.file('m.db'), 'SELECT count(*) AS n FROM runs')).toEqual([{ n: 1 }]);
    expect(await pragmaNumber(conn, 'user_version')).toBe(LATEST_SCHEMA_VERSION + 1);
  });

  it('keeps every observation recorded before VM sizes, their size unknown, billed as unknown hours', async () => {
    const nov = Date.parse('2026-11-01T00:00:00Z');
    const h10 = nov + 10 * 3_600_000;
    await applyMigrations(conn, MIGRATIONS.slice(0, 3));
    await conn.exec(`
      INSERT INTO hosts (id, name, first_seen, last_seen) VALUES (1, 'HV01', ${nov}, ${h10});
      INSERT INTO vms (id, guid, tenant, first_seen, last_seen) VALUES (1, 'a', 'contoso', ${nov}, ${h10});
      INSERT INTO observations (vm_id, host_id, valid_from, last_seen, valid_to, state, data_exchange, os,
        license_status, channel, eligible, reasons, key_pushed, kvp_wiped, problems, evidence)
      VALUES (1, 1, ${nov}, ${h10}, ${h10}, 'Running', 1, 'windows-server', 'licensed', 'avma', 1, '[]', 0, 0, '[]', 'host'),
             (1, 1, ${h10}, ${h10}, NULL, 'Off', 1, 'windows-server', 'licensed', 'avma', 1, '[]', 0, 0, '[]', 'host');`);
    await applyMigrations(conn, MIGRATIONS);
    const rows = await queryOnce(
      dir.file('m.db'),
      'SELECT state, evidence, processor_count, memory_assigned_bytes FROM observations ORDER BY id',
    );
    expect(rows).toEqual([
      { state: 'Running', evidence: 'host', processor_count: null, memory_assigned_bytes: null },
      { state: 'Off', evidence: 'host', processor_count: null, memory_assigned_bytes: null },
    ]);
    await expect(conn.exec('UPDATE observations SET processor_count = 0 WHERE id = 1')).rejects.toThrow(
      'CHECK constraint failed',
    );
    const store = await openStore(dir.file('m.db'), { readOnly: true });
    try {
      const [vm] = (await buildUsageMonth(store, '2026-11')).vms;
      expect([
        vm?.vmHours,
        vm?.vcpuHours,
        vm?.unknownVcpuHours,
        vm?.peakVcpus,
        vm?.avmaActivatedVmHours,
      ]).toEqual([10, 0, 10, null, 10]);
    } finally {
      await store.close();
    }
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
