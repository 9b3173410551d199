import { encodeKvpItem } from 'hyperv-kvp';
import { describe, expect, it } from 'vitest';
import { readGuestReport } from '../../../agent/decide/guest-report.js';
import { LabDriver } from '../../../agent/driver/lab/lab-driver.js';
import { Lab } from '../../../agent/lab/lab.js';
import { validateScenario } from '../../../agent/lab/scenario-loader.js';
import { inventoryVm } from '../../../agent/sweep/collectors/vm-inventory.js';
import { SweepCache } from '../../../agent/sweep/sweep-cache.js';
import { sweepVm, type VmSweepContext } from '../../../agent/sweep/vm-sweep.js';
import { encodeGuestEvent, encodeStatus } from '../../../shared/protocol/index.js';
import { scenario, server } from './sweep-kit.js';

const STATUS = encodeStatus({
  v: 1,
  seq: 0,
  licenseStatus: 'unlicensed',
  channel: 'gvlk',
  partialKey: '4GF74',
  avmaHost: null,
  lastActivation: null,
  graceMinutes: 0,
  lastHresult: null,
  agentVersion: '0.1.0',
  refused: null,
});
const EVENT = encodeGuestEvent({
  v: 1,
  recordId: 3,
  time: '2026-11-01T00:00:00.000Z',
  notification: 'invalid-host',
  hresult: '0xC004FD01',
});

async function setup() {
  const lab = await Lab.create(
    validateScenario(
      scenario([{ name: 'web01', host: 'HV01', guest: server('2019', 'standard', 'gvlk', 'unlicensed') }]),
    ),
    { guestAgentFactory: null },
  );
  const vm = lab.vmByName('web01');
  vm.writeGuestItem('AvmaAgent.Status', STATUS);
  vm.writeGuestItem('AvmaAgent.Event.0', EVENT);
  const cache = new SweepCache();
  const context: VmSweepContext = {
    driver: new LabDriver(lab, 'HV01'),
    host: 'HV01',
    hostView: { version: '2022', build: 20348, edition: 'datacenter', activated: true },
    at: new Date(lab.now()),
    memory: null,
    tenant: 'contoso',
    silentAfterMs: 0,
    cache,
    hostEvidence: { lastEvent: null, lastSuccess: null },
    evidenceWindowMs: 7 * 24 * 3_600_000,
  };
  return { lab, vm, cache, context };
}

describe('agent/sweep/vm-sweep', () => {
  it('records the observation after its actions: key pushed, the host pool as the host now holds it', async () => {
    const { vm, context } = await setup();
    const listed = inventoryVm(vm.raw());
    const swept = await sweepVm(listed, readGuestReport(listed.pools.guest.items), context);
    expect(swept).toMatchObject({ eligible: true, pushed: true, wiped: false, block: null });
    expect(swept.record.observation).toMatchObject({
      licenseStatus: 'unlicensed',
      channel: 'gvlk',
      keyPushed: true,
      kvpWiped: false,
      version: '2019',
      edition: 'standard',
    });
    expect(swept.record.kvp?.host?.map((item) => item.name)).toEqual(['AvmaAgent.Key', 'AvmaAgent.Intent']);
    expect(swept.recordedXml.host).toBeNull();
    expect(swept.audits.map((audit) => audit.action)).toEqual(['push-key']);
    expect(swept.guestEvents.map((event) => [event.recordId, event.notification, event.hresult])).toEqual([
      [3, 'invalid-host', '0xC004FD01'],
    ]);
  });

  it('leaves out the pools and the ring this process already recorded unchanged', async () => {
    const { vm, cache, context } = await setup();
    const listed = inventoryVm(vm.raw(), cache);
    for (const pool of ['intrinsic', 'guest', 'host'] as const)
      cache.rememberCommitted(vm.id, pool, listed.pools[pool].xml);
    cache.rememberRing(vm.id, '3');
    const report = readGuestReport(listed.pools.guest.items);
    const swept = await sweepVm(listed, report, {
      ...context,
      hostView: { ...context.hostView, edition: 'standard' },
    });
    expect(swept.pushed).toBe(false);
    expect(swept.record.kvp).toEqual({});
    expect(swept.guestEvents).toEqual([]);
  });

  it('sends only the ring events the last committed ring did not hold (the rest are stored)', async () => {
    const { vm, cache, context } = await setup();
    vm.writeGuestItem(
      'AvmaAgent.Event.1',
      encodeGuestEvent({
        v: 1,
        recordId: 4,
        time: '2026-11-01T00:05:00.000Z',
        notification: 'success',
        hresult: null,
      }),
    );
    const listed = inventoryVm(vm.raw());
    const report = readGuestReport(listed.pools.guest.items);
    cache.rememberRing(vm.id, '2,3');
    expect((await sweepVm(listed, report, context)).guestEvents.map((event) => event.recordId)).toEqual([4]);
    // A process that never committed this VM's ring sends all of it (ON CONFLICT skips the stored).
    const fresh = { ...context, cache: new SweepCache() };
    expect((await sweepVm(listed, report, fresh)).guestEvents.map((event) => event.recordId)).toEqual([3, 4]);
  });

  it('records the decode problems of a hostile pool with the decision’s', async () => {
    const { vm, context } = await setup();
    const raw = vm.raw();
    const broken = {
      ...raw,
      guestItems: [
        ...raw.guestItems,
        '<INSTANCE CLASSNAME="Other"></INSTANCE>',
        encodeKvpItem({ name: 'AvmaAgent.Event.1', data: '{}', source: 1 }),
      ],
    };
    const listed = inventoryVm(broken);
    const swept = await sweepVm(listed, readGuestReport(listed.pools.guest.items), context);
    expect(swept.record.observation.problems.map((p) => p.code)).toEqual([
      'KVP_ITEM_INVALID',
      'EVENT_INVALID',
    ]);
    expect(swept.pushed).toBe(true);
  });

  it('calls a blocked VM wiped only while its Guest pool is visible and holds none of our items', async () => {
    const { lab, vm, context } = await setup();
    vm.deleteGuestItem('AvmaAgent.Status');
    vm.deleteGuestItem('AvmaAgent.Event.0');
    const blocked = {
      ...context,
      memory: {
        id: vm.id,
        deleted: false,
        optedOut: false,
        avmaBlocked: true,
        lastIntentSeq: 0,
        last: null,
        lastHostEvent: null,
        lastHostSuccess: null,
      },
    };
    const running = inventoryVm(vm.raw());
    expect((await sweepVm(running, readGuestReport([]), blocked)).record.observation.kvpWiped).toBe(true);
    lab.stop(vm, 'Off');
    const off = inventoryVm(vm.raw());
    expect((await sweepVm(off, readGuestReport([]), blocked)).record.observation.kvpWiped).toBe(false);
  });
});
