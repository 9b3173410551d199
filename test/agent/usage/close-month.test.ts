import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../../../agent/store/index.js';
import {
  buildUsageMonth,
  closeMonth,
  readClosedMonth,
  USAGE_CSV_TABLES,
  UsageError,
  usageCsv,
} from '../../../agent/usage/index.js';
import { tamperMonthClose } from '../store/raw-sqlite.js';
import { type TempDir, tempDir } from '../store/store-test-kit.js';
import { day, simulate, steadyVm, vmGuid } from './usage-test-kit.js';

const AFTER_NOVEMBER = new Date('2026-12-02T06:00:00Z');

async function failure(promise: Promise<unknown>): Promise<UsageError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(UsageError);
  return error as UsageError;
}

describe('agent/usage/close-month', () => {
  let dir: TempDir;
  let store: Store;
  beforeEach(async () => {
    dir = await tempDir();
    store = await openStore(dir.file('avma.db'), { staleAfterMs: 7 * 3_600_000 });
    await simulate(store, {
      hosts: [{ name: 'HV01' }],
      vms: [steadyVm(1, 'web01', 'contoso', 'HV01'), steadyVm(2, 'sql01', 'fabrikam', 'HV01')],
      stepMinutes: 360,
    });
  });
  afterEach(async () => {
    await store.close();
    await dir.remove();
  });

  it('freezes the report as JSON and every CSV table, hashed with who, when and the previous close', async () => {
    const first = await closeMonth(store, '2026-10', { now: AFTER_NOVEMBER, actor: 'alice' });
    const closed = await closeMonth(store, '2026-11', { now: AFTER_NOVEMBER, actor: 'bob' });
    const stored = await store.getMonthClose('2026-11');
    const live = await buildUsageMonth(store, '2026-11');
    expect(stored?.report).toBe(JSON.stringify(live));
    expect(JSON.parse(stored?.csv ?? '')).toEqual(
      Object.fromEntries(USAGE_CSV_TABLES.map((table) => [table, usageCsv(live, table)])),
    );
    // The canonical form written out by hand: keys sorted, no whitespace, stored texts as strings.
    const canonical = JSON.stringify({
      actor: 'bob',
      actorSource: 'given',
      closedAt: '2026-12-02T06:00:00.000Z',
      csv: stored?.csv,
      forced: false,
      kind: 'avma-month-close/2',
      month: '2026-11',
      previousSha256: first.sha256,
      report: stored?.report,
      settings: '{}',
    });
    expect(closed.sha256).toBe(createHash('sha256').update(canonical).digest('hex'));
    expect(closed.previousSha256).toBe(first.sha256);
    expect(first.previousSha256).toBeNull();
    expect(closed.closedAt).toBe('2026-12-02T06:00:00.000Z');
    expect(await readClosedMonth(store, '2026-11')).toEqual(closed);
    const audit = await store.listAudit({ actions: ['month-close'] });
    expect(audit.map((a) => [a.actor, a.reason])).toEqual([
      ['alice', 'closed 2026-10'],
      ['bob', 'closed 2026-11'],
    ]);
  });

  it('closes a month early only when forced, and records that it was', async () => {
    const early = new Date('2026-11-20T00:00:00Z');
    expect((await failure(closeMonth(store, '2026-11', { now: early }))).code).toBe('MONTH_NOT_OVER');
    const closed = await closeMonth(store, '2026-11', { now: early, force: true, actor: 'carol' });
    expect(closed.forced).toBe(true);
    expect((await store.getMonthClose('2026-11'))?.forced).toBe(true);
    const [audit] = await store.listAudit({ actions: ['month-close'] });
    expect(audit?.reason).toBe('closed 2026-11 early (forced)');
    expect(audit?.details).toMatchObject({ forced: true, sha256: closed.sha256 });
    const finished = await closeMonth(store, '2026-10', { now: AFTER_NOVEMBER, force: true });
    expect(finished.forced).toBe(false);
  });

  it('refuses to close a closed month again and keeps the first close, even after history changes', async () => {
    const first = await closeMonth(store, '2026-11', { now: AFTER_NOVEMBER });
    // A late sweep that would change November if it were recomputed.
    await store.transaction((tx) => tx.markVmDeleted(vmGuid(2), new Date(day(29))));
    const error = await failure(closeMonth(store, '2026-11', { now: new Date('2026-12-03T00:00:00Z') }));
    expect(error.code).toBe('MONTH_ALREADY_CLOSED');
    expect(error.message).toBe(
      `month 2026-11 was already closed at 2026-12-02T06:00:00.000Z (sha256 ${first.sha256}); a closed month cannot be closed again`,
    );
    expect((await readClosedMonth(store, '2026-11')).report).toEqual(first.report);
  });

  it('refuses to close a month that has not ended', async () => {
    const error = await failure(closeMonth(store, '2026-11', { now: new Date('2026-11-30T23:59:59Z') }));
    expect(error.code).toBe('MONTH_NOT_OVER');
    expect(error.message).toBe(
      'month 2026-11 ends at 2026-12-01T00:00:00.000Z, after 2026-11-30T23:59:59.000Z; close it when it is over, or force an early close',
    );
    expect(await store.getMonthClose('2026-11')).toBeNull();
  });

  it('detects a stored report changed behind its back', async () => {
    await closeMonth(store, '2026-11', { now: AFTER_NOVEMBER });
    await tamperMonthClose(
      dir.file('avma.db'),
      '2026-11',
      '{"month":"2026-11","hosts":[],"vms":[],"tenants":[]}',
    );
    const error = await failure(readClosedMonth(store, '2026-11'));
    expect(error.code).toBe('TAMPERED');
  });

  it('says so when a month was never closed', async () => {
    expect((await failure(readClosedMonth(store, '2026-10'))).code).toBe('MONTH_NOT_CLOSED');
  });
});
