import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ObservationFields, Store } from '../../../../agent/store/index.js';
import { StoreError } from '../../../../agent/store/index.js';
import { type BackendPlace, STORE_BACKENDS } from '../store-backends.js';
import { hoursAfter, observed, storeWithHosts, vmGuid } from '../store-test-kit.js';

const START = new Date('2026-11-01T00:00:00Z');
const MONTH_END = new Date('2026-12-01T00:00:00Z');
const VM = vmGuid(1);

describe.each(STORE_BACKENDS)('agent/store/repos/observations-repo ($name)', (backend) => {
  let place: BackendPlace;
  let store: Store;
  beforeEach(async () => {
    place = await backend.place();
    store = await storeWithHosts(place, ['HV01', 'HV02'], START, { staleAfterMs: 10 * 60_000 });
    await store.transaction(async (tx) => {
      await tx.upsertVm({ id: VM, tenant: 'contoso' }, START);
    });
  });
  afterEach(async () => {
    await store.close();
    await place.remove();
  });

  function record(at: Date, fields: ObservationFields) {
    return store.transaction((tx) => tx.recordObservation(VM, at, fields));
  }

  async function intervals() {
    const inputs = await store.readUsageInputs(START, MONTH_END);
    return inputs.intervals.map((i) => ({
      from: new Date(i.fromMs).toISOString(),
      until: new Date(i.untilMs).toISOString(),
      host: i.host,
      licenseStatus: i.licenseStatus,
    }));
  }

  it('keeps one row when the same observation is recorded 1,000 times, moving only last_seen', async () => {
    const changes = new Set<string>();
    for (let minute = 0; minute < 1000; minute++) {
      changes.add(await record(new Date(START.getTime() + minute * 60_000), observed()));
    }
    expect([...changes]).toEqual(['opened', 'unchanged']);
    expect((await store.tableSizes()).rows.observations).toBe(1);
    expect(await intervals()).toEqual([
      {
        from: '2026-11-01T00:00:00.000Z',
        until: '2026-11-01T16:39:00.000Z',
        host: 'HV01',
        licenseStatus: 'licensed',
      },
    ]);
  });

  it('opens a new interval when the licence status changes, closing the old one at that moment', async () => {
    await record(START, observed({ licenseStatus: 'oob-grace', channel: 'gvlk' }));
    await record(hoursAfter(START, 0.1), observed({ licenseStatus: 'oob-grace', channel: 'gvlk' }));
    expect(await record(hoursAfter(START, 0.15), observed())).toBe('changed');
    expect(await intervals()).toEqual([
      {
        from: '2026-11-01T00:00:00.000Z',
        until: '2026-11-01T00:09:00.000Z',
        host: 'HV01',
        licenseStatus: 'oob-grace',
      },
      {
        from: '2026-11-01T00:09:00.000Z',
        until: '2026-11-01T00:09:00.000Z',
        host: 'HV01',
        licenseStatus: 'licensed',
      },
    ]);
  });

  it('records a live migration as a new interval on the new host', async () => {
    await record(START, observed());
    expect(await record(hoursAfter(START, 0.1), observed({ host: 'HV02' }))).toBe('changed');
    expect((await intervals()).map((i) => i.host)).toEqual(['HV01', 'HV02']);
  });

  it('closes the interval at its last sighting after a gap longer than staleAfterMs (host down)', async () => {
    await record(START, observed());
    await record(hoursAfter(START, 0.1), observed());
    // Host down for a day: the next sighting comes 24 h later with nothing else changed.
    expect(await record(hoursAfter(START, 24.1), observed())).toBe('resumed');
    expect(await intervals()).toEqual([
      {
        from: '2026-11-01T00:00:00.000Z',
        until: '2026-11-01T00:06:00.000Z',
        host: 'HV01',
        licenseStatus: 'licensed',
      },
      {
        from: '2026-11-02T00:06:00.000Z',
        until: '2026-11-02T00:06:00.000Z',
        host: 'HV01',
        licenseStatus: 'licensed',
      },
    ]);
  });

  it('treats a gap of exactly staleAfterMs as continuous', async () => {
    await record(START, observed());
    expect(await record(new Date(START.getTime() + 10 * 60_000), observed())).toBe('unchanged');
  });

  it('opens a new interval when the VM is resized, and keeps "unknown" size as null', async () => {
    const size = (processorCount: number | null, gib: number | null) =>
      observed({ processorCount, memoryAssignedBytes: gib === null ? null : gib * 2 ** 30 });
    await record(START, size(2, 4));
    expect(await record(hoursAfter(START, 0.1), size(2, 4))).toBe('unchanged');
    expect(await record(hoursAfter(START, 0.15), size(4, 4))).toBe('changed');
    expect(await record(hoursAfter(START, 0.2), size(4, 16))).toBe('changed');
    expect(await record(hoursAfter(START, 0.25), observed())).toBe('changed');
    const inputs = await store.readUsageInputs(START, MONTH_END);
    expect(inputs.intervals.map((i) => [i.processorCount, i.memoryAssignedBytes])).toEqual([
      [2, 4 * 2 ** 30],
      [4, 4 * 2 ** 30],
      [4, 16 * 2 ** 30],
      [null, null],
    ]);
  });

  it('keeps the interval while Dynamic Memory moves assigned memory within 5%, not a row per sweep', async () => {
    const memory = (mib: number) => observed({ processorCount: 2, memoryAssignedBytes: mib * 2 ** 20 });
    await record(START, memory(8192));
    expect(await record(hoursAfter(START, 0.1), memory(8400))).toBe('unchanged');
    expect(await record(hoursAfter(START, 0.12), memory(7800))).toBe('unchanged');
    expect(await record(hoursAfter(START, 0.15), memory(9216))).toBe('changed');
    const inputs = await store.readUsageInputs(START, MONTH_END);
    expect(inputs.intervals.map((i) => i.memoryAssignedBytes)).toEqual([8192 * 2 ** 20, 9216 * 2 ** 20]);
  });

  it('records every memory change with memoryChangeRatio 0, and refuses a ratio above 0.5', async () => {
    const exact = await storeWithHosts(place, ['HV01'], START, { memoryChangeRatio: 0 }, 'exact.db');
    try {
      await exact.transaction((tx) => tx.upsertVm({ id: VM, tenant: null }, START));
      const at = (hours: number, mib: number) =>
        exact.transaction((tx) =>
          tx.recordObservation(
            VM,
            hoursAfter(START, hours),
            observed({ memoryAssignedBytes: mib * 2 ** 20 }),
          ),
        );
      await at(0, 8192);
      expect(await at(0.1, 8194)).toBe('changed');
    } finally {
      await exact.close();
    }
    await expect(
      storeWithHosts(place, ['HV01'], START, { memoryChangeRatio: 0.6 }, 'bad.db'),
    ).rejects.toThrow('memoryChangeRatio is 0.6, expected a number 0..0.5');
  });

  it('refuses a vCPU count or memory size no Hyper-V VM can have, naming the field', async () => {
    await expect(record(START, observed({ processorCount: 0 }))).rejects.toThrow(
      'fields.processorCount is 0, expected an integer 1..2048',
    );
    await expect(record(START, observed({ memoryAssignedBytes: 1.5 }))).rejects.toThrow(
      'fields.memoryAssignedBytes is 1.5, expected an integer 1..281474976710656',
    );
    expect((await store.tableSizes()).rows.observations).toBe(0);
  });

  it('refuses an observation older than the last sighting', async () => {
    await record(hoursAfter(START, 1), observed());
    await expect(record(START, observed())).rejects.toThrow(
      "at is 2026-11-01T00:00:00.000Z, expected a time at or after the VM's last sighting 2026-11-01T01:00:00.000Z",
    );
  });

  it('stores reasons in the contract order, so the same reasons in another order are no change', async () => {
    const reasons = ['OPTED_OUT', 'HOST_NOT_ACTIVATED', 'GUEST_EVALUATION'] as const;
    await record(START, observed({ eligible: false, reasons: [...reasons] }));
    const again = await record(
      hoursAfter(START, 0.1),
      observed({ eligible: false, reasons: [...reasons].reverse() }),
    );
    expect(again).toBe('unchanged');
    const [status] = await store.listVmStatus();
    expect(status?.reasons).toEqual(['HOST_NOT_ACTIVATED', 'GUEST_EVALUATION', 'OPTED_OUT']);
  });

  it.each([
    [
      'a licence status of 99',
      { licenseStatus: 99 },
      'fields.licenseStatus is 99, expected one of unlicensed',
    ],
    ['a 5,000-character channel', { channel: 'x'.repeat(5000) }, 'fields.channel is "xxxxxxxxxx'],
    ['a guest version outside the vocabulary', { version: '2019; DROP TABLE vms' }, 'fields.version is'],
    [
      'a reason that is not a reason code',
      { reasons: ['HOST_IS_FINE'] },
      'fields.reasons[0] is "HOST_IS_FINE"',
    ],
    [
      'a state Hyper-V does not have',
      { state: 'running' },
      'fields.state is "running", expected one of Running',
    ],
    [
      '33 problems',
      { problems: Array.from({ length: 33 }, () => ({ code: 'X', message: 'm' })) },
      'at most 32',
    ],
    [
      'a lower-case problem code',
      { problems: [{ code: 'bad', message: 'm' }] },
      'fields.problems[0].code is "bad"',
    ],
  ])('rejects %s and writes nothing', async (_what, override, message) => {
    const fields = { ...observed(), ...override } as unknown as ObservationFields;
    const error = await record(START, fields).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreError);
    expect((error as StoreError).code).toBe('INVALID_ARGUMENT');
    expect((error as StoreError).message).toContain(message);
    expect((await store.tableSizes()).rows.observations).toBe(0);
  });

  it('rejects an observation on a host it has never seen', async () => {
    const error = await record(START, observed({ host: 'HV99' })).catch((e: unknown) => e);
    expect((error as StoreError).code).toBe('NOT_FOUND');
    expect((error as StoreError).message).toBe(
      'host "HV99" is not in the store; record it with upsertHost first',
    );
  });

  it('keeps problems as recorded, with their codes and messages', async () => {
    const problems = [{ code: 'INVALID_STATUS', message: 'status.licenseStatus: expected one of …, got 99' }];
    await record(START, observed({ problems }));
    const [status] = await store.listVmStatus();
    expect(status?.problems).toEqual(problems);
  });
});
