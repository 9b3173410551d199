import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../../../../agent/store/index.js';
import { SWEEP_STATE_VMS_SQL, vmRowsInOrder } from '../../../../agent/store/queries/sweep-state-query.js';
import { queryOnce } from '../raw-sqlite.js';
import { type BackendPlace, STORE_BACKENDS } from '../store-backends.js';
import { hoursAfter, observed, storeWithHosts, vmGuid } from '../store-test-kit.js';

const START = new Date('2026-11-01T00:00:00Z');

describe.each(STORE_BACKENDS)('agent/store/queries/sweep-state-query ($name)', (backend) => {
  let place: BackendPlace;
  let store: Store;
  beforeEach(async () => {
    place = await backend.place();
    store = await storeWithHosts(place, ['HV01', 'HV02']);
  });
  afterEach(async () => {
    await store.close();
    await place.remove();
  });

  it('remembers each VM’s flags, latest observation and highest audited intent seq', async () => {
    const later = hoursAfter(START, 2);
    await store.transaction(async (tx) => {
      await tx.upsertVm({ id: vmGuid(1), tenant: 'contoso' }, START);
      await tx.recordObservation(
        vmGuid(1),
        START,
        observed({ licenseStatus: 'unlicensed', channel: 'gvlk' }),
      );
      await tx.recordObservation(vmGuid(1), later, observed({ problems: [{ code: 'X_Y', message: 'm' }] }));
      for (const [action, seq] of [
        ['push-key', 3],
        ['send-wipe', 7],
        ['opt-out', 99],
      ] as const) {
        await tx.audit({ at: later, actor: 'agent', action, vm: vmGuid(1), reason: 'r', details: { seq } });
      }
      await tx.setAvmaBlocked(vmGuid(1), true, { at: later, actor: 'agent', reason: 'replaced' });
      await tx.upsertVm({ id: vmGuid(2), tenant: null }, START);
      await tx.recordHostEvents(
        'HV02',
        'Application',
        [
          { recordId: 39, eventId: 12310, time: START, vm: vmGuid(1), notification: 'avma-success' },
          { recordId: 40, eventId: 12310, time: later, vm: vmGuid(1), notification: 'invalid-host' },
          { recordId: 41, eventId: 12310, time: START },
        ],
        later,
      );
    });
    const state = await store.readSweepState();
    expect(state.vms).toEqual([
      {
        id: vmGuid(1),
        deleted: false,
        optedOut: false,
        avmaBlocked: true,
        lastIntentSeq: 7,
        last: {
          host: 'HV01',
          state: 'Running',
          dataExchange: true,
          licenseStatus: 'licensed',
          channel: 'avma',
          evidence: 'host+guest',
          claimedLicenseStatus: 'licensed',
          claimedChannel: 'avma',
          problems: [{ code: 'X_Y', message: 'm' }],
          sinceMs: later.getTime(),
          lastSeenMs: later.getTime(),
        },
        // The latest host 12310 of the VM, and the latest that reported success: evidence for the sweep.
        lastHostEvent: { timeMs: later.getTime(), notification: 'invalid-host', host: 'HV02' },
        lastHostSuccess: { timeMs: START.getTime(), notification: 'avma-success', host: 'HV02' },
      },
      {
        id: vmGuid(2),
        deleted: false,
        optedOut: false,
        avmaBlocked: false,
        lastIntentSeq: 0,
        last: null,
        lastHostEvent: null,
        lastHostSuccess: null,
      },
    ]);
    expect(state.hosts.map((host) => [host.name, host.bookmarks])).toEqual([
      ['HV01', []],
      ['HV02', [{ log: 'Application', recordId: 41, logEpoch: 0 }]],
    ]);
  });

  // Every round reads every VM's latest host success. Through the (vm_id, time) index of all host
  // events, SQLite walked back over every refusal newer than the success: on an unactivated host
  // (a refusal every two-hour retry) each round of a month cost more than the one before.
  // SQLite's own plan text, so on SQLite only; PostgreSQL's plan is checked below.
  it.runIf(backend.name === 'sqlite')(
    'finds a VM’s latest host success in the successes’ own index, not by walking its refusals',
    async () => {
      const plan = await queryOnce(store.path, `EXPLAIN QUERY PLAN ${SWEEP_STATE_VMS_SQL.sqlite}`);
      const details = plan.map((row) => String(row.detail));
      expect(details).toContain('SEARCH e USING INDEX events_vm_avma_success (vm_id=?)');
    },
  );

  // An empty test database gives the planner no statistics, so sequential scans are priced out: the
  // question is whether the partial index can answer the look-up at all, as it must on a month of rows.
  it.runIf(backend.name === 'postgres')(
    'can find a VM’s latest host success in the successes’ own index on PostgreSQL too',
    async () => {
      const raw = await place.raw();
      try {
        await raw.run('SET enable_seqscan = off');
        const [row] = await raw.all(`EXPLAIN (FORMAT JSON) ${SWEEP_STATE_VMS_SQL.postgres}`);
        expect(JSON.stringify(row?.['QUERY PLAN'])).toContain('"Index Name":"events_vm_avma_success"');
      } finally {
        await raw.close();
      }
    },
  );
});

// SQLite yields the VMs in id order (the aggregate's subquery keeps its ORDER BY), but the read does not
// depend on it: rows that come in another order are sorted by their row_order before they are decoded.
describe('agent/store/queries/sweep-state-query: the VMs read as arrays', () => {
  const values = (order: number, guid: string) => [order, guid, ...Array.from({ length: 24 }, () => null)];

  it('names each value by its column and keeps the rows in id order, sorting them when they are not', () => {
    const rows = vmRowsInOrder([values(7, vmGuid(7)), values(2, vmGuid(2)), values(40, vmGuid(40))]);
    expect(rows.map((row) => row.guid)).toEqual([vmGuid(2), vmGuid(7), vmGuid(40)]);
    expect(Object.keys(rows[0] ?? {})).toHaveLength(25);
    expect(rows[0]).toMatchObject({ guid: vmGuid(2), deleted_at: null, host_success_host: null });
  });
});
