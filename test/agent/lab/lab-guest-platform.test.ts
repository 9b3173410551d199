import { decodeKvpItems, encodeKvpItem } from 'hyperv-kvp';
import { describe, expect, it } from 'vitest';
import type { Lab } from '../../../agent/lab/lab.js';
import type { WindowsGuest } from '../../../agent/lab/lab-guest.js';
import { LabGuestPlatform } from '../../../agent/lab/lab-guest-platform.js';
import { HOUR_MS } from '../../../agent/lab/sim-clock.js';
import { GuestPlatformError } from '../../../guest/platform/guest-platform.js';
import { host, labOf, server, vm } from './lab-test-kit.js';

async function platformFor(
  guest: object,
  hostSpec = host('HV01'),
): Promise<{ lab: Lab; platform: LabGuestPlatform }> {
  const lab = await labOf({ hosts: [hostSpec], vms: [vm('g1', 'HV01', guest)] });
  return { lab, platform: new LabGuestPlatform(lab, lab.vmByName('g1')) };
}

async function rejection(promise: Promise<unknown>): Promise<GuestPlatformError> {
  const error = await promise.then(
    () => null,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(GuestPlatformError);
  return error as GuestPlatformError;
}

describe('agent/lab/lab-guest-platform', () => {
  it('reports the guest OS facts the agent decides on', async () => {
    const { platform } = await platformFor(
      server('2016', 'standard', 'none', 'oob-grace', { evaluation: true }),
    );
    expect(await platform.osFacts()).toEqual({
      os: 'windows-server',
      version: '2016',
      edition: 'standard',
      evaluation: true,
    });
    const client = await platformFor({ os: 'windows-client', version: '10', edition: 'pro', key: 'none' });
    expect(await client.platform.osFacts()).toMatchObject({
      os: 'windows-client',
      version: null,
      edition: 'pro',
    });
  });

  it('installs the AVMA key of its own version and edition and activates it through the host', async () => {
    const { lab, platform } = await platformFor(server('2019', 'standard', 'gvlk', 'unlicensed'));
    await platform.installProductKey('TNK62-RXVTB-4P47B-2D623-4GF74');
    await platform.activate();
    expect(await platform.licenseFacts()).toMatchObject({
      licenseStatus: 1,
      description: 'Windows(R) Operating System, VIRTUAL_MACHINE_ACTIVATION channel',
      partialProductKey: '4GF74',
      avmaHostMachineName: 'HV01',
      avmaLastActivationTime: new Date(lab.now()).toISOString(),
    });
  });

  it('refuses a foreign key like slmgr (KEY_REJECTED, 0xC004F069) and keeps the installed key', async () => {
    const { platform } = await platformFor(server('2019', 'standard', 'gvlk', 'unlicensed'));
    const error = await rejection(platform.installProductKey('W3GNR-8DDXR-2TFRP-H8P33-DV9BG'));
    expect([error.code, error.hresult]).toEqual(['KEY_REJECTED', '0xC004F069']);
    expect((await platform.licenseFacts()).partialProductKey).toBe('J464C');
  });

  it('refuses any key on an Evaluation install with 0xC004F069', async () => {
    const { platform } = await platformFor(
      server('2022', 'datacenter', 'none', 'licensed', { evaluation: true }),
    );
    const error = await rejection(platform.installProductKey('W3GNR-8DDXR-2TFRP-H8P33-DV9BG'));
    expect(error.hresult).toBe('0xC004F069');
  });

  it('rejects activation with the HRESULT of the failed AVMA request', async () => {
    const { platform } = await platformFor(server('2022', 'standard'), host('HV01', '2022', 'standard'));
    const error = await rejection(platform.activate());
    expect([error.code, error.hresult]).toEqual(['COMMAND_FAILED', '0xC004FD01']);
  });

  it('reads 12309 records after a bookmark, oldest first', async () => {
    const { lab, platform } = await platformFor(
      server('2019', 'datacenter'),
      host('HV01', '2022', 'standard'),
    );
    await lab.advanceBy(4 * HOUR_MS);
    const all = await platform.readActivationEvents(0);
    expect(all.map((event) => event.recordId)).toEqual([1, 2, 3]);
    expect(all[0]).toMatchObject({
      time: '2026-11-01T00:00:00.000Z',
      message: expect.stringMatching(/^Invalid Host: /),
    });
    expect((await platform.readActivationEvents(2)).map((event) => event.recordId)).toEqual([3]);
  });

  it('writes and deletes Guest items, and refuses a value the KVP wire cannot carry', async () => {
    const { lab, platform } = await platformFor(server('2019', 'datacenter'));
    await platform.writeGuestItem('AvmaAgent.Status', '{"v":1}');
    expect(await platform.readGuestItems()).toEqual(new Map([['AvmaAgent.Status', '{"v":1}']]));
    const error = await rejection(platform.writeGuestItem('AvmaAgent.Status', 'x'.repeat(1024)));
    expect(error.message).toBe(
      'cannot write Guest item: value is 1024 UTF-16 units, expected at most 1023 (wire limit)',
    );
    await platform.deleteGuestItem('AvmaAgent.Status');
    await platform.deleteGuestItem('AvmaAgent.Status');
    expect((await platform.readGuestItems()).size).toBe(0);
    expect(lab.vmByName('g1').guestPool.size).toBe(0);
  });

  it('reads the External pool and the host parameters the host delivered', async () => {
    const { lab, platform } = await platformFor(server('2019', 'datacenter'));
    lab
      .vmByName('g1')
      .writeHostItems([['AvmaAgent.Key', 'H3RNG-8C32Q-Q8FRX-6TDXV-WMBMW']], [], lab.host('HV01'));
    expect((await platform.readExternalItems()).get('AvmaAgent.Key')).toBe('H3RNG-8C32Q-Q8FRX-6TDXV-WMBMW');
    expect((await platform.readHostParameters()).get('PhysicalHostName')).toBe('HV01');
  });

  // Reads hand out a copy shared until the key changes: a reader keeps what it read, and the next read
  // after a write (by the agent, a tenant or the host's KVP service) shows the write.
  it('gives each read the keys as they are then, unchanged by later writes', async () => {
    const { lab, platform } = await platformFor(server('2019', 'datacenter'));
    const labVm = lab.vmByName('g1');
    const guestBefore = await platform.readGuestItems();
    const externalBefore = await platform.readExternalItems();
    await platform.writeGuestItem('AvmaAgent.Status', '{"v":1}');
    labVm.writeGuestItem('Tenant.Note', 'hello');
    labVm.writeHostItems([['AvmaAgent.Key', 'H3RNG-8C32Q-Q8FRX-6TDXV-WMBMW']], [], lab.host('HV01'));
    expect(guestBefore.size).toBe(0);
    expect(externalBefore.has('AvmaAgent.Key')).toBe(false);
    expect([...(await platform.readGuestItems()).keys()]).toEqual(['AvmaAgent.Status', 'Tenant.Note']);
    expect((await platform.readExternalItems()).get('AvmaAgent.Key')).toBe('H3RNG-8C32Q-Q8FRX-6TDXV-WMBMW');
    await platform.deleteGuestItem('Tenant.Note');
    expect([...(await platform.readGuestItems()).keys()]).toEqual(['AvmaAgent.Status']);
  });

  it('lists each Guest item as its current value after writes, a delete and a re-write of a deleted name', async () => {
    const { lab } = await platformFor(server('2019', 'datacenter'));
    const labVm = lab.vmByName('g1');
    const listed = () => decodeKvpItems(labVm.raw().guestItems).map((item) => [item.name, item.data]);
    labVm.writeGuestItem('AvmaAgent.Status', '{"seq":1}');
    labVm.writeGuestItem('AvmaAgent.Event.0', '{"r":1}');
    expect(listed()).toEqual([
      ['AvmaAgent.Status', '{"seq":1}'],
      ['AvmaAgent.Event.0', '{"r":1}'],
    ]);
    // Only the Status changes: the ring item's text is kept, the Status rendered again.
    const ringXml = labVm.raw().guestItems[1];
    labVm.writeGuestItem('AvmaAgent.Status', '{"seq":2}');
    expect(labVm.raw().guestItems[1]).toBe(ringXml);
    expect(listed()).toEqual([
      ['AvmaAgent.Status', '{"seq":2}'],
      ['AvmaAgent.Event.0', '{"r":1}'],
    ]);
    labVm.deleteGuestItem('AvmaAgent.Event.0');
    labVm.writeGuestItem('AvmaAgent.Event.0', '{"r":2}');
    expect(listed()).toEqual([
      ['AvmaAgent.Status', '{"seq":2}'],
      ['AvmaAgent.Event.0', '{"r":2}'],
    ]);
  });

  // The platform encodes each write to refuse what the wire cannot carry; the listing then uses that
  // text instead of encoding the same Status again, until anyone writes the name anew.
  it('lists the agent’s Guest item as written, and a tenant’s later write of the same name as that', async () => {
    const { lab, platform } = await platformFor(server('2019', 'datacenter'));
    const labVm = lab.vmByName('g1');
    await platform.writeGuestItem('AvmaAgent.Status', '{"seq":1}');
    expect(labVm.raw().guestItems).toEqual([
      encodeKvpItem({ name: 'AvmaAgent.Status', data: '{"seq":1}', source: 1 }),
    ]);
    labVm.writeGuestItem('AvmaAgent.Status', 'tenant text');
    expect(decodeKvpItems(labVm.raw().guestItems).map((item) => [item.name, item.data])).toEqual([
      ['AvmaAgent.Status', 'tenant text'],
    ]);
    await platform.writeGuestItem('AvmaAgent.Status', '{"seq":2}');
    expect(decodeKvpItems(labVm.raw().guestItems).map((item) => item.data)).toEqual(['{"seq":2}']);
  });

  it('keeps the agent state and tells the lab time', async () => {
    const { lab, platform } = await platformFor(server('2019', 'datacenter'));
    expect(await platform.loadState()).toBeNull();
    await platform.saveState('{"lastSeq":3}');
    expect(await platform.loadState()).toBe('{"lastSeq":3}');
    expect((lab.vmByName('g1').guest as WindowsGuest).agentState).toBe('{"lastSeq":3}');
    await lab.advanceBy(HOUR_MS);
    expect(platform.now().toISOString()).toBe('2026-11-01T01:00:00.000Z');
  });

  it('is refused for a Linux guest, which runs no agent', async () => {
    const lab = await labOf({ vms: [vm('lnx', 'HV01', { os: 'linux' })] });
    expect(() => new LabGuestPlatform(lab, lab.vmByName('lnx'))).toThrow(
      'lnx runs Linux; the guest agent runs on Windows guests only',
    );
  });
});
