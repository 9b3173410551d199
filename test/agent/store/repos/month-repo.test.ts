import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore, type Store, StoreError } from '../../../../agent/store/index.js';
import { openRaw } from '../raw-sqlite.js';
import { type TempDir, tempDir } from '../store-test-kit.js';

const CLOSED_AT = new Date('2026-12-02T06:00:00Z');
const REPORT = '{"month":"2026-11","hosts":[],"vms":[],"tenants":[]}';
const SHA = createHash('sha256').update(REPORT).digest('hex');

describe('agent/store/repos/month-repo', () => {
  let dir: TempDir;
  let store: Store;
  beforeEach(async () => {
    dir = await tempDir();
    store = await openStore(dir.file('avma.db'));
  });
  afterEach(async () => {
    await store.close();
    await dir.remove();
  });

  it('stores a month close and reads it back unchanged', async () => {
    await store.transaction((tx) => tx.insertMonthClose('2026-11', CLOSED_AT, REPORT, SHA));
    expect(await store.getMonthClose('2026-11')).toEqual({
      month: '2026-11',
      closedAt: '2026-12-02T06:00:00.000Z',
      report: REPORT,
      sha256: SHA,
    });
    expect(await store.getMonthClose('2026-10')).toBeNull();
  });

  it('refuses to close a closed month again, keeping the first close', async () => {
    await store.transaction((tx) => tx.insertMonthClose('2026-11', CLOSED_AT, REPORT, SHA));
    const error = await store
      .transaction((tx) => tx.insertMonthClose('2026-11', new Date(), '{}', SHA))
      .catch((e: unknown) => e);
    expect((error as StoreError).code).toBe('CONFLICT');
    expect((error as StoreError).message).toBe(
      'month 2026-11 was already closed at 2026-12-02T06:00:00.000Z; a closed month is immutable',
    );
    expect((await store.listMonthCloses()).map((c) => c.report)).toEqual([REPORT]);
  });

  it('refuses UPDATE and DELETE of a closed month even from outside the agent', async () => {
    await store.transaction((tx) => tx.insertMonthClose('2026-11', CLOSED_AT, REPORT, SHA));
    const raw = await openRaw(dir.file('avma.db'));
    await expect(raw.run("UPDATE month_closes SET report = '{}'")).rejects.toThrow(
      'a closed month is immutable',
    );
    await expect(raw.run('DELETE FROM month_closes')).rejects.toThrow('a closed month is immutable');
    await raw.close();
    expect((await store.getMonthClose('2026-11'))?.report).toBe(REPORT);
  });

  it.each([
    ['a month that is not YYYY-MM', '2026-13', SHA, 'month is "2026-13", expected YYYY-MM'],
    [
      'a hash that is not SHA-256 hex',
      '2026-11',
      'abc',
      'sha256 is "abc", expected 64 lower-case hex digits',
    ],
  ])('rejects %s', async (_what, month, sha, message) => {
    const error = await store
      .transaction((tx) => tx.insertMonthClose(month, CLOSED_AT, REPORT, sha))
      .catch((e) => e);
    expect(error).toBeInstanceOf(StoreError);
    expect((error as Error).message).toBe(message);
  });
});
