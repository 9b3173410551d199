import { describe, expect, it } from 'vitest';
import { LabDriver } from '../../../agent/driver/lab/lab-driver.js';
import { generateFleet } from '../../../agent/lab/fleet-generator.js';
import { Lab } from '../../../agent/lab/lab.js';
import { validateScenario } from '../../../agent/lab/scenario-loader.js';

describe('agent/lab/fleet-generator', () => {
  it('generates a valid scenario of the requested size, the same for the same seed', () => {
    const fleet = generateFleet({ hosts: 3, vmsPerHost: 50, seed: 4 });
    const scenario = validateScenario(fleet);
    expect(scenario.hosts).toHaveLength(3);
    expect(scenario.vms).toHaveLength(150);
    expect(generateFleet({ hosts: 3, vmsPerHost: 50, seed: 4 })).toEqual(fleet);
    expect(generateFleet({ hosts: 3, vmsPerHost: 50, seed: 5 })).not.toEqual(fleet);
  });

  it('mixes Windows Server channels, clients, Linux, VMs that are off and VMs without Data Exchange', () => {
    const { vms } = validateScenario(generateFleet({ hosts: 2, vmsPerHost: 500, seed: 1 }));
    const os = new Set(vms.map((vm) => vm.guest.os));
    expect(os).toEqual(new Set(['windows-server', 'windows-client', 'linux']));
    const keys = new Set(vms.flatMap((vm) => (vm.guest.os === 'linux' ? [] : [vm.guest.key])));
    expect(keys).toEqual(new Set(['avma', 'gvlk', 'mak', 'retail', 'oem', 'none']));
    expect(vms.some((vm) => vm.state === 'off')).toBe(true);
    expect(vms.some((vm) => vm.state === 'running' && !vm.dataExchange)).toBe(true);
    const sizes = new Set(vms.map((vm) => `${vm.vcpus}/${vm.memoryMb}`));
    expect(sizes).toEqual(new Set(['2/4096', '4/8192', '2/8192', '8/16384', '1/2048', '4/16384']));
  });

  it('builds a 1,024-VM host the lab driver lists in full', async () => {
    const lab = await Lab.create(validateScenario(generateFleet({ hosts: 1, vmsPerHost: 1024, seed: 2 })), {
      guestAgentFactory: null,
    });
    expect(await new LabDriver(lab, 'HV0001').listVms()).toHaveLength(1024);
  });

  it('refuses sizes outside 1..4096', () => {
    expect(() => generateFleet({ hosts: 0, vmsPerHost: 1, seed: 1 })).toThrow(
      'hosts is 0, expected an integer 1..4096',
    );
    expect(() => generateFleet({ hosts: 1, vmsPerHost: 5000, seed: 1 })).toThrow(/vmsPerHost is 5000/);
  });
});
