import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Connection } from '../../../../agent/store/connection.js';
import type { TxContext } from '../../../../agent/store/repos/context.js';
import { MAX_BATCH_JSON, runJsonBatches } from '../../../../agent/store/repos/json-batch.js';
import type { SqlValue } from '../../../../agent/store/sql-connection.js';
import { type TempDir, tempDir } from '../store-test-kit.js';

const INSERT = "INSERT INTO t (k, v) SELECT j.value ->> '$[0]', j.value ->> '$[1]' FROM json_each(?1) AS j";

describe('agent/store/repos/json-batch', () => {
  let dir: TempDir;
  let conn: Connection;
  let statements: number;
  let ctx: TxContext;
  beforeEach(async () => {
    dir = await tempDir();
    conn = await Connection.open(join(dir.path, 'b.db'), { readOnly: false, create: true });
    await conn.exec('CREATE TABLE t (k INTEGER, v TEXT)');
    statements = 0;
    const counting = Object.create(conn) as Connection;
    counting.run = (sql: string, params?: readonly SqlValue[]) => {
      statements += 1;
      return conn.run(sql, params);
    };
    ctx = {
      conn: counting,
      staleAfterMs: 0,
      memoryChangeRatio: 0,
      hostIds: new Map(),
      vmIds: new Map(),
      openRows: null,
    };
  });
  afterEach(async () => {
    await conn.close();
    await dir.remove();
  });

  it('writes rows that fit one batch in one statement, and none for no rows', async () => {
    expect(await runJsonBatches(ctx, INSERT, [])).toBe(0);
    expect(
      await runJsonBatches(ctx, INSERT, [
        [1, 'a "quoted" value'],
        [2, null],
        [3, 'ü'],
      ]),
    ).toBe(3);
    expect(statements).toBe(1);
    expect(await conn.all('SELECT k, v FROM t ORDER BY rowid')).toEqual([
      { k: 1, v: 'a "quoted" value' },
      { k: 2, v: null },
      { k: 3, v: 'ü' },
    ]);
  });

  it('splits rows over one batch of JSON into several statements, every row once and in order', async () => {
    const big = (k: number) => [k, String(k).repeat(Math.floor(MAX_BATCH_JSON / 3))] as const;
    const rows = [big(1), big(2), big(3), big(4), [5, 'small'] as const];
    expect(await runJsonBatches(ctx, INSERT, rows)).toBe(5);
    expect(statements).toBe(2);
    const stored = await conn.all('SELECT k, length(v) AS n FROM t ORDER BY rowid');
    expect(stored).toEqual(rows.map(([k, v]) => ({ k, n: v.length })));
  });
});
