import { readFileSync } from 'node:fs';
import { encodeKvpItem } from 'hyperv-kvp';
import { describe, expect, it } from 'vitest';
import type { HypervDriver } from '../../../../agent/driver/hyperv-driver.js';
import type { RawVm } from '../../../../agent/model/index.js';
import {
  collectInventory,
  inventoryVm,
  MAX_POOL_ITEMS,
} from '../../../../agent/sweep/collectors/vm-inventory.js';
import { SweepCache } from '../../../../agent/sweep/sweep-cache.js';

/** A Windows Server 2019 Datacenter guest's intrinsic items (test/fixtures/hyperv-kvp/PROVENANCE.md). */
const INTRINSIC: string[] = JSON.parse(
  readFileSync(
    new URL('../../../fixtures/hyperv-kvp/windows-server-2019-datacenter-intrinsic.json', import.meta.url),
    'utf8',
  ),
);
const ID = '6A3F5C2E-0B1D-4E8F-9A7B-000000000001';

function raw(overrides: Partial<RawVm> = {}): RawVm {
  return {
    id: ID,
    name: 'web01',
    state: 'Running',
    dataExchange: true,
    intrinsicItems: INTRINSIC,
    guestItems: [encodeKvpItem({ name: 'AvmaAgent.Status', data: '{}', source: 1 })],
    hostItems: [encodeKvpItem({ name: 'Name', data: 'Data', source: 0 })],
    processorCount: 2,
    memoryAssignedBytes: 4 * 1024 ** 3,
    ...overrides,
  };
}

function listing(vms: readonly RawVm[]): HypervDriver {
  return { listVms: async () => [...vms] } as unknown as HypervDriver;
}

describe('agent/sweep/collectors/vm-inventory', () => {
  it('decodes the three pools and identifies the guest from its intrinsic items', () => {
    const vm = inventoryVm(raw());
    expect(vm).toMatchObject({ id: ID.toLowerCase(), name: 'web01', problems: [] });
    expect(vm.identity).toMatchObject({ os: 'windows-server', version: '2019', edition: 'datacenter' });
    expect(vm.pools.guest.items).toEqual([{ name: 'AvmaAgent.Status', data: '{}', source: 1 }]);
    expect([...vm.hostItems]).toEqual([['Name', 'Data']]);
  });

  it('skips an item that is not valid CIM-XML with a problem, keeping the rest of the pool', () => {
    const hostile = '<INSTANCE CLASSNAME="Msvm_KvpExchangeDataItem"><!DOCTYPE x></INSTANCE>';
    const oversized = encodeKvpItem({ name: 'AvmaAgent.Status', data: 'x'.repeat(1000), source: 1 }).replace(
      'x'.repeat(1000),
      'x'.repeat(5000),
    );
    const vm = inventoryVm(raw({ guestItems: [hostile, raw().guestItems[0] as string, oversized] }));
    expect(vm.pools.guest.items.map((item) => item.name)).toEqual(['AvmaAgent.Status']);
    expect(vm.problems.map((p) => p.code)).toEqual(['KVP_ITEM_INVALID', 'KVP_ITEM_INVALID']);
    expect(vm.problems[0]?.message).toMatch(/^guest pool item 0: /);
    expect(vm.problems[1]?.message).toMatch(/^guest pool item 2: .*; ignored$/);
  });

  it('keeps at most 1,024 items of a pool and says so', () => {
    const item = raw().hostItems[0] as string;
    const vm = inventoryVm(raw({ hostItems: Array.from({ length: MAX_POOL_ITEMS + 5 }, () => item) }));
    expect(vm.pools.host.items).toHaveLength(MAX_POOL_ITEMS);
    expect(vm.problems[0]).toEqual({
      code: 'KVP_POOL_TRUNCATED',
      message: 'host pool holds 1029 items, expected at most 1024; the rest were ignored',
    });
  });

  it('gives no identity to a VM that published no intrinsic items', () => {
    expect(inventoryVm(raw({ intrinsicItems: [], state: 'Off' })).identity).toBeNull();
  });

  it('uses the VM id as name when Hyper-V reports none, and strips NUL from names', () => {
    expect(inventoryVm(raw({ name: '' })).name).toBe(ID.toLowerCase());
    expect(inventoryVm(raw({ name: 'a\0b' })).name).toBe('ab');
  });

  it("cuts an over-long name to the store's 256 units without splitting an emoji into a lone surrogate", () => {
    expect(inventoryVm(raw({ name: `${'x'.repeat(255)}😀tail` })).name).toBe('x'.repeat(255));
    expect(inventoryVm(raw({ name: `${'x'.repeat(254)}😀tail` })).name).toBe(`${'x'.repeat(254)}😀`);
  });

  it('decodes an unchanged pool once, through the cache', () => {
    const cache = new SweepCache();
    const first = inventoryVm(raw(), cache);
    const again = inventoryVm(raw({ intrinsicItems: [...INTRINSIC] }), cache);
    expect(again.pools.intrinsic).toBe(first.pools.intrinsic);
    expect(again.identity).toBe(first.identity);
    const changed = inventoryVm(raw({ intrinsicItems: INTRINSIC.slice(1) }), cache);
    expect(changed.pools.intrinsic).not.toBe(first.pools.intrinsic);
  });

  // A guest agent rewrites its Status every pass; the 12309 ring items beside it stay the same for days.
  it('decodes only the elements of a pool that changed, with the same result as a full decode', () => {
    const cache = new SweepCache();
    const status = (grace: number) =>
      encodeKvpItem({ name: 'AvmaAgent.Status', data: `{"graceMinutes":${grace}}`, source: 1 });
    const event = encodeKvpItem({
      name: 'AvmaAgent.Event.0',
      data: '{"recordId":7,"m":"a & <b>"}',
      source: 1,
    });
    const first = inventoryVm(raw({ guestItems: [status(10), event] }), cache);
    const second = inventoryVm(raw({ guestItems: [status(9), event] }), cache);
    expect(second.pools.guest.items[1]).toBe(first.pools.guest.items[1]);
    expect(second.pools.guest.items).toEqual(
      inventoryVm(raw({ guestItems: [status(9), event] })).pools.guest.items,
    );
    const hostile = '<INSTANCE CLASSNAME="Msvm_KvpExchangeDataItem"><!DOCTYPE x></INSTANCE>';
    const bad = inventoryVm(raw({ guestItems: [status(8), hostile, event] }), cache);
    expect(bad.pools.guest).toEqual(
      inventoryVm(raw({ guestItems: [status(8), hostile, event] })).pools.guest,
    );
    expect(bad.problems[0]?.message).toMatch(/^guest pool item 1: /);
  });

  it('reuses unchanged items when the pool grew or its items swapped places, and decodes the rest', () => {
    const cache = new SweepCache();
    const item = (name: string, data: string) => encodeKvpItem({ name, data, source: 1 });
    const [status, e0, e1] = [
      item('AvmaAgent.Status', '{"g":1}'),
      item('AvmaAgent.Event.0', '{"r":1}'),
      item('AvmaAgent.Event.1', '{"r":2}'),
    ];
    const first = inventoryVm(raw({ guestItems: [status, e0] }), cache).pools.guest.items;
    // A forwarded event joins the ring before the Status: every place after it moved.
    const grown = inventoryVm(raw({ guestItems: [e1, status, e0] }), cache).pools.guest.items;
    expect(grown[1]).toBe(first[0]);
    expect(grown[2]).toBe(first[1]);
    expect(grown).toEqual(inventoryVm(raw({ guestItems: [e1, status, e0] })).pools.guest.items);
    // Same length, places swapped: decoded again where the text differs, and still right.
    const swapped = inventoryVm(raw({ guestItems: [status, e0, e1] }), cache).pools.guest.items;
    expect(swapped).toEqual(inventoryVm(raw({ guestItems: [status, e0, e1] })).pools.guest.items);
  });

  it('skips VMs without a GUID id and VMs listed twice', async () => {
    const inventory = await collectInventory(
      listing([raw(), raw({ id: ID.toLowerCase() }), raw({ id: 'not-a-guid' })]),
    );
    expect(inventory.vms).toHaveLength(1);
    expect(inventory.skipped).toEqual([ID.toLowerCase(), 'not-a-guid']);
  });
});
