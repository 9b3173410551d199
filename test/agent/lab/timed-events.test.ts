import { decodeKvpItems } from 'hyperv-kvp';
import { describe, expect, it } from 'vitest';
import { LabDriver } from '../../../agent/driver/lab/lab-driver.js';
import { AVMA_GUEST_EVENT_ID } from '../../../agent/lab/activation.js';
import type { Lab } from '../../../agent/lab/lab.js';
import type { WindowsGuest } from '../../../agent/lab/lab-guest.js';
import { host, labOf, server, vm } from './lab-test-kit.js';

const T = (day: number, hour = 0) =>
  `2026-11-${String(day).padStart(2, '0')}T${String(hour).padStart(2, '0')}:00:00Z`;

const HOSTS = [
  host('HV01', '2022', 'datacenter', { cluster: 'CL1' }),
  host('HV02', '2022', 'datacenter', { cluster: 'CL1' }),
  host('HV03', '2019', 'standard'),
];

async function run(vms: readonly object[], events: readonly object[], until = T(3)): Promise<Lab> {
  const lab = await labOf({ hosts: HOSTS, vms, events });
  await lab.advanceTo(until);
  return lab;
}

const avmaGuest = (name: string, hostName = 'HV01', extra: Record<string, unknown> = {}) =>
  vm(name, hostName, server('2019', 'datacenter'), extra);

function guestOf(lab: Lab, name: string): WindowsGuest {
  return lab.vmByName(name).guest as WindowsGuest;
}

function entry(lab: Lab, index = 0) {
  const found = lab.timeline.find((candidate) => candidate.index === index);
  return found === undefined ? undefined : { outcome: found.outcome, detail: found.detail, time: found.time };
}

describe('agent/lab/timed-events', () => {
  it('start boots an Off VM, which asks its host for AVMA at boot; starting a running VM is skipped', async () => {
    const lab = await run(
      [avmaGuest('a', 'HV01', { state: 'off' }), avmaGuest('b')],
      [
        { at: T(2), type: 'start', vm: 'a' },
        { at: T(2), type: 'start', vm: 'b' },
      ],
    );
    expect(lab.vmByName('a').state).toBe('Running');
    expect(guestOf(lab, 'a').log.read([AVMA_GUEST_EVENT_ID], 0)[0]?.time).toBe('2026-11-02T00:00:00.000Z');
    expect(entry(lab, 0)?.outcome).toBe('applied');
    expect(entry(lab, 1)).toMatchObject({ outcome: 'skipped', detail: 'already Running' });
  });

  it('stop shuts the VM down: no more renewals and no intrinsic items', async () => {
    const lab = await run([avmaGuest('a')], [{ at: T(1, 12), type: 'stop', vm: 'a' }], T(5));
    expect(lab.vmByName('a').state).toBe('Off');
    expect(guestOf(lab, 'a').log.size).toBe(1);
    expect(lab.vmByName('a').raw().intrinsicItems).toEqual([]);
  });

  it('delete-vm removes the VM from its host listing', async () => {
    const lab = await run([avmaGuest('a'), avmaGuest('b')], [{ at: T(2), type: 'delete-vm', vm: 'a' }]);
    expect((await new LabDriver(lab, 'HV01').listVms()).map((raw) => raw.name)).toEqual(['b']);
  });

  it('migrate keeps the GUID and the KVP pools, changes the host parameters, and does not reboot', async () => {
    const lab = await labOf({
      hosts: HOSTS,
      vms: [avmaGuest('a')],
      events: [{ at: T(1, 12), type: 'migrate', vm: 'a', to: 'HV02' }],
    });
    const before = lab.vmByName('a');
    const id = before.id;
    await new LabDriver(lab, 'HV01').addKvpItems(id, [
      { name: 'AvmaAgent.Key', data: 'H3RNG-8C32Q-Q8FRX-6TDXV-WMBMW' },
    ]);
    before.writeGuestItem('Tenant.Note', 'kept');
    await lab.advanceTo(T(1, 13));
    const moved = lab.vmByName('a');
    expect(moved.id).toBe(id);
    expect(moved.hostName).toBe('HV02');
    expect(moved.parameters.get('PhysicalHostName')).toBe('HV02');
    expect(moved.parameters.get('VirtualMachineId')).toBe(id.toUpperCase());
    expect(moved.externalPool.get('AvmaAgent.Key')).toBe('H3RNG-8C32Q-Q8FRX-6TDXV-WMBMW');
    const listed = (await new LabDriver(lab, 'HV02').listVms())[0];
    expect(decodeKvpItems(listed?.guestItems ?? [])).toEqual([
      { name: 'Tenant.Note', data: 'kept', source: 1 },
    ]);
    expect(decodeKvpItems(listed?.hostItems ?? []).map((item) => item.name)).toEqual(['AvmaAgent.Key']);
    expect(guestOf(lab, 'a').log.size).toBe(1);
    expect(entry(lab)?.detail).toBe('live migration from HV01 to HV02');
  });

  it('migrate to a host that is down is refused and the VM stays', async () => {
    const lab = await run(
      [avmaGuest('a')],
      [
        { at: T(1, 1), type: 'host-down', host: 'HV02' },
        { at: T(1, 2), type: 'migrate', vm: 'a', to: 'HV02' },
      ],
    );
    expect(entry(lab, 1)).toMatchObject({ outcome: 'refused', detail: 'target host HV02 is down' });
    expect(lab.vmByName('a').hostName).toBe('HV01');
  });

  it('replace-key installs the tenant key: the channel changes and AVMA no longer renews', async () => {
    const lab = await run(
      [avmaGuest('a')],
      [{ at: T(1, 12), type: 'replace-key', vm: 'a', key: 'retail' }],
      T(6),
    );
    const facts = guestOf(lab, 'a').spp.licenseFacts(lab.now());
    expect(facts).toMatchObject({
      licenseStatus: 1,
      description: 'Windows(R) Operating System, RETAIL channel',
    });
    expect(guestOf(lab, 'a').log.size).toBe(1);
    expect(entry(lab)?.detail).toMatch(/^installed a retail key ending [A-Z0-9]{5}; activated$/);
  });

  it('replace-key with a key Windows refuses records a KEY_REJECTED problem and keeps the old key', async () => {
    const lab = await run(
      [avmaGuest('a')],
      [{ at: T(1, 12), type: 'replace-key', vm: 'a', key: 'TNK62-RXVTB-4P47B-2D623-4GF74' }],
    );
    expect(guestOf(lab, 'a').spp.key?.key).toBe('H3RNG-8C32Q-Q8FRX-6TDXV-WMBMW');
    expect(lab.problems).toEqual([
      expect.objectContaining({
        code: 'KEY_REJECTED',
        vmName: 'a',
        message: expect.stringContaining('0xC004F069'),
      }),
    ]);
    expect(entry(lab)?.outcome).toBe('refused');
  });

  it('set-edition converts an Evaluation into a full edition with the KMS client key and restarts it', async () => {
    const evaluation = server('2022', 'datacenter', 'none', 'licensed', { evaluation: true });
    const lab = await run(
      [vm('e', 'HV01', evaluation)],
      [{ at: T(2), type: 'set-edition', vm: 'e', edition: 'datacenter' }],
    );
    const guest = guestOf(lab, 'e');
    expect([guest.edition, guest.evaluation, guest.facts.sku, guest.spp.key?.channel]).toEqual([
      'datacenter',
      false,
      8,
      'gvlk',
    ]);
    expect(entry(lab)?.detail).toBe(
      'DISM /Set-Edition: datacenter evaluation -> datacenter with a gvlk key, restarted',
    );
  });

  it('set-edition with an AVMA key activates through the host after the restart', async () => {
    const evaluation = server('2022', 'standard', 'none', 'licensed', { evaluation: true });
    const lab = await run(
      [vm('e', 'HV01', evaluation)],
      [{ at: T(2), type: 'set-edition', vm: 'e', edition: 'standard', key: 'avma' }],
    );
    expect(guestOf(lab, 'e').spp.status(lab.now())).toBe('licensed');
    expect(guestOf(lab, 'e').log.read([AVMA_GUEST_EVENT_ID], 0)[0]?.message).toMatch(/^AVMA Success/);
  });

  it('rename-vm keeps the GUID and tells the guest its new name', async () => {
    const lab = await labOf({
      hosts: HOSTS,
      vms: [avmaGuest('a')],
      events: [{ at: T(2), type: 'rename-vm', vm: 'a', name: 'frontend' }],
    });
    const id = lab.vmByName('a').id;
    await lab.advanceTo(T(3));
    const renamed = lab.vmByName('frontend');
    expect(renamed.id).toBe(id);
    expect(renamed.parameters.get('VirtualMachineName')).toBe('frontend');
  });

  it("lists each VM's vCPUs and memory: by guest OS unless the scenario says, none assigned when Off", async () => {
    const lab = await run(
      [
        avmaGuest('a'),
        avmaGuest('b', 'HV01', { vcpus: 16, memoryMb: 65536 }),
        avmaGuest('c', 'HV01', { state: 'off', vcpus: 2 }),
        vm('l', 'HV01', { os: 'linux' }),
      ],
      [],
    );
    const listed = await new LabDriver(lab, 'HV01').listVms();
    expect(listed.map((raw) => [raw.name, raw.processorCount, raw.memoryAssignedBytes])).toEqual([
      ['a', 4, 8192 * 2 ** 20],
      ['b', 16, 65536 * 2 ** 20],
      ['c', 2, null],
      ['l', 2, 2048 * 2 ** 20],
    ]);
  });

  it('resize-vm restarts a running VM for new vCPUs, resizes memory live, skips a same size, refuses a saved VM', async () => {
    const lab = await run(
      [
        avmaGuest('a', 'HV01', { vcpus: 2 }),
        avmaGuest('b', 'HV01', { memoryMb: 4096 }),
        avmaGuest('c', 'HV01', { state: 'saved' }),
      ],
      [
        { at: T(2), type: 'resize-vm', vm: 'a', vcpus: 4 },
        { at: T(2), type: 'resize-vm', vm: 'b', memoryMb: 16384 },
        { at: T(2, 1), type: 'resize-vm', vm: 'b', vcpus: 4 },
        { at: T(2, 2), type: 'resize-vm', vm: 'c', vcpus: 8 },
      ],
    );
    expect(entry(lab, 0)).toMatchObject({
      outcome: 'applied',
      detail: 'shut down, resized and started: 2 -> 4 vCPUs, 8192 -> 8192 MB',
    });
    expect(entry(lab, 1)).toMatchObject({
      outcome: 'applied',
      detail: 'resized live: 4 -> 4 vCPUs, 4096 -> 16384 MB',
    });
    expect(entry(lab, 2)).toMatchObject({ outcome: 'skipped', detail: 'already 4 vCPUs, 16384 MB' });
    expect(entry(lab, 3)).toMatchObject({ outcome: 'refused', detail: 'c is Saved; start or stop it first' });
    expect(lab.vmByName('a').state).toBe('Running');
    expect(lab.vmByName('a').raw()).toMatchObject({ processorCount: 4, memoryAssignedBytes: 8192 * 2 ** 20 });
  });

  it('refuses a resize-vm that names neither vCPUs nor memory, or an odd memory size', async () => {
    await expect(async () =>
      labOf({ hosts: HOSTS, vms: [avmaGuest('a')], events: [{ at: T(2), type: 'resize-vm', vm: 'a' }] }),
    ).rejects.toThrow('expected vcpus, memoryMb or both');
    await expect(async () =>
      labOf({ hosts: HOSTS, vms: [avmaGuest('a', 'HV01', { memoryMb: 1023 })], events: [] }),
    ).rejects.toThrow('vms[0].memoryMb: expected a multiple of 2 MB');
  });

  it('create-vm adds a VM with a fresh GUID that boots when running', async () => {
    const created = vm('new01', 'HV02', server('2022', 'standard'));
    const lab = await run([avmaGuest('a')], [{ at: T(2), type: 'create-vm', vm: created }]);
    const fresh = lab.vmByName('new01');
    expect(fresh.id).not.toBe(lab.vmByName('a').id);
    expect(fresh.state).toBe('Running');
    expect(guestOf(lab, 'new01').spp.status(lab.now())).toBe('licensed');
  });

  it('corrupt-kvp writes what a hostile tenant types into AvmaAgent.Status by default', async () => {
    const lab = await run(
      [avmaGuest('a')],
      [
        { at: T(2), type: 'corrupt-kvp', vm: 'a', value: '{"v":1,"seq":"999"' },
        { at: T(2), type: 'corrupt-kvp', vm: 'a', item: 'AvmaAgent.Event.3', value: 'x'.repeat(1023) },
      ],
    );
    const listed = decodeKvpItems((await new LabDriver(lab, 'HV01').listVms())[0]?.guestItems ?? []);
    expect(listed.find((item) => item.name === 'AvmaAgent.Status')?.data).toBe('{"v":1,"seq":"999"');
    expect(listed.find((item) => item.name === 'AvmaAgent.Event.3')?.data).toHaveLength(1023);
  });

  it('deactivate-host makes the next renewal fail with 0xC004FD02; activate-host lets it succeed again', async () => {
    const lab = await run(
      [avmaGuest('a')],
      [
        { at: T(1, 12), type: 'deactivate-host', host: 'HV01' },
        { at: T(2, 6), type: 'activate-host', host: 'HV01' },
      ],
      T(2, 12),
    );
    const messages = guestOf(lab, 'a')
      .log.read([AVMA_GUEST_EVENT_ID], 0)
      .map((record) => record.message.split(':')[0]);
    expect(messages[0]).toBe('AVMA Success');
    expect(messages[1]).toBe('Invalid Host');
    expect(messages.at(-1)).toBe('AVMA Success');
  });

  it('host-down makes the driver unreachable and requests fail; host-up restores both', async () => {
    const lab = await labOf({
      hosts: HOSTS,
      vms: [avmaGuest('a')],
      events: [
        { at: T(1, 12), type: 'host-down', host: 'HV01' },
        { at: T(2, 6), type: 'host-up', host: 'HV01' },
      ],
    });
    await lab.advanceTo(T(2, 1));
    await expect(new LabDriver(lab, 'HV01').listVms()).rejects.toMatchObject({ code: 'HOST_UNAVAILABLE' });
    const last = () => guestOf(lab, 'a').log.read([AVMA_GUEST_EVENT_ID], 0).at(-1)?.message;
    expect(last()).toMatch(/^Invalid Host: .*0xC004FD01/);
    await lab.advanceTo(T(2, 7));
    await expect(new LabDriver(lab, 'HV01').listVms()).resolves.toHaveLength(1);
    expect(last()).toMatch(/^AVMA Success/);
  });

  it('disable-data-exchange hides guest data from the host; enable-data-exchange delivers the host items', async () => {
    const lab = await labOf({
      hosts: HOSTS,
      vms: [avmaGuest('a')],
      events: [
        { at: T(1, 1), type: 'disable-data-exchange', vm: 'a' },
        { at: T(1, 3), type: 'enable-data-exchange', vm: 'a' },
      ],
    });
    await lab.advanceTo(T(1, 2));
    const target = lab.vmByName('a');
    expect(target.raw()).toMatchObject({ dataExchange: false, intrinsicItems: [], guestItems: [] });
    await new LabDriver(lab, 'HV01').addKvpItems(target.id, [{ name: 'AvmaAgent.Intent', data: '{}' }]);
    expect(target.externalPool.has('AvmaAgent.Intent')).toBe(false);
    await lab.advanceTo(T(1, 4));
    expect(target.externalPool.get('AvmaAgent.Intent')).toBe('{}');
    expect(target.raw().intrinsicItems.length).toBe(19);
  });

  it('guest-agent-stop and guest-agent-start are skipped for a VM without the agent', async () => {
    const lab = await run([avmaGuest('a')], [{ at: T(2), type: 'guest-agent-stop', vm: 'a' }]);
    expect(entry(lab)).toMatchObject({
      outcome: 'skipped',
      detail: 'no guest agent is installed in this VM',
    });
  });
});
