import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StoreError } from '../../../../agent/store/errors.js';
import { PgConnection, redactedUrl } from '../../../../agent/store/pg/pg-connection.js';
import { createTestDatabase, postgresMissing, type TestDatabase } from '../../../support/postgres.js';

const missing = postgresMissing();

describe.skipIf(missing !== null)('PgConnection against a real PostgreSQL', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('returns bigints and booleans as the SQLite backend does, json as text', async () => {
    const conn = new PgConnection(db.url);
    const row = await conn.get(
      "SELECT $1::bigint AS ms, (1 = 1) AS yes, (1 = 2) AS no, '[1, 2]'::jsonb AS items, count(*) AS n FROM (VALUES (1)) v",
      [1_780_000_000_000],
    );
    expect(row).toEqual({ ms: 1_780_000_000_000, yes: 1, no: 0, items: '[1, 2]', n: 1 });
    await conn.close();
  });

  it('maps a unique violation to CONFLICT and keeps bound values out of the SQL', async () => {
    const conn = new PgConnection(db.url);
    await conn.exec('CREATE TABLE t (name text PRIMARY KEY)');
    const hostile = "x'); DROP TABLE t; --";
    await conn.run('INSERT INTO t (name) VALUES ($1)', [hostile]);
    const again = conn.run('INSERT INTO t (name) VALUES ($1)', [hostile]);
    await expect(again).rejects.toMatchObject({ code: 'CONFLICT' });
    expect(await conn.all('SELECT name FROM t')).toEqual([{ name: hostile }]);
    await conn.close();
  });

  it('never runs the rest of a transaction whose session was lost on a new session, and recovers after it', async () => {
    const conn = new PgConnection(db.url, { applicationName: 'avma-lost-session' });
    const admin = new PgConnection(db.url);
    await conn.exec('CREATE TABLE lost (n integer)');
    await conn.exec('BEGIN');
    await conn.run('INSERT INTO lost (n) VALUES ($1)', [1]);
    await admin.get(
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'avma-lost-session'",
    );
    // On a new session this insert would commit by itself: it must fail instead, as must the COMMIT.
    await expect(conn.run('INSERT INTO lost (n) VALUES ($1)', [2])).rejects.toMatchObject({
      code: 'UNAVAILABLE',
    });
    await expect(conn.exec('COMMIT')).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    expect(await admin.all('SELECT n FROM lost')).toEqual([]);
    await conn.exec('BEGIN');
    await conn.run('INSERT INTO lost (n) VALUES ($1)', [3]);
    await conn.exec('COMMIT');
    expect(await admin.all('SELECT n FROM lost')).toEqual([{ n: 3 }]);
    await Promise.all([conn.close(), admin.close()]);
  });

  it('fails with UNAVAILABLE, naming the URL without its password, when nothing listens', async () => {
    const conn = new PgConnection('postgres://avma:secret@127.0.0.1:1/avma', { connectTimeoutMs: 2000 });
    const error = await conn.get('SELECT 1').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreError);
    expect((error as StoreError).code).toBe('UNAVAILABLE');
    expect((error as StoreError).message).toContain('postgres://avma:***@127.0.0.1:1/avma');
    expect((error as StoreError).message).not.toContain('secret');
    expect(redactedUrl('postgres://u:p@h/d')).toBe('postgres://u:***@h/d');
    await conn.close();
  });
});
