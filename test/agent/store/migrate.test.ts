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
      version: 2,
      name: '0002-broken',
      sql: 'CREATE TABLE half_done (id INTEGER PRIMARY KEY); INSERT INTO no_such_table VALUES (1);',
    };
    await expect(applyMigrations(conn, [...MIGRATIONS, broken])).rejects.toThrow(
      'no such table: no_such_table',
    );
    expect(await pragmaNumber(conn, 'user_version')).toBe(1);
    const tables = await queryOnce(
      dir.file('m.db'),
      "SELECT name FROM sqlite_schema WHERE name = 'half_done'",
    );
    expect(tables).toEqual([]);
  });

  it('applies each migration once, however often it runs', async () => {
    const counter = {
      version: 2,
      name: '0002-counter',
      sql: 'CREATE TABLE runs (n INTEGER); INSERT INTO runs VALUES (1);',
    };
    await applyMigrations(conn, [...MIGRATIONS, counter]);
    await applyMigrations(conn, [...MIGRATIONS, counter]);
    expect(await queryOnce(dir.file('m.db'), 'SELECT count(*) AS n FROM runs')).toEqual([{ n: 1 }]);
    expect(await pragmaNumber(conn, 'user_version')).toBe(2);
  });
});
