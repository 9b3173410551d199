import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Connection } from '../../../agent/store/connection.js';
import { openRaw, type RawDb } from './raw-sqlite.js';
import { type TempDir, tempDir } from './store-test-kit.js';

describe('agent/store/connection', () => {
  let dir: TempDir;
  let conn: Connection;
  let other: RawDb;
  beforeEach(async () => {
    dir = await tempDir();
    const path = join(dir.path, 'c.db');
    conn = await Connection.open(path, { readOnly: false, create: true });
    await conn.exec('PRAGMA journal_mode = WAL; CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)');
    await conn.run("INSERT INTO t (v) VALUES ('a'), ('b'), ('c')");
    other = await openRaw(path);
  });
  afterEach(async () => {
    await other.close();
    await conn.close();
    await dir.remove();
  });

  it('get answers the first row and ends its read, so another connection can checkpoint the whole WAL', async () => {
    expect(await conn.get('SELECT id, v FROM t ORDER BY id')).toEqual({ id: 1, v: 'a' });
    expect(await conn.get('SELECT v FROM t WHERE id = ?', [9])).toBeUndefined();
    // A statement left open after its first row would hold its snapshot: the checkpoint reports busy.
    await other.run("INSERT INTO t (v) VALUES ('d')");
    const [result] = await other.all('PRAGMA wal_checkpoint(TRUNCATE)');
    expect(result).toMatchObject({ busy: 0 });
  });
});
