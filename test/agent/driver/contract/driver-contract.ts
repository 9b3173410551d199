/**
 * The contract every `HypervDriver` must pass (architecture §4). The lab driver runs it directly; the
 * PowerShell driver runs it through recorded outputs, so the setup seam is one async function that
 * returns a fresh driver and what is known about its host, and each test makes a fixed, small sequence
 * of calls.
 *
 * Rules checked (Msvm_VirtualSystemManagementService AddKvpItems/ModifyKvpItems/RemoveKvpItems docs):
 * listing returns every VM with raw KVP items that hyperv-kvp decodes; add fails KEY_EXISTS on an
 * existing key and changes nothing; modify/remove fail KEY_NOT_FOUND on a missing key and change
 * nothing; more than 128 items is INVALID_ARGUMENT; an unknown VM is NO_VM; events come back after a
 * record-id bookmark in order, without gaps or repeats, also when paged with `max`; an operation the
 * driver cannot do rejects with UNSUPPORTED instead of being missing.
 */
import { decodeKvpItems, type KvpItem } from 'hyperv-kvp';
import { afterEach, describe, expect, it } from 'vitest';
import { DriverError, type DriverErrorCode } from '../../../../agent/driver/driver-error.js';
import type { HypervDriver } from '../../../../agent/driver/hyperv-driver.js';
import type { HostEvent, RawVm } from '../../../../agent/model/index.js';

export interface KnownVm {
  readonly id: string;
  readonly name: string;
  /** Running with Data Exchange on, with a guest that publishes intrinsic items. */
  readonly publishesIntrinsic: boolean;
}

export interface DriverContractContext {
  readonly driver: HypervDriver;
  /** Every VM on the host. */
  readonly vms: readonly KnownVm[];
  /** A VM that may be written to; it has no host item whose name starts with `Contract.`. */
  readonly writableVmId: string;
  /** An id that no VM on the host has. */
  readonly unknownVmId: string;
  /** Event ids to read, and how many records at least exist for them (3 or more, for paging). */
  readonly eventIds: readonly number[];
  readonly minEvents: number;
}

/** Returns a fresh driver and its host's facts; called once per test. */
export type DriverContractSetup = () => Promise<DriverContractContext>;

/** Resolves when `promise` rejects with a `DriverError` of `code`; fails the test otherwise. */
export async function expectDriverError(
  promise: Promise<unknown>,
  code: DriverErrorCode,
): Promise<DriverError> {
  const error = await promise.then(
    () => null,
    (reason: unknown) => reason,
  );
  expect(error, `expected a DriverError ${code}`).toBeInstanceOf(DriverError);
  expect((error as DriverError).code).toBe(code);
  return error as DriverError;
}

function hostItems(vm: RawVm | undefined): Map<string, string> {
  return new Map(decodeKvpItems(vm?.hostItems ?? []).map((item) => [item.name, item.data]));
}

async function listed(driver: HypervDriver, vmId: string): Promise<RawVm | undefined> {
  return (await driver.listVms()).find((vm) => vm.id === vmId);
}

function sources(items: readonly KvpItem[]): Set<number> {
  return new Set(items.map((item) => item.source));
}

async function readAllPaged(driver: HypervDriver, ids: readonly number[], max: number): Promise<HostEvent[]> {
  const out: HostEvent[] = [];
  for (let after = 0, guard = 0; guard < 10_000; guard += 1) {
    const page = await driver.readEvents({ ids, afterRecordId: after, max });
    expect(page.length).toBeLessThanOrEqual(max);
    if (page.length === 0) return out;
    out.push(...page);
    after = (page.at(-1) as HostEvent).recordId;
  }
  throw new Error('paging did not end');
}

/** Registers the driver contract tests for one driver. */
export function describeDriverContract(name: string, setup: DriverContractSetup): void {
  describe(`driver contract: ${name}`, () => {
    let open: HypervDriver | null = null;
    const start = async (): Promise<DriverContractContext> => {
      const context = await setup();
      open = context.driver;
      return context;
    };
    afterEach(async () => {
      await open?.close();
      open = null;
    });

    it('lists every VM of the host with raw KVP items that decode to the right sources', async () => {
      const { driver, vms } = await start();
      const listedVms = await driver.listVms();
      expect(listedVms.map((vm) => vm.id).sort()).toEqual(vms.map((vm) => vm.id).sort());
      for (const known of vms) {
        const vm = listedVms.find((candidate) => candidate.id === known.id) as RawVm;
        expect(vm.name).toBe(known.name);
        expect(vm.id).toBe(vm.id.toLowerCase());
        const intrinsic = decodeKvpItems(vm.intrinsicItems);
        expect(intrinsic.length > 0).toBe(known.publishesIntrinsic);
        if (intrinsic.length > 0) expect(sources(intrinsic)).toEqual(new Set([2]));
        const guest = decodeKvpItems(vm.guestItems);
        if (guest.length > 0) expect(sources(guest)).toEqual(new Set([1]));
        const host = decodeKvpItems(vm.hostItems);
        if (host.length > 0) expect(sources(host)).toEqual(new Set([0]));
      }
    });

    it('describes the host it is connected to', async () => {
      const { driver } = await start();
      const info = await driver.hostInfo();
      expect(info.name.toLowerCase()).toBe(driver.hostName.toLowerCase());
      expect(info.sockets).toBeGreaterThanOrEqual(1);
      expect(info.coresPerSocket).toHaveLength(info.sockets);
    });

    it('adds host items that the next listing shows with Source 0', async () => {
      const { driver, writableVmId } = await start();
      await driver.addKvpItems(writableVmId, [
        { name: 'Contract.Alpha', data: 'one' },
        { name: 'Contract.Beta', data: 'a & b <c> "d"' },
      ]);
      const items = hostItems(await listed(driver, writableVmId));
      expect(items.get('Contract.Alpha')).toBe('one');
      expect(items.get('Contract.Beta')).toBe('a & b <c> "d"');
    });

    it('refuses to add an existing key with KEY_EXISTS and adds nothing of that call', async () => {
      const { driver, writableVmId } = await start();
      await driver.addKvpItems(writableVmId, [{ name: 'Contract.Alpha', data: 'one' }]);
      await expectDriverError(
        driver.addKvpItems(writableVmId, [
          { name: 'Contract.Gamma', data: 'new' },
          { name: 'Contract.Alpha', data: 'two' },
        ]),
        'KEY_EXISTS',
      );
      const items = hostItems(await listed(driver, writableVmId));
      expect(items.get('Contract.Alpha')).toBe('one');
      expect(items.has('Contract.Gamma')).toBe(false);
    });

    it('modifies existing keys and refuses a missing one with KEY_NOT_FOUND, changing nothing', async () => {
      const { driver, writableVmId } = await start();
      await driver.addKvpItems(writableVmId, [{ name: 'Contract.Alpha', data: 'one' }]);
      await expectDriverError(
        driver.modifyKvpItems(writableVmId, [
          { name: 'Contract.Alpha', data: 'two' },
          { name: 'Contract.Missing', data: 'x' },
        ]),
        'KEY_NOT_FOUND',
      );
      expect(hostItems(await listed(driver, writableVmId)).get('Contract.Alpha')).toBe('one');
      await driver.modifyKvpItems(writableVmId, [{ name: 'Contract.Alpha', data: 'two' }]);
      expect(hostItems(await listed(driver, writableVmId)).get('Contract.Alpha')).toBe('two');
    });

    it('removes existing keys and refuses a missing one with KEY_NOT_FOUND, removing nothing', async () => {
      const { driver, writableVmId } = await start();
      await driver.addKvpItems(writableVmId, [
        { name: 'Contract.Alpha', data: 'one' },
        { name: 'Contract.Beta', data: 'two' },
      ]);
      await expectDriverError(
        driver.removeKvpItems(writableVmId, ['Contract.Alpha', 'Contract.Missing']),
        'KEY_NOT_FOUND',
      );
      expect(hostItems(await listed(driver, writableVmId)).has('Contract.Alpha')).toBe(true);
      await driver.removeKvpItems(writableVmId, ['Contract.Alpha']);
      const items = hostItems(await listed(driver, writableVmId));
      expect(items.has('Contract.Alpha')).toBe(false);
      expect(items.get('Contract.Beta')).toBe('two');
    });

    it('refuses more than 128 items in one call with INVALID_ARGUMENT and adds none', async () => {
      const { driver, writableVmId } = await start();
      const items = Array.from({ length: 129 }, (_, index) => ({
        name: `Contract.Bulk${index}`,
        data: String(index),
      }));
      await expectDriverError(driver.addKvpItems(writableVmId, items), 'INVALID_ARGUMENT');
      const after = hostItems(await listed(driver, writableVmId));
      expect([...after.keys()].filter((key) => key.startsWith('Contract.Bulk'))).toEqual([]);
    });

    it('answers KVP writes to an unknown VM with NO_VM', async () => {
      const { driver, unknownVmId } = await start();
      await expectDriverError(
        driver.addKvpItems(unknownVmId, [{ name: 'Contract.Alpha', data: '1' }]),
        'NO_VM',
      );
      await expectDriverError(
        driver.modifyKvpItems(unknownVmId, [{ name: 'Contract.Alpha', data: '1' }]),
        'NO_VM',
      );
      await expectDriverError(driver.removeKvpItems(unknownVmId, ['Contract.Alpha']), 'NO_VM');
    });

    it('reads events after a record-id bookmark, oldest first, without gaps or repeats', async () => {
      const { driver, eventIds, minEvents } = await start();
      const all = await driver.readEvents({ ids: eventIds, afterRecordId: 0 });
      expect(all.length).toBeGreaterThanOrEqual(Math.max(3, minEvents));
      for (const [index, event] of all.entries()) {
        expect(eventIds).toContain(event.eventId);
        if (index > 0) expect(event.recordId).toBeGreaterThan((all[index - 1] as HostEvent).recordId);
        expect(Number.isNaN(Date.parse(event.time))).toBe(false);
      }
      const bookmark = (all[1] as HostEvent).recordId;
      expect(await driver.readEvents({ ids: eventIds, afterRecordId: bookmark })).toEqual(all.slice(2));
      const last = (all.at(-1) as HostEvent).recordId;
      expect(await driver.readEvents({ ids: eventIds, afterRecordId: last })).toEqual([]);
    });

    it('pages events with max and returns the same events without gaps or repeats', async () => {
      const { driver, eventIds } = await start();
      const all = await driver.readEvents({ ids: eventIds, afterRecordId: 0 });
      expect(await readAllPaged(driver, eventIds, 2)).toEqual(all);
    });

    it('rejects operations it cannot do with UNSUPPORTED rather than leaving them out', async () => {
      const { driver, writableVmId } = await start();
      const methods = [
        'hostInfo',
        'listVms',
        'addKvpItems',
        'modifyKvpItems',
        'removeKvpItems',
        'readEvents',
      ];
      for (const method of [...methods, 'setDataExchange', 'close']) {
        expect(typeof (driver as unknown as Record<string, unknown>)[method], method).toBe('function');
      }
      const calls: readonly [boolean, () => Promise<unknown>][] = [
        [
          driver.capabilities.kvpWrite,
          () => driver.addKvpItems(writableVmId, [{ name: 'Contract.Cap', data: '1' }]),
        ],
        [driver.capabilities.events, () => driver.readEvents({ ids: [12310], afterRecordId: 0, max: 1 })],
        [driver.capabilities.setDataExchange, () => driver.setDataExchange(writableVmId, true)],
      ];
      for (const [capable, call] of calls) {
        if (capable) await call();
        else await expectDriverError(call(), 'UNSUPPORTED');
      }
    });

    it('switches Data Exchange when capable, and a VM without it publishes no guest data', async () => {
      const { driver, writableVmId } = await start();
      if (!driver.capabilities.setDataExchange) return;
      await driver.setDataExchange(writableVmId, false);
      const off = (await listed(driver, writableVmId)) as RawVm;
      expect(off.dataExchange).toBe(false);
      expect(off.intrinsicItems).toEqual([]);
      expect(off.guestItems).toEqual([]);
      await driver.setDataExchange(writableVmId, true);
      expect(((await listed(driver, writableVmId)) as RawVm).dataExchange).toBe(true);
    });

    it('closes idempotently', async () => {
      const { driver } = await start();
      await driver.close();
      await expect(driver.close()).resolves.toBeUndefined();
    });
  });
}
