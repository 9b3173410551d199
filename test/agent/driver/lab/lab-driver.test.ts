import { decodeKvpItems } from 'hyperv-kvp';
import { describe, expect, it } from 'vitest';
import { LabDriver } from '../../../../agent/driver/lab/lab-driver.js';
import { createDrivers } from '../../../../agent/driver/registry.js';
import { Lab } from '../../../../agent/lab/lab.js';
import { validateScenario } from '../../../../agent/lab/scenario-loader.js';
import { DAY_MS } from '../../../../agent/lab/sim-clock.js';
import { describeDriverContract, expectDriverError } from '../contract/driver-contract.js';

const server = (version: string, edition: string, key = 'avma') => ({
  os: 'windows-server',
  version,
  edition,
  key,
  licenseStatus: 'licensed',
});

const scenario = validateScenario({
  start: '2026-11-01T00:00:00Z',
  hosts: [
    { name: 'HV01', version: '2022', edition: 'datacenter', sockets: 2, coresPerSocket: 8, cluster: 'CL1' },
    {
      name: 'HV02',
      version: '2022',
      edition: 'datacenter',
      sockets: 1,
      coresPerSocket: [12],
      cluster: 'CL1',
    },
  ],
  vms: [
    { name: 'web01', host: 'HV01', tenant: 'contoso', guest: server('2022', 'datacenter') },
    { name: 'web02', host: 'HV01', tenant: 'contoso', guestAgent: true, guest: server('2019', 'standard') },
    { name: 'db01', host: 'HV01', state: 'off', guest: server('2016', 'standard') },
    { name: 'lnx01', host: 'HV01', guest: { os: 'linux' } },
    { name: 'nokvp', host: 'HV01', dataExchange: false, guest: server('2016', 'datacenter') },
    { name: 'other', host: 'HV02', guest: server('2019', 'datacenter') },
  ],
});

async function labAfterTwoDays(): Promise<Lab> {
  const lab = await Lab.create(scenario, { seed: 3 });
  await lab.advanceBy(2 * DAY_MS);
  return lab;
}

describeDriverContract('lab', async () => {
  const lab = await labAfterTwoDays();
  const driver = new LabDriver(lab, 'HV01');
  const vms = lab
    .vmsOn('HV01')
    .map((vm) => ({ id: vm.id, name: vm.name, publishesIntrinsic: vm.exchanging }));
  return {
    driver,
    vms,
    writableVmId: lab.vmByName('web01').id,
    unknownVmId: lab.vmByName('other').id,
    eventIds: [12310],
    // web01 and web02 each: one request at boot and one renewal per day.
    minEvents: 6,
  };
});

describe('agent/driver/lab/lab-driver', () => {
  it('lists only the VMs of its own host', async () => {
    const lab = await labAfterTwoDays();
    const names = (await new LabDriver(lab, 'HV02').listVms()).map((vm) => vm.name);
    expect(names).toEqual(['other']);
  });

  it('reports the host facts and the nodes of its cluster', async () => {
    const lab = await labAfterTwoDays();
    expect(await new LabDriver(lab, 'hv02').hostInfo()).toEqual({
      name: 'HV02',
      fqdn: 'hv02.lab.local',
      version: '2022',
      build: 20348,
      edition: 'datacenter',
      activated: true,
      sockets: 1,
      coresPerSocket: [12],
      cluster: 'CL1',
      clusterNodes: ['HV01', 'HV02'],
    });
  });

  it('answers every call of a host that is down with HOST_UNAVAILABLE, and works again once it is up', async () => {
    const lab = await labAfterTwoDays();
    const driver = new LabDriver(lab, 'HV01');
    const vmId = lab.vmByName('web01').id;
    lab.host('HV01').up = false;
    await expectDriverError(driver.hostInfo(), 'HOST_UNAVAILABLE');
    await expectDriverError(driver.listVms(), 'HOST_UNAVAILABLE');
    await expectDriverError(driver.addKvpItems(vmId, [{ name: 'A', data: '1' }]), 'HOST_UNAVAILABLE');
    await expectDriverError(driver.modifyKvpItems(vmId, [{ name: 'A', data: '1' }]), 'HOST_UNAVAILABLE');
    await expectDriverError(driver.removeKvpItems(vmId, ['A']), 'HOST_UNAVAILABLE');
    await expectDriverError(driver.readEvents({ ids: [12310], afterRecordId: 0 }), 'HOST_UNAVAILABLE');
    await expectDriverError(driver.setDataExchange(vmId, false), 'HOST_UNAVAILABLE');
    lab.host('HV01').up = true;
    expect(await driver.listVms()).toHaveLength(5);
  });

  it('refuses a key given twice in one call and a key over the 255-unit wire limit', async () => {
    const lab = await labAfterTwoDays();
    const driver = new LabDriver(lab, 'HV01');
    const vmId = lab.vmByName('web01').id;
    const twice = driver.addKvpItems(vmId, [
      { name: 'A', data: '1' },
      { name: 'A', data: '2' },
    ]);
    expect((await expectDriverError(twice, 'INVALID_ARGUMENT')).message).toContain('appears twice');
    const long = driver.addKvpItems(vmId, [{ name: 'K'.repeat(256), data: '1' }]);
    expect((await expectDriverError(long, 'INVALID_ARGUMENT')).message).toMatch(
      /^item 0: key is 256 UTF-16 units/,
    );
  });

  it('treats a VM of another host as unknown (NO_VM)', async () => {
    const lab = await labAfterTwoDays();
    const other = lab.vmByName('other').id;
    await expectDriverError(new LabDriver(lab, 'HV01').setDataExchange(other, false), 'NO_VM');
  });

  it('delivers host items into the guest only while it runs with Data Exchange on', async () => {
    const lab = await labAfterTwoDays();
    const driver = new LabDriver(lab, 'HV01');
    const vm = lab.vmByName('nokvp');
    await driver.addKvpItems(vm.id, [{ name: 'AvmaAgent.Key', data: 'TMJ3Y-NTRTM-FJYXT-T22BY-CWG3J' }]);
    expect(vm.externalPool.size).toBe(0);
    await driver.setDataExchange(vm.id, true);
    expect(vm.externalPool.get('AvmaAgent.Key')).toBe('TMJ3Y-NTRTM-FJYXT-T22BY-CWG3J');
    const listed = (await driver.listVms()).find((raw) => raw.id === vm.id);
    expect(
      decodeKvpItems(listed?.intrinsicItems ?? []).find((item) => item.name === 'OSBuildNumber')?.data,
    ).toBe('14393');
  });

  it('refuses calls after close with OPERATION_INVALID', async () => {
    const lab = await labAfterTwoDays();
    const driver = new LabDriver(lab, 'HV01');
    await driver.close();
    await expectDriverError(driver.listVms(), 'OPERATION_INVALID');
  });

  it('is what the registry creates for driver "lab": one driver per lab host', async () => {
    const lab = await labAfterTwoDays();
    const drivers = await createDrivers({ driver: 'lab', options: { lab } });
    expect(drivers.map((driver) => [driver.kind, driver.hostName])).toEqual([
      ['lab', 'HV01'],
      ['lab', 'HV02'],
    ]);
  });

  it('refuses a configured host the lab does not have, naming the hosts it has', async () => {
    const lab = await labAfterTwoDays();
    const attempt = createDrivers({ options: { lab }, hosts: ['HV09'] });
    expect((await expectDriverError(attempt, 'INVALID_ARGUMENT')).message).toBe(
      'unknown lab host "HV09", expected one of HV01, HV02',
    );
  });

  it('refuses options it does not know', async () => {
    await expectDriverError(createDrivers({ options: { scenario: 'x.json' } }), 'INVALID_ARGUMENT');
  });

  it('runs the bundled default scenario when given no options', async () => {
    const drivers = await createDrivers({});
    expect(drivers.length).toBeGreaterThanOrEqual(5);
    const versions = await Promise.all(drivers.map(async (driver) => (await driver.hostInfo()).version));
    expect(new Set(versions).size).toBeGreaterThanOrEqual(3);
  });
});
