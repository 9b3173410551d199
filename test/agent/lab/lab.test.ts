import { decodeKvpItems } from 'hyperv-kvp';
import { describe, expect, it } from 'vitest';
import { LabDriver } from '../../../agent/driver/lab/lab-driver.js';
import { Lab } from '../../../agent/lab/lab.js';
import type { WindowsGuest } from '../../../agent/lab/lab-guest.js';
import { defaultScenario } from '../../../agent/lab/scenario-loader.js';
import { MINUTE_MS } from '../../../agent/lab/sim-clock.js';
import { encodeIntent, parseStatus } from '../../../shared/protocol/index.js';
import { host, labOf, scenarioOf, server, vm } from './lab-test-kit.js';

const STANDARD_2019_AVMA = 'TNK62-RXVTB-4P47B-2D623-4GF74';

async function statusOf(driver: LabDriver, vmId: string) {
  const raw = (await driver.listVms()).find((candidate) => candidate.id === vmId);
  const item = decodeKvpItems(raw?.guestItems ?? []).find(
    (candidate) => candidate.name === 'AvmaAgent.Status',
  );
  const parsed = parseStatus(item?.data);
  if (!parsed.ok) throw new Error(`no valid status: ${parsed.problem.message}`);
  return parsed.value;
}

async function agentLab(guest = server('2019', 'standard', 'gvlk', 'unlicensed')) {
  const lab = await Lab.create(scenarioOf({ vms: [vm('web01', 'HV01', guest, { guestAgent: true })] }));
  return { lab, driver: new LabDriver(lab, 'HV01'), id: lab.vmByName('web01').id };
}

function pushIntent(driver: LabDriver, id: string, key: string, seq: number, action = 'install') {
  return driver.addKvpItems(id, [
    { name: 'AvmaAgent.Key', data: key },
    { name: 'AvmaAgent.Intent', data: encodeIntent({ v: 1, seq, action } as never) },
  ]);
}

describe('agent/lab/lab', () => {
  it('runs the real guest agent: a pushed AVMA key is installed, activated by the host and reported', async () => {
    const { lab, driver, id } = await agentLab();
    await pushIntent(driver, id, STANDARD_2019_AVMA, 1);
    await lab.advanceBy(5 * MINUTE_MS);
    const status = await statusOf(driver, id);
    expect(status).toMatchObject({
      seq: 1,
      licenseStatus: 'licensed',
      channel: 'avma',
      partialKey: '4GF74',
      avmaHost: 'HV01',
    });
    expect(
      (await driver.readEvents({ ids: [12310], afterRecordId: 0 })).map((event) => event.data.Notification),
    ).toEqual(['AVMA Success']);
  });

  it("runs the real guest agent: a key that is not this guest's AVMA key is refused and nothing changes", async () => {
    const { lab, driver, id } = await agentLab();
    await pushIntent(driver, id, 'H3RNG-8C32Q-Q8FRX-6TDXV-WMBMW', 1);
    await lab.advanceBy(5 * MINUTE_MS);
    expect(await statusOf(driver, id)).toMatchObject({ channel: 'gvlk', refused: 'KEY_NOT_FOR_THIS_GUEST' });
    expect((lab.vmByName('web01').guest as WindowsGuest).spp.key?.channel).toBe('gvlk');
  });

  it('runs the real guest agent: a wipe intent removes its AvmaAgent items from the Guest pool', async () => {
    const { lab, driver, id } = await agentLab();
    await pushIntent(driver, id, STANDARD_2019_AVMA, 1);
    await lab.advanceBy(5 * MINUTE_MS);
    await driver.modifyKvpItems(id, [
      { name: 'AvmaAgent.Intent', data: encodeIntent({ v: 1, seq: 2, action: 'wipe' }) },
    ]);
    await lab.advanceBy(5 * MINUTE_MS);
    const names = [...lab.vmByName('web01').guestPool.keys()];
    expect(names.filter((name) => name.startsWith('AvmaAgent.'))).toEqual([]);
  });

  it('ticks the guest agent at boot and every five minutes, not after guest-agent-stop, again after guest-agent-start', async () => {
    let ticks = 0;
    const lab = await Lab.create(
      scenarioOf({
        vms: [vm('web01', 'HV01', server('2019', 'standard'), { guestAgent: true })],
        events: [
          { at: '2026-11-01T01:00:00Z', type: 'guest-agent-stop', vm: 'web01' },
          { at: '2026-11-02T00:00:00Z', type: 'guest-agent-start', vm: 'web01' },
        ],
      }),
      {
        guestAgentFactory: () => ({
          tick: async () => {
            ticks += 1;
          },
        }),
      },
    );
    expect(ticks).toBe(1);
    await lab.advanceBy(30 * MINUTE_MS);
    expect(ticks).toBe(7);
    await lab.advanceTo('2026-11-01T23:59:00Z');
    expect(ticks).toBe(12);
    await lab.advanceTo('2026-11-02T00:10:00Z');
    expect(ticks).toBe(15);
  });

  it('runs the real guest agent: when the tenant replaces the AVMA key, the agent deletes its items', async () => {
    const { lab, driver, id } = await agentLab(server('2019', 'standard', 'avma', 'licensed'));
    await pushIntent(driver, id, STANDARD_2019_AVMA, 1);
    await lab.advanceBy(5 * MINUTE_MS);
    expect(lab.vmByName('web01').guestPool.has('AvmaAgent.Status')).toBe(true);
    lab.scheduler.schedule(lab.now(), 'tenant', () => {
      lab.installKey(lab.vmByName('web01'), lab.keys.generate('mak'));
    });
    await lab.advanceBy(5 * MINUTE_MS);
    const names = [...lab.vmByName('web01').guestPool.keys()];
    expect(names.filter((name) => name.startsWith('AvmaAgent.'))).toEqual([]);
  });

  it('records a guest agent that throws as a problem for that VM and keeps every other VM going', async () => {
    const lab = await Lab.create(
      scenarioOf({
        vms: [
          vm('broken', 'HV01', server('2019', 'standard'), { guestAgent: true }),
          vm('fine', 'HV01', server('2019', 'datacenter'), { guestAgent: true }),
        ],
      }),
      {
        guestAgentFactory: (platform) => ({
          tick: async () => {
            const facts = await platform.osFacts();
            if (facts.edition === 'standard') throw new Error('agent crashed');
          },
        }),
      },
    );
    await lab.advanceBy(10 * MINUTE_MS);
    expect(lab.problems.map((problem) => [problem.vmName, problem.code, problem.message])).toEqual([
      ['broken', 'GUEST_AGENT_FAILED', 'agent crashed'],
      ['broken', 'GUEST_AGENT_FAILED', 'agent crashed'],
      ['broken', 'GUEST_AGENT_FAILED', 'agent crashed'],
    ]);
  });

  it('lets an AVMA activation lapse out of Licensed when the host can no longer renew it', async () => {
    const lab = await labOf({
      hosts: [host('HV01')],
      vms: [vm('a', 'HV01', server('2022', 'datacenter'))],
      events: [{ at: '2026-11-02T00:00:00Z', type: 'deactivate-host', host: 'HV01' }],
    });
    const guest = lab.vmByName('a').guest as WindowsGuest;
    // Last success at boot (11-01); the renewals from 11-02 on fail; validity is 7 days.
    await lab.advanceTo('2026-11-07T23:59:00Z');
    expect(guest.spp.status(lab.now())).toBe('licensed');
    await lab.advanceTo('2026-11-08T00:00:00Z');
    expect(guest.spp.licenseFacts(lab.now())).toMatchObject({
      licenseStatus: 3,
      licenseStatusReason: '0xC004FD02',
    });
  });

  it('is deterministic: the same seed gives the same GUIDs and the same week; another seed other GUIDs', async () => {
    const month = async (seed: number) => {
      const lab = await Lab.create(defaultScenario(), { seed });
      const ids = lab.vms().map((machine) => machine.id);
      await lab.advanceTo('2026-11-08T00:00:00Z');
      const listings = await Promise.all(
        lab.hosts().map((h) => (h.up ? new LabDriver(lab, h.name).listVms() : [])),
      );
      return { ids, listings: JSON.stringify(listings), timeline: JSON.stringify(lab.timeline) };
    };
    const [first, second, other] = [await month(11), await month(11), await month(12)];
    expect(second).toEqual(first);
    expect(other.ids).not.toEqual(first.ids);
  }, 60_000);
});
