import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../../../../agent/store/index.js';
import { type BackendPlace, STORE_BACKENDS } from '../store-backends.js';
import { hoursAfter, observed, storeWithHosts, vmGuid } from '../store-test-kit.js';

const START = new Date('2026-11-01T00:00:00Z');
const VM = vmGuid(9);
const OPERATOR = { at: START, actor: 'operator:alice', reason: 'tenant asked by ticket 4711' };

describe.each(STORE_BACKENDS)('agent/store/repos/vms-repo ($name)', (backend) => {
  let place: BackendPlace;
  let store: Store;
  beforeEach(async () => {
    place = await backend.place();
    store = await storeWithHosts(place);
    await store.transaction(async (tx) => {
      await tx.upsertVm({ id: VM.toUpperCase(), tenant: 'contoso' }, START);
      await tx.recordVmName(VM, START, 'web01');
    });
  });
  afterEach(async () => {
    await store.close();
    await place.remove();
  });

  it('keeps the name history and lets events be found by a former name', async () => {
    expect(await store.transaction((tx) => tx.recordVmName(VM, hoursAfter(START, 1), 'web01'))).toBe(false);
    expect(await store.transaction((tx) => tx.recordVmName(VM, hoursAfter(START, 2), 'shop-web01'))).toBe(
      true,
    );
    await store.transaction((tx) =>
      tx.insertEvents([{ source: 'guest', origin: VM, recordId: 1, eventId: 12309, time: START, vm: VM }]),
    );
    const [byOldName] = await store.listEvents({ vm: 'WEB01' });
    expect(byOldName?.vm).toBe('shop-web01');
    expect((await store.listVmStatus())[0]?.name).toBe('shop-web01');
  });

  it('records an opt-out once, audited with who and why, however often it is requested', async () => {
    expect(await store.transaction((tx) => tx.setOptOut(VM, true, OPERATOR))).toBe(true);
    expect(await store.transaction((tx) => tx.setOptOut(VM, true, OPERATOR))).toBe(false);
    const agentEvents = await store.listEvents();
    expect(agentEvents).toEqual([
      {
        source: 'agent',
        eventId: null,
        recordId: 1,
        time: '2026-11-01T00:00:00.000Z',
        host: null,
        vm: 'web01',
        vmId: VM,
        vmMatch: null,
        notification: null,
        hresult: null,
        message: 'opt-out by operator:alice: tenant asked by ticket 4711',
      },
    ]);
    expect((await store.listVmStatus())[0]?.optedOut).toBe(true);
  });

  it('blocks AVMA after a key replacement until an operator allows it again', async () => {
    const agent = { at: START, actor: 'agent', reason: 'guest switched from avma to retail' };
    await store.transaction((tx) => tx.setAvmaBlocked(VM, true, agent));
    expect((await store.listVmStatus())[0]?.avmaBlocked).toBe(true);
    await store.transaction((tx) => tx.setAvmaBlocked(VM, false, OPERATOR));
    expect((await store.listVmStatus())[0]?.avmaBlocked).toBe(false);
    expect((await store.listEvents()).map((e) => e.message.split(' ')[0])).toEqual([
      'block-avma',
      'allow-avma',
    ]);
  });

  it('closes a deleted VM at its last sighting and hides it from status, keeping its history', async () => {
    for (let minute = 0; minute <= 300; minute += 5) {
      await store.transaction((tx) => tx.recordObservation(VM, hoursAfter(START, minute / 60), observed()));
    }
    // Noticed gone at the next sweep, 10 minutes later.
    expect(await store.transaction((tx) => tx.markVmDeleted(VM, hoursAfter(START, 5.2)))).toBe(true);
    expect(await store.transaction((tx) => tx.markVmDeleted(VM, hoursAfter(START, 6)))).toBe(false);
    expect(await store.listVmStatus()).toEqual([]);
    const [deleted] = await store.listVmStatus({ includeDeleted: true });
    expect(deleted?.deletedAt).toBe('2026-11-01T05:12:00.000Z');
    const inputs = await store.readUsageInputs(START, hoursAfter(START, 24));
    expect(inputs.intervals.map((i) => (i.untilMs - i.fromMs) / 3_600_000)).toEqual([5]);
  });

  it('brings a VM marked deleted back when a sweep sees it again', async () => {
    await store.transaction((tx) => tx.markVmDeleted(VM, START));
    await store.transaction((tx) => tx.upsertVm({ id: VM, tenant: 'contoso' }, hoursAfter(START, 1)));
    expect((await store.listVmStatus())[0]?.deletedAt).toBeNull();
  });

  it.each([
    [
      'a VM id that is not a GUID',
      () => store.transaction((tx) => tx.upsertVm({ id: 'web01', tenant: null }, START)),
      'vm.id is "web01", expected a GUID',
    ],
    ['a name with NUL', () => store.transaction((tx) => tx.recordVmName(VM, START, 'a\0b')), 'without NUL'],
    [
      'a 300-character tenant',
      () => store.transaction((tx) => tx.upsertVm({ id: VM, tenant: 't'.repeat(300) }, START)),
      'at most 256',
    ],
    [
      'an invalid date',
      () => store.transaction((tx) => tx.upsertVm({ id: VM, tenant: null }, new Date('x'))),
      'at is an invalid Date',
    ],
  ])('rejects %s', async (_what, act, message) => {
    await expect(act()).rejects.toThrow(message);
  });
});
