import { describe, expect, it } from 'vitest';
import { AVMA_GUEST_EVENT_ID, AVMA_HOST_EVENT_ID } from '../../../agent/lab/activation.js';
import type { Lab } from '../../../agent/lab/lab.js';
import type { WindowsGuest } from '../../../agent/lab/lab-guest.js';
import { host, labOf, server, vm } from './lab-test-kit.js';

/** Boots one guest on one host and returns what its first AVMA request left in both logs. */
async function firstRequest(
  hostSpec: object,
  guest: object,
  vmExtra: Record<string, unknown> = {},
  settings?: object,
) {
  const lab = await labOf({
    hosts: [hostSpec],
    vms: [vm('g1', 'HV01', guest, vmExtra)],
    ...(settings ? { settings } : {}),
  });
  return requestLogs(lab, 'g1');
}

function requestLogs(lab: Lab, name: string) {
  const target = lab.vmByName(name);
  const guest = target.guest as WindowsGuest;
  const guestEvents = guest.log.read([AVMA_GUEST_EVENT_ID], 0);
  const hostEvents = lab.host(target.hostName).log.read([AVMA_HOST_EVENT_ID], 0);
  return { lab, guest, guestEvents, hostEvents, last: guestEvents.at(-1) };
}

describe('agent/lab/activation', () => {
  it('activates a 2019 guest on an activated 2022 Datacenter host: AVMA Success, 12310 and 12309', async () => {
    const { guest, guestEvents, hostEvents, lab } = await firstRequest(
      host('HV01'),
      server('2019', 'standard', 'avma', 'unlicensed'),
    );
    expect(guestEvents).toHaveLength(1);
    expect(guestEvents[0]?.message).toMatch(
      /^AVMA Success: The VM was activated\. Result: 0x00000000\. Host machine name: HV01$/,
    );
    expect(hostEvents).toHaveLength(1);
    expect(hostEvents[0]?.data).toMatchObject({
      VirtualMachineName: 'g1',
      Notification: 'AVMA Success',
      Result: '0x00000000',
    });
    const facts = guest.spp.licenseFacts(lab.now());
    expect(facts).toMatchObject({
      licenseStatus: 1,
      description: 'Windows(R) Operating System, VIRTUAL_MACHINE_ACTIVATION channel',
      partialProductKey: '4GF74',
      avmaHostMachineName: 'HV01',
      avmaLastActivationTime: '2026-11-01T00:00:00.000Z',
    });
  });

  it('answers Invalid Host (0xC004FD01) from a Standard host, which logs nothing', async () => {
    const { guestEvents, hostEvents } = await firstRequest(
      host('HV01', '2022', 'standard'),
      server('2019', 'datacenter'),
    );
    expect(guestEvents[0]?.message).toMatch(/^Invalid Host: .* Result: 0xC004FD01\./);
    expect(hostEvents).toEqual([]);
  });

  it('answers Invalid Host (0xC004FD01) when the host is down', async () => {
    const lab = await labOf({ vms: [vm('g1', 'HV01', server('2022', 'datacenter'))] });
    lab.host('HV01').up = false;
    const result = lab.activate(lab.vmByName('g1'));
    expect(result).toMatchObject({ ok: false, hresult: '0xC004FD01', message: 'host HV01 is down' });
    expect(requestLogs(lab, 'g1').hostEvents).toHaveLength(1);
  });

  it('answers Invalid Host (0xC004FD01) when Data Exchange is off', async () => {
    const { last, hostEvents } = await firstRequest(host('HV01'), server('2019', 'datacenter'), {
      dataExchange: false,
    });
    expect(last?.message).toContain('Result: 0xC004FD01.');
    expect(hostEvents).toEqual([]);
  });

  it('answers Invalid Host with 0xC004FD02 from a host that is not activated, which logs the request', async () => {
    const { last, hostEvents } = await firstRequest(
      host('HV01', '2022', 'datacenter', { activated: false }),
      server('2016', 'standard'),
    );
    expect(last?.message).toMatch(/^Invalid Host: .* Result: 0xC004FD02\./);
    expect(hostEvents[0]?.data.Result).toBe('0xC004FD02');
  });

  it('answers Activation Denied (0xC004FD03) when the host is older than the guest', async () => {
    const { last, hostEvents, guest, lab } = await firstRequest(
      host('HV01', '2016'),
      server('2019', 'datacenter', 'avma', 'unlicensed'),
    );
    expect(last?.message).toMatch(/^Activation Denied: .* Result: 0xC004FD03\./);
    expect(hostEvents[0]?.data.Notification).toBe('Activation Denied');
    expect(guest.spp.licenseFacts(lab.now())).toMatchObject({
      licenseStatus: 0,
      licenseStatusReason: '0xC004FD03',
    });
  });

  it('orders semi-annual releases by build: a 2019 host denies a 1903 guest', async () => {
    const { last } = await firstRequest(host('HV01', '2019'), server('1903', 'standard'));
    expect(last?.message).toMatch(/^Activation Denied:/);
  });

  it('answers Invalid Data (0xC004FD04) when the AVMA key is not the one for the guest (in-place upgrade)', async () => {
    const upgraded = server('2022', 'standard', 'TNK62-RXVTB-4P47B-2D623-4GF74');
    const { last, hostEvents } = await firstRequest(host('HV01'), upgraded);
    expect(last?.message).toMatch(/^Invalid Data: .* Result: 0xC004FD04\./);
    expect(hostEvents).toHaveLength(1);
  });

  it('fails every guest of a cluster with an unactivated node only when clusterActivation is all-nodes', async () => {
    const hosts = [
      host('HV01', '2022', 'datacenter', { cluster: 'CL1' }),
      host('HV02', '2022', 'datacenter', { cluster: 'CL1', activated: false }),
    ];
    const vms = [vm('g1', 'HV01', server('2019', 'datacenter'))];
    const perNode = await labOf({ hosts, vms });
    expect(requestLogs(perNode, 'g1').last?.message).toMatch(/^AVMA Success/);
    const allNodes = await labOf({ hosts, vms, settings: { clusterActivation: 'all-nodes' } });
    expect(requestLogs(allNodes, 'g1').last?.message).toMatch(/^Invalid Host: .*0xC004FD02/);
  });

  it('retries a failed request after the retry interval and renews a good one daily', async () => {
    const lab = await labOf({
      hosts: [host('HV01'), host('HV02', '2022', 'standard')],
      vms: [
        vm('good', 'HV01', server('2019', 'datacenter')),
        vm('bad', 'HV02', server('2019', 'datacenter')),
      ],
    });
    await lab.advanceBy(24 * 60 * 60_000);
    expect(requestLogs(lab, 'good').guestEvents).toHaveLength(2);
    expect(requestLogs(lab, 'bad').guestEvents).toHaveLength(13);
  });

  it('asks the (simulated) KMS host for a KMS client key only when one is configured', async () => {
    const guest = server('2019', 'standard', 'gvlk', 'unlicensed');
    const without = await labOf({ vms: [vm('g1', 'HV01', guest)] });
    const alone = requestLogs(without, 'g1').guest.spp.licenseFacts(without.now());
    expect(alone).toMatchObject({
      licenseStatus: 0,
      licenseStatusReason: '0xC004F074',
      productKeyChannel: 'Volume:GVLK',
    });
    const withKms = await labOf({ vms: [vm('g1', 'HV01', guest)], settings: { kmsHostAvailable: true } });
    const facts = requestLogs(withKms, 'g1').guest.spp.licenseFacts(withKms.now());
    expect(facts).toMatchObject({ licenseStatus: 1, gracePeriodRemainingMinutes: 180 * 24 * 60 });
  });
});
