import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type CheckedSweepVm,
  checkSweepVm,
  isCheckedSweepVm,
  type ObservationFields,
  type Store,
  type SweepVm,
} from '../../../../agent/store/index.js';
import { type BackendPlace, STORE_BACKENDS } from '../store-backends.js';
import { hoursAfter, observed, storeWithHosts, vmGuid } from '../store-test-kit.js';

const START = new Date('2026-11-01T00:00:00Z');
const END = new Date('2026-12-01T00:00:00Z');

type Guest = Omit<ObservationFields, 'host'>;
const { host: _host, ...STEADY } = observed();

function entry(n: number, guest: Guest = STEADY, name = `vm-${n}`): SweepVm {
  return {
    vm: { id: vmGuid(n), tenant: `tenant-${n % 3}` },
    name,
    observation: guest,
    kvp: { intrinsic: [{ name: 'OSBuildNumber', data: '17763' }] },
  };
}

/** What both write paths must agree on: statuses, intervals and table sizes. */
async function snapshot(store: Store) {
  const inputs = await store.readUsageInputs(START, END);
  return {
    status: await store.listVmStatus({ includeDeleted: true }),
    intervals: inputs.intervals,
    rows: (await store.tableSizes()).rows,
  };
}

describe.each(STORE_BACKENDS)('agent/store/repos/sweep-repo ($name)', (backend) => {
  let place: BackendPlace;
  beforeEach(async () => {
    place = await backend.place();
  });
  afterEach(async () => {
    await place.remove();
  });

  it('writes no new rows in steady state: ten identical sweeps of 200 VMs leave the row counts alone', async () => {
    const store = await storeWithHosts(place);
    const vms = Array.from({ length: 200 }, (_, n) => entry(n));
    await store.transaction((tx) => tx.recordSweep('HV01', START, vms));
    const before = (await store.tableSizes()).rows;
    for (let minute = 1; minute <= 10; minute++) {
      const summary = await store.transaction((tx) =>
        tx.recordSweep('HV01', new Date(START.getTime() + minute * 60_000), vms),
      );
      expect(summary).toEqual({
        vms: 200,
        renamed: 0,
        observations: { opened: 0, unchanged: 200, changed: 0, resumed: 0 },
        kvpWritten: 0,
      });
    }
    expect((await store.tableSizes()).rows).toEqual(before);
    const [first] = await store.listVmStatus();
    expect(first?.lastSeen).toBe('2026-11-01T00:10:00.000Z');
    await store.close();
  });

  it('validates every entry before the first write', async () => {
    const store = await storeWithHosts(place);
    const vms = Array.from({ length: 50 }, (_, n) => entry(n));
    vms[40] = entry(40, { ...STEADY, licenseStatus: 'activated-by-magic' as Guest['licenseStatus'] });
    await expect(store.transaction((tx) => tx.recordSweep('HV01', START, vms))).rejects.toThrow(
      'fields.licenseStatus is "activated-by-magic"',
    );
    expect((await store.tableSizes()).rows.vms).toBe(0);
    await store.close();
  });

  it('records entries checked by checkSweepVm exactly as the same entries unchecked', async () => {
    const plain = await storeWithHosts(place);
    const checked = await storeWithHosts(place, ['HV01'], START, {}, 'checked.db');
    const vms = Array.from({ length: 20 }, (_, n) =>
      entry(n, n % 4 === 0 ? { ...STEADY, state: 'Off' } : STEADY),
    );
    const checkedVms = vms.map((vm) => checkSweepVm(vm) as CheckedSweepVm);
    expect(checkedVms.every(isCheckedSweepVm)).toBe(true);
    await plain.transaction((tx) => tx.recordSweep('HV01', START, vms));
    await checked.transaction((tx) => tx.recordSweep('HV01', START, checkedVms));
    expect(await snapshot(checked)).toEqual(await snapshot(plain));
    expect(await checked.transaction((tx) => tx.readKvp(vmGuid(3), 'intrinsic'))).toEqual([
      { name: 'OSBuildNumber', data: '17763' },
    ]);
    await plain.close();
    await checked.close();
  });

  it('trusts only entries checkSweepVm made: a look-alike is validated, and a checked one cannot be changed', async () => {
    const store = await storeWithHosts(place);
    const checked = checkSweepVm(entry(1)) as CheckedSweepVm;
    expect(Object.isFrozen(checked) && Object.isFrozen(checked.columns) && Object.isFrozen(checked.kvp)).toBe(
      true,
    );
    expect(() => (checked.columns as unknown[]).splice(0, 1, 'Exploded')).toThrow(TypeError);
    // Same shape, not made by checkSweepVm: recordSweep validates it as any other entry, and refuses it.
    const forged = { ...checked, columns: ['Exploded', ...checked.columns.slice(1)] };
    expect(isCheckedSweepVm(forged)).toBe(false);
    await expect(
      store.transaction((tx) => tx.recordSweep('HV01', START, [forged as unknown as SweepVm])),
    ).rejects.toThrow('vms[0].vm.id is undefined');
    expect((await store.tableSizes()).rows.vms).toBe(0);
    await store.close();
  });

  it('names the part a sweep entry is refused for, and the field', () => {
    expect(checkSweepVm({ ...entry(1), vm: { id: vmGuid(1), tenant: 'a\u0000b' } })).toMatchObject({
      part: 'tenant',
    });
    expect(
      checkSweepVm({ ...entry(1), kvp: { guest: [{ name: 'AvmaAgent.Status', data: 'x'.repeat(9000) }] } }),
    ).toEqual({
      part: 'kvp',
      message: expect.stringMatching(
        /^kvp\.guest\[0\]\.data is "x+…", expected a string of at most 8192 characters$/,
      ),
    });
  });

  it('refuses the same VM twice in one sweep', async () => {
    const store = await storeWithHosts(place);
    await expect(
      store.transaction((tx) => tx.recordSweep('HV01', START, [entry(1), entry(1)])),
    ).rejects.toThrow(`vms[1].vm.id is "${vmGuid(1)}", expected each VM once per sweep`);
    await store.close();
  });

  it('stores names, tenants and KVP items with lone surrogates as the per-VM methods do, and sees no change next sweep', async () => {
    const odd = ['caf\u00e9-\ud800-vm', 'lone-low-\udc00', '\u6d4b\u8bd5-\ud83d\ude00'];
    const entries = odd.map((text, n) => ({
      vm: { id: vmGuid(n), tenant: `t-${text}` },
      name: text,
      observation: STEADY,
      kvp: { guest: [{ name: `k-${text}`, data: `d-${text}` }] },
    }));
    const batch = await storeWithHosts(place);
    const single = await storeWithHosts(place, ['HV01'], START, {}, 'single.db');
    await batch.transaction((tx) => tx.recordSweep('HV01', START, entries));
    await single.transaction(async (tx) => {
      for (const e of entries) {
        await tx.upsertVm(e.vm, START);
        await tx.recordVmName(e.vm.id, START, e.name);
        await tx.recordObservation(e.vm.id, START, { ...e.observation, host: 'HV01' });
        await tx.recordKvp(e.vm.id, 'guest', e.kvp.guest, START);
      }
    });
    // One read after another: a PostgreSQL client runs one query at a time (node-postgres deprecates queueing).
    const readBack = (store: Store) =>
      store.transaction(async (tx) => {
        const pools = [];
        for (const e of entries) pools.push(await tx.readKvp(e.vm.id, 'guest'));
        return pools;
      });
    expect(await batch.listVmStatus()).toEqual(await single.listVmStatus());
    expect(await readBack(batch)).toEqual(await readBack(single));
    const again = await batch.transaction((tx) => tx.recordSweep('HV01', hoursAfter(START, 1), entries));
    expect(again.renamed).toBe(0);
    expect(again.kvpWritten).toBe(0);
    await batch.close();
    await single.close();
  });

  it('writes a first sweep whose KVP items exceed one batch (over 8 MiB) completely', async () => {
    const store = await storeWithHosts(place);
    const items = Array.from({ length: 4 }, (_, i) => ({ name: `item-${i}`, data: 'x'.repeat(8000) }));
    const vms = Array.from({ length: 300 }, (_, n) => ({ ...entry(n), kvp: { guest: items } }));
    const summary = await store.transaction((tx) => tx.recordSweep('HV01', START, vms));
    expect(summary.kvpWritten).toBe(300);
    expect(summary.observations.opened).toBe(300);
    const stored = await store.transaction((tx) => tx.readKvp(vmGuid(299), 'guest'));
    expect(stored).toEqual(items);
    expect((await store.tableSizes()).rows.kvp_latest).toBe(300);
    await store.close();
  });

  it('has exactly the effect of the per-VM methods for any sequence of sweeps', async () => {
    const guest = fc.record({
      licenseStatus: fc.constantFrom('licensed', 'oob-grace', 'unlicensed' as const),
      channel: fc.constantFrom('avma', 'gvlk', 'retail' as const),
      state: fc.constantFrom('Running', 'Off' as const),
    });
    const sweep = fc.record({
      minutesLater: fc.constantFrom(1, 5, 60),
      vms: fc.uniqueArray(fc.record({ n: fc.integer({ min: 0, max: 7 }), guest, renamed: fc.boolean() }), {
        selector: (v) => v.n,
        maxLength: 6,
      }),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(sweep, { minLength: 1, maxLength: 6 }), async (sweeps) => {
        const batch = await storeWithHosts(place, ['HV01'], START, { staleAfterMs: 30 * 60_000 });
        const single = await storeWithHosts(
          place,
          ['HV01'],
          START,
          { staleAfterMs: 30 * 60_000 },
          'single.db',
        );
        let at = START.getTime();
        for (const s of sweeps) {
          at += s.minutesLater * 60_000;
          const when = new Date(at);
          const entries = s.vms.map((v) =>
            entry(v.n, { ...STEADY, ...v.guest }, v.renamed ? `new-${v.n}` : `vm-${v.n}`),
          );
          await batch.transaction((tx) => tx.recordSweep('HV01', when, entries));
          await single.transaction(async (tx) => {
            for (const e of entries) {
              await tx.upsertVm(e.vm, when);
              await tx.recordVmName(e.vm.id, when, e.name);
              await tx.recordObservation(e.vm.id, when, { ...e.observation, host: 'HV01' });
              await tx.recordKvp(e.vm.id, 'intrinsic', e.kvp?.intrinsic ?? [], when);
            }
          });
        }
        const [a, b] = [await snapshot(batch), await snapshot(single)];
        await batch.close();
        await single.close();
        await place.reset();
        expect(a).toEqual(b);
      }),
      { numRuns: 25 },
    );
  });
});
