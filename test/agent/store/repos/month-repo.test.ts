import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type MonthCloseInput, type Store, StoreError } from '../../../../agent/store/index.js';
import { type BackendPlace, STORE_BACKENDS } from '../store-backends.js';

const CLOSED_AT = new Date('2026-12-02T06:00:00Z');
const REPORT = '{"month":"2026-11","hosts":[],"vms":[],"tenants":[]}';
// The store checks the hash's form, not its value: computing it is the usage layer's (close-digest.ts).
const SHA = 'a'.repeat(64);
const SHA2 = 'b'.repeat(64);

function close(overrides: Partial<MonthCloseInput> = {}): MonthCloseInput {
  return {
    month: '2026-11',
    closedAt: CLOSED_AT,
    report: REPORT,
    csv: '{"hosts":"name\\r\\n"}',
    settings: '{}',
    actor: 'alice',
    actorSource: 'given',
    forced: false,
    previousSha256: null,
    sha256: SHA,
    ...overrides,
  };
}

describe.each(STORE_BACKENDS)('agent/store/repos/month-repo ($name)', (backend) => {
  let place: BackendPlace;
  let store: Store;
  beforeEach(async () => {
    place = await backend.place();
    store = await place.open();
  });
  afterEach(async () => {
    await store.close();
    await place.remove();
  });

  it('stores a month close with its chain fields and reads it back unchanged', async () => {
    await store.transaction((tx) => tx.insertMonthClose(close()));
    expect(await store.getMonthClose('2026-11')).toEqual({
      sequence: 1,
      month: '2026-11',
      closedAt: '2026-12-02T06:00:00.000Z',
      report: REPORT,
      sha256: SHA,
      format: 2,
      csv: '{"hosts":"name\\r\\n"}',
      settings: '{}',
      actor: 'alice',
      actorSource: 'given',
      forced: false,
      previousSha256: null,
    });
    expect(await store.getMonthClose('2026-10')).toBeNull();
  });

  it('refuses to close a closed month again, keeping the first close', async () => {
    await store.transaction((tx) => tx.insertMonthClose(close()));
    const error = await store
      .transaction((tx) => tx.insertMonthClose(close({ report: '{}', previousSha256: SHA, sha256: SHA2 })))
      .catch((e: unknown) => e);
    expect((error as StoreError).code).toBe('CONFLICT');
    expect((error as StoreError).message).toBe(
      'month 2026-11 was already closed at 2026-12-02T06:00:00.000Z; a closed month is immutable',
    );
    expect((await store.listMonthCloses()).map((c) => c.report)).toEqual([REPORT]);
  });

  it('refuses a close that does not chain to the last close stored', async () => {
    await store.transaction((tx) => tx.insertMonthClose(close()));
    const error = await store
      .transaction((tx) =>
        tx.insertMonthClose(close({ month: '2026-12', previousSha256: null, sha256: SHA2 })),
      )
      .catch((e: unknown) => e);
    expect((error as StoreError).code).toBe('CONFLICT');
    await store.transaction(async (tx) => {
      expect((await tx.lastMonthClose())?.sha256).toBe(SHA);
      await tx.insertMonthClose(close({ month: '2026-12', previousSha256: SHA, sha256: SHA2 }));
    });
    expect((await store.listMonthCloses()).map((c) => [c.sequence, c.month, c.previousSha256])).toEqual([
      [1, '2026-11', null],
      [2, '2026-12', SHA],
    ]);
  });

  it('refuses UPDATE and DELETE of a closed month even from outside the agent', async () => {
    await store.transaction((tx) => tx.insertMonthClose(close()));
    const raw = await place.raw();
    await expect(raw.run("UPDATE month_closes SET report = '{}'")).rejects.toThrow(
      'a closed month is immutable',
    );
    await expect(raw.run('UPDATE month_closes SET previous_sha256 = NULL, forced = 1')).rejects.toThrow(
      'a closed month is immutable',
    );
    await expect(raw.run('DELETE FROM month_closes')).rejects.toThrow('a closed month is immutable');
    await raw.close();
    expect((await store.getMonthClose('2026-11'))?.report).toBe(REPORT);
  });

  it.each([
    ['a month that is not YYYY-MM', { month: '2026-13' }, 'month is "2026-13", expected YYYY-MM'],
    [
      'a hash that is not SHA-256 hex',
      { sha256: 'abc' },
      'sha256 is "abc", expected 64 lower-case hex digits',
    ],
  ])('rejects %s', async (_what, overrides, message) => {
    const error = await store.transaction((tx) => tx.insertMonthClose(close(overrides))).catch((e) => e);
    expect(error).toBeInstanceOf(StoreError);
    expect((error as Error).message).toBe(message);
  });
});
