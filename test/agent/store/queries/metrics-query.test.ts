import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EventInput, EventNotification, Store } from '../../../../agent/store/index.js';
import { type BackendPlace, STORE_BACKENDS } from '../store-backends.js';
import { HOST_FACTS, hoursAfter, observed, storeWithHosts, vmGuid } from '../store-test-kit.js';

const START = new Date('2026-11-01T00:00:00Z');

const SILENT = { code: 'GUEST_AGENT_SILENT', message: 'no status for 3 sweeps' };
const BAD_ITEM = { code: 'KVP_ITEM_INVALID', message: 'item 1 of the guest pool is not XML' };

describe.each(STORE_BACKENDS)('agent/store/queries/metrics-query ($name)', (backend) => {
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

  it('answers an empty fleet with its hosts and no counts', async () => {
    const snapshot = await store.metricsSnapshot();
    expect(snapshot.hosts).toEqual([
      { host: 'HV01', version: '2022', edition: 'datacenter', cluster: 'CL1', activated: true },
      { host: 'HV02', version: '2022', edition: 'datacenter', cluster: 'CL1', activated: true },
    ]);
    expect(snapshot).toMatchObject({
      vms: [],
      reasons: [],
      avmaGuestReasons: [],
      problems: [],
      events: [],
      expiringAvma: [],
    });
  });

  it('labels a host with its latest facts, not the ones it had before', async () => {
    await store.transaction(async (tx) => {
      await tx.recordHostFacts('HV02', hoursAfter(START, 1), {
        ...HOST_FACTS,
        edition: 'standard',
        activated: false,
        cluster: null,
        version: null,
      });
    });
    const { hosts } = await store.metricsSnapshot();
    expect(hosts[1]).toEqual({
      host: 'HV02',
      version: null,
      edition: 'standard',
      cluster: null,
      activated: false,
    });
  });

  it('counts VMs by host, licence state and eligibility from their latest observation, deleted ones left out', async () => {
    await store.transaction(async (tx) => {
      for (const n of [1, 2, 3, 4]) await tx.upsertVm({ id: vmGuid(n), tenant: null }, START);
      await tx.recordObservation(vmGuid(1), START, observed({ licenseStatus: 'oob-grace', channel: 'gvlk' }));
      // VM 1 moved to HV02 and got activated there: only that counts now.
      await tx.recordObservation(vmGuid(1), hoursAfter(START, 1), observed({ host: 'HV02' }));
      await tx.recordObservation(vmGuid(2), START, observed());
      await tx.recordObservation(vmGuid(3), START, observed({ licenseStatus: 'oob-grace', eligible: false }));
      await tx.recordObservation(vmGuid(4), START, observed());
      await tx.markVmDeleted(vmGuid(4), hoursAfter(START, 2));
    });
    const { vms } = await store.metricsSnapshot();
    expect(vms).toEqual([
      { host: 'HV01', licenseStatus: 'licensed', eligible: true, count: 1 },
      { host: 'HV01', licenseStatus: 'oob-grace', eligible: false, count: 1 },
      { host: 'HV02', licenseStatus: 'licensed', eligible: true, count: 1 },
    ]);
  });

  it('counts reasons over all VMs and, apart, over the AVMA guests (concluded or claimed channel)', async () => {
    const notDatacenter = { eligible: false, reasons: ['HOST_NOT_DATACENTER' as const] };
    await store.transaction(async (tx) => {
      for (const n of [1, 2, 3]) await tx.upsertVm({ id: vmGuid(n), tenant: null }, START);
      await tx.recordObservation(vmGuid(1), START, observed({ ...notDatacenter, channel: 'avma' }));
      const claimOnly = { channel: 'unknown', evidence: 'none', claimedChannel: 'avma' } as const;
      await tx.recordObservation(vmGuid(2), START, observed({ ...notDatacenter, ...claimOnly }));
      const tenantKey = { channel: 'retail', claimedChannel: 'retail', evidence: 'guest' } as const;
      const reasons = ['HOST_NOT_DATACENTER', 'TENANT_KEY'] as const;
      await tx.recordObservation(vmGuid(3), START, observed({ ...tenantKey, eligible: false, reasons }));
    });
    const snapshot = await store.metricsSnapshot();
    expect(snapshot.reasons).toEqual([
      { host: 'HV01', value: 'HOST_NOT_DATACENTER', count: 3 },
      { host: 'HV01', value: 'TENANT_KEY', count: 1 },
    ]);
    expect(snapshot.avmaGuestReasons).toEqual([{ host: 'HV01', value: 'HOST_NOT_DATACENTER', count: 2 }]);
  });

  it('counts host-granted AVMA activations not renewed since a time as expiring, by host', async () => {
    const renewed = (recordId: number, vm: string, hours: number) => ({
      recordId,
      eventId: 12310,
      time: hoursAfter(START, hours),
      vm,
      notification: 'avma-success' as const,
    });
    await store.transaction(async (tx) => {
      for (const n of [1, 2, 3]) await tx.upsertVm({ id: vmGuid(n), tenant: null }, START);
      // 1: host evidence, last renewed at hour 1; 2: renewed at hour 100; 3: the guest's word only.
      await tx.recordObservation(vmGuid(1), START, observed({ evidence: 'host' }));
      await tx.recordObservation(vmGuid(2), START, observed({ evidence: 'host+guest' }));
      await tx.recordObservation(vmGuid(3), START, observed({ evidence: 'guest' }));
      await tx.recordHostEvents(
        'HV01',
        'Application',
        [renewed(1, vmGuid(1), 1), renewed(2, vmGuid(2), 100)],
        START,
      );
    });
    expect((await store.metricsSnapshot(hoursAfter(START, 50))).expiringAvma).toEqual([
      { host: 'HV01', value: 'avma', count: 1 },
    ]);
    expect((await store.metricsSnapshot(hoursAfter(START, 200))).expiringAvma).toEqual([
      { host: 'HV01', value: 'avma', count: 2 },
    ]);
    expect((await store.metricsSnapshot(START)).expiringAvma).toEqual([]);
  });

  it('counts a VM once per problem code, however many problems of that code it has', async () => {
    await store.transaction(async (tx) => {
      for (const n of [1, 2]) await tx.upsertVm({ id: vmGuid(n), tenant: null }, START);
      await tx.recordObservation(vmGuid(1), START, observed({ problems: [BAD_ITEM, BAD_ITEM, SILENT] }));
      await tx.recordObservation(vmGuid(2), START, observed({ host: 'HV02', problems: [SILENT] }));
    });
    expect((await store.metricsSnapshot()).problems).toEqual([
      { host: 'HV01', value: 'GUEST_AGENT_SILENT', count: 1 },
      { host: 'HV01', value: 'KVP_ITEM_INVALID', count: 1 },
      { host: 'HV02', value: 'GUEST_AGENT_SILENT', count: 1 },
    ]);
  });

  it('counts stored 12309 and 12310 events by host and notification, and nothing else', async () => {
    const event = (recordId: number, eventId: number | null, notification: EventNotification | null) =>
      ({
        source: eventId === 12309 ? 'guest' : eventId === null ? 'agent' : 'host',
        origin: eventId === 12309 ? vmGuid(1) : eventId === null ? 'agent' : 'hv01',
        recordId,
        eventId,
        time: START,
        vm: eventId === 12309 ? vmGuid(1) : null,
        host: recordId === 9 ? null : 'HV01',
        notification,
      }) satisfies EventInput;
    await store.transaction(async (tx) => {
      await tx.upsertVm({ id: vmGuid(1), tenant: null }, START);
      await tx.insertEvents([
        event(1, 12310, 'avma-success'),
        event(2, 12310, 'avma-success'),
        event(3, 12310, 'invalid-host'),
        event(4, 12310, null),
        event(5, 12309, 'activation-denied'),
        event(6, null, null),
        event(9, 12310, 'invalid-data'),
      ]);
    });
    expect((await store.metricsSnapshot()).events).toEqual([
      { host: null, eventId: 12310, notification: 'invalid-data', count: 1 },
      { host: 'HV01', eventId: 12309, notification: 'activation-denied', count: 1 },
      { host: 'HV01', eventId: 12310, notification: null, count: 1 },
      { host: 'HV01', eventId: 12310, notification: 'avma-success', count: 2 },
      { host: 'HV01', eventId: 12310, notification: 'invalid-host', count: 1 },
    ]);
  });

  it('refuses a problem code edited outside the agent, rather than turning it into a label', async () => {
    await store.transaction(async (tx) => {
      await tx.upsertVm({ id: vmGuid(1), tenant: null }, START);
      await tx.recordObservation(vmGuid(1), START, observed({ problems: [SILENT] }));
    });
    await store.close();
    const raw = await place.raw();
    await raw.run(
      { sqlite: 'UPDATE observations SET problems = ?', postgres: 'UPDATE observations SET problems = $1' },
      [JSON.stringify([{ code: 'vm-1234', message: 'x' }])],
    );
    await raw.close();
    store = await storeWithHosts(place, []);
    await expect(store.metricsSnapshot()).rejects.toMatchObject({ name: 'StoreError', code: 'CORRUPT' });
  });
});
