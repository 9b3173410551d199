import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../../../../agent/store/index.js';
import { type BackendPlace, STORE_BACKENDS } from '../store-backends.js';
import { hoursAfter, observed, storeWithHosts, vmGuid } from '../store-test-kit.js';

const START = new Date('2026-11-01T00:00:00Z');

describe.each(STORE_BACKENDS)('agent/store/queries/status-query ($name)', (backend) => {
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

  it('lists one row per VM, by name, with its latest observation', async () => {
    await store.transaction(async (tx) => {
      await tx.upsertVm({ id: vmGuid(1), tenant: 'contoso' }, START);
      await tx.recordVmName(vmGuid(1), START, 'web01');
      await tx.recordObservation(vmGuid(1), START, observed({ licenseStatus: 'oob-grace', channel: 'gvlk' }));
      await tx.recordObservation(vmGuid(1), hoursAfter(START, 0.1), observed({ host: 'HV02' }));
      await tx.upsertVm({ id: vmGuid(2), tenant: null }, START);
      await tx.recordVmName(vmGuid(2), START, 'app01');
    });
    expect(await store.listVmStatus()).toEqual([
      {
        id: vmGuid(2),
        name: 'app01',
        host: null,
        tenant: null,
        state: null,
        eligible: false,
        reasons: [],
        licenseStatus: 'unknown',
        channel: 'unknown',
        evidence: 'none',
        claimedLicenseStatus: null,
        claimedChannel: null,
        keyPushed: false,
        kvpWiped: false,
        problems: [],
        lastSeen: '2026-11-01T00:00:00.000Z',
        deletedAt: null,
        optedOut: false,
        avmaBlocked: false,
      },
      {
        id: vmGuid(1),
        name: 'web01',
        host: 'HV02',
        tenant: 'contoso',
        state: 'Running',
        eligible: true,
        reasons: [],
        licenseStatus: 'licensed',
        channel: 'avma',
        evidence: 'host+guest',
        claimedLicenseStatus: 'licensed',
        claimedChannel: 'avma',
        keyPushed: true,
        kvpWiped: false,
        problems: [],
        lastSeen: '2026-11-01T00:06:00.000Z',
        deletedAt: null,
        optedOut: false,
        avmaBlocked: false,
      },
    ]);
  });

  it('lists the VMs last seen on a host, inside a transaction, including its own writes', async () => {
    const seen = await store.transaction(async (tx) => {
      for (const n of [1, 2, 3]) {
        await tx.upsertVm({ id: vmGuid(n), tenant: null }, START);
        await tx.recordObservation(vmGuid(n), START, observed());
      }
      // VM 3 live-migrates to HV02; VM 2 is deleted.
      await tx.recordObservation(vmGuid(3), hoursAfter(START, 0.1), observed({ host: 'HV02' }));
      await tx.markVmDeleted(vmGuid(2), hoursAfter(START, 0.1));
      return tx.listVmStatus({ host: 'hv01' });
    });
    expect(seen.map((vm) => vm.id)).toEqual([vmGuid(1)]);
    expect((await store.listVmStatus({ vm: vmGuid(3).toUpperCase() }))[0]?.host).toBe('HV02');
  });
});
