import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ObservationFields, Store, SweepVm } from '../../../../agent/store/index.js';
import { observed, storeWithHosts, type TempDir, tempDir, vmGuid } from '../store-test-kit.js';

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

describe('agent/store/repos/sweep-repo', () => {
  let dir: TempDir;
  beforeEach(async () => {
    dir = await tempDir();
  });
  afterEach(async () => {
    await dir.remove();
  });

  it('writes no new rows in steady state: ten identical sweeps of 200 VMs leave the row counts alone', async () => {
    const store = await storeWithHosts(dir);
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
    const store = await storeWithHosts(dir);
    const vms = Array.from({ length: 50 }, (_, n) => entry(n));
    vms[40] = entry(40, { ...STEADY, licenseStatus: 'activated-by-magic' as Guest['licenseStatus'] });
    await expect(store.transaction((tx) => tx.recordSweep('HV01', START, vms))).rejects.toThrow(
      'fields.licenseStatus is "activated-by-magic"',
    );
    expect((await store.tableSizes()).rows.vms).toBe(0);
    await store.close();
  });

  it('refuses the same VM twice in one sweep', async () => {
    const store = await storeWithHosts(dir);
    await expect(
      store.transaction((tx) => tx.recordSweep('HV01', START, [entry(1), entry(1)])),
    ).rejects.toThrow(`vms[1].vm.id is "${vmGuid(1)}", expected each VM once per sweep`);
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
        const batch = await storeWithHosts(dir, ['HV01'], START, { staleAfterMs: 30 * 60_000 });
        const single = await storeWithHosts(dir, ['HV01'], START, { staleAfterMs: 30 * 60_000 }, 'single.db');
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
        await dir.remove();
        dir = await tempDir();
        expect(a).toEqual(b);
      }),
      { numRuns: 25 },
    );
  });
});
