import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../../../../agent/store/index.js';
import { type BackendPlace, STORE_BACKENDS } from '../store-backends.js';
import { hoursAfter, storeWithHosts, vmGuid } from '../store-test-kit.js';

const START = new Date('2026-11-01T00:00:00Z');

describe.each(STORE_BACKENDS)('agent/store/queries/audit-query ($name)', (backend) => {
  let place: BackendPlace;
  let store: Store;
  beforeEach(async () => {
    place = await backend.place();
    store = await storeWithHosts(place);
    await store.transaction(async (tx) => {
      await tx.upsertVm({ id: vmGuid(1), tenant: null }, START);
      await tx.upsertVm({ id: vmGuid(2), tenant: null }, START);
      await tx.audit({
        at: hoursAfter(START, 2),
        actor: 'agent',
        action: 'push-key',
        vm: vmGuid(1),
        host: 'HV01',
        reason: 'eligible',
        details: { seq: 1 },
      });
      await tx.setOptOut(vmGuid(2), true, {
        at: hoursAfter(START, 1),
        actor: 'alice',
        reason: 'tenant asked',
      });
      await tx.audit({
        at: hoursAfter(START, 3),
        actor: 'agent',
        action: 'send-wipe',
        vm: vmGuid(1),
        reason: 'replaced',
      });
    });
  });
  afterEach(async () => {
    await store.close();
    await place.remove();
  });

  it('lists who did what, when and why, oldest first, with the details as stored', async () => {
    const rows = await store.listAudit();
    expect(
      rows.map((row) => [row.at, row.actor, row.action, row.vm, row.host, row.reason, row.details]),
    ).toEqual([
      ['2026-11-01T01:00:00.000Z', 'alice', 'opt-out', vmGuid(2), null, 'tenant asked', {}],
      ['2026-11-01T02:00:00.000Z', 'agent', 'push-key', vmGuid(1), 'HV01', 'eligible', { seq: 1 }],
      ['2026-11-01T03:00:00.000Z', 'agent', 'send-wipe', vmGuid(1), null, 'replaced', {}],
    ]);
  });

  it('filters by VM, by action and by time', async () => {
    expect((await store.listAudit({ vm: vmGuid(1) })).map((row) => row.action)).toEqual([
      'push-key',
      'send-wipe',
    ]);
    expect((await store.listAudit({ actions: ['opt-out', 'send-wipe'] })).map((row) => row.action)).toEqual([
      'opt-out',
      'send-wipe',
    ]);
    expect((await store.listAudit({ until: hoursAfter(START, 2) })).length).toBe(2);
    expect((await store.listAudit({ since: hoursAfter(START, 2) })).map((row) => row.action)).toEqual([
      'push-key',
      'send-wipe',
    ]);
  });

  it('lists the VMs first seen since a time, newest first, with their current names', async () => {
    await store.transaction(async (tx) => {
      await tx.upsertVm({ id: vmGuid(3), tenant: null }, hoursAfter(START, 5));
      await tx.recordVmName(vmGuid(3), hoursAfter(START, 5), 'new-one');
    });
    expect(await store.listNewVms(hoursAfter(START, 1))).toEqual([
      { id: vmGuid(3), name: 'new-one', firstSeen: '2026-11-01T05:00:00.000Z' },
    ]);
    expect((await store.listNewVms(START)).map((vm) => vm.id)).toEqual([vmGuid(3), vmGuid(2), vmGuid(1)]);
  });

  it('refuses an action outside the audit vocabulary', async () => {
    await expect(store.listAudit({ actions: ['format-disk' as never] })).rejects.toThrow(
      /actions\[0\] is "format-disk", expected one of push-key/,
    );
  });
});
