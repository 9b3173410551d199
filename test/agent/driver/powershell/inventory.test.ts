import { decodeKvpItems, identifyGuest } from 'hyperv-kvp';
import { describe, expect, it } from 'vitest';
import { DriverError } from '../../../../agent/driver/driver-error.js';
import {
  type InventoryProblem,
  vmStateFromName,
  vmsFromInventory,
} from '../../../../agent/driver/powershell/inventory.js';
import { recordedOk } from './replaying-runner.js';

const inventory = recordedOk('list-vms.recording.json', 'list-vms') as { Vms: Record<string, unknown>[] };
const [demo, linux, off, bsd] = inventory.Vms as [
  Record<string, unknown>,
  Record<string, unknown>,
  Record<string, unknown>,
  Record<string, unknown>,
];

function read(value: unknown): { vms: ReturnType<typeof vmsFromInventory>; problems: InventoryProblem[] } {
  const problems: InventoryProblem[] = [];
  return { vms: vmsFromInventory(value, (problem) => problems.push(problem)), problems };
}

describe('agent/driver/powershell/inventory', () => {
  it('reads every VM of the recorded host with its state by name and its three item lists', () => {
    const { vms, problems } = read(inventory);
    expect(problems).toEqual([]);
    expect(
      vms.map((vm) => [
        vm.name,
        vm.state,
        vm.dataExchange,
        vm.intrinsicItems.length,
        vm.guestItems.length,
        vm.hostItems.length,
      ]),
    ).toEqual([
      ['DemoVM', 'Running', true, 18, 1, 1],
      ['tvmdemo1', 'Running', true, 10, 0, 0],
      ['Vm1', 'Off', true, 0, 0, 0],
      ['FreeBSD-9.1_x64', 'Saved', false, 0, 0, 0],
    ]);
    expect(vms[0]?.id).toBe('a1576c71-f505-4d1b-9b78-2cfd971b0f31');
  });

  it('hands over items that hyperv-kvp decodes and identifies (2022 Datacenter, Linux)', () => {
    const { vms } = read(inventory);
    const windows = identifyGuest(decodeKvpItems(vms[0]?.intrinsicItems ?? []));
    expect([windows.os, windows.version, windows.edition, windows.fqdn]).toEqual([
      'windows-server',
      '2022',
      'datacenter',
      'AUTOBVT-4OVYXAB',
    ]);
    expect(identifyGuest(decodeKvpItems(vms[1]?.intrinsicItems ?? [])).os).toBe('linux');
    expect(decodeKvpItems(vms[0]?.guestItems ?? [])).toEqual([{ name: 'Status', data: 'Ready', source: 1 }]);
  });

  it('leaves out one VM whose state came as a number, reports it, and keeps the others', () => {
    const { vms, problems } = read({ Vms: [demo, { ...linux, State: '2' }, off] });
    expect(vms.map((vm) => vm.name)).toEqual(['DemoVM', 'Vm1']);
    expect(problems).toEqual([
      {
        index: 1,
        vmId: 'f684be0c-52af-45bc-9cc8-78ca49bea709',
        reason: 'State: expected a VM state name such as "Running"',
      },
    ]);
  });

  it('keeps a VM whose guest published junk items, dropping and reporting only those items', () => {
    const junk = { ...demo, GuestItems: ['<INSTANCE/>', 42, 'x'.repeat(64 * 1024 + 1)] };
    const { vms, problems } = read({ Vms: [junk] });
    expect(vms[0]?.guestItems).toEqual(['<INSTANCE/>']);
    expect(problems.map((problem) => problem.reason)).toEqual([
      'GuestItems[1] is a number; expected a string of at most 65536 characters',
      'GuestItems[2] is 65537 characters; expected a string of at most 65536 characters',
    ]);
  });

  it("reads each VM's vCPUs and assigned memory; a VM not running holds none (unknown, not zero)", () => {
    const { vms } = read(inventory);
    expect(vms.map((vm) => [vm.name, vm.processorCount, vm.memoryAssignedBytes])).toEqual([
      ['DemoVM', 4, 8 * 1024 ** 3],
      ['tvmdemo1', 2, 2 * 1024 ** 3],
      ['Vm1', 1, null],
      ['FreeBSD-9.1_x64', 2, null],
    ]);
  });

  it('refuses a bad vCPU or memory value in one line naming the field, and keeps the VM', () => {
    const bad = { ...demo, ProcessorCount: '-4', MemoryAssigned: 8.5 };
    const { vms, problems } = read({ Vms: [bad, { ...linux, ProcessorCount: '4096' }] });
    expect(vms.map((vm) => [vm.name, vm.processorCount, vm.memoryAssignedBytes])).toEqual([
      ['DemoVM', null, null],
      ['tvmdemo1', null, 2 * 1024 ** 3],
    ]);
    expect(problems.map((problem) => problem.reason)).toEqual([
      'ProcessorCount is "-4": expected a processor count as a decimal string; taken as unknown',
      'MemoryAssigned is 8.5: expected a byte count as a decimal string; taken as unknown',
      'ProcessorCount is "4096": expected at most 2048 (Hyper-V\'s maximum); taken as unknown',
    ]);
    expect(problems.every((problem) => !problem.reason.includes('\n'))).toBe(true);
  });

  it('takes the figures as unknown, without a problem, in a listing made before they were listed', () => {
    const { ProcessorCount: _p, MemoryAssigned: _m, ...older } = demo;
    const { vms, problems } = read({ Vms: [older] });
    expect([vms[0]?.processorCount, vms[0]?.memoryAssignedBytes, problems]).toEqual([null, null, []]);
  });

  it('keeps the first of two VMs with the same id and reports the second', () => {
    const { vms, problems } = read({ Vms: [demo, { ...demo, Name: 'impostor' }] });
    expect(vms.map((vm) => vm.name)).toEqual(['DemoVM']);
    expect(problems[0]?.reason).toBe('the same VM id appears twice; kept the first');
  });

  it('takes Data Exchange as off when the script found no setting data, and says so', () => {
    const { vms, problems } = read({ Vms: [{ ...bsd, DataExchange: 'unknown' }] });
    expect(vms[0]?.dataExchange).toBe(false);
    expect(problems[0]?.reason).toContain('no Msvm_KvpExchangeComponentSettingData found');
  });

  it('answers BAD_RESPONSE, not an empty inventory, when no VM matches the schema', () => {
    const renamed = inventory.Vms.map(({ Id, ...rest }) => ({ VMId: Id, ...rest }));
    expect(() => read({ Vms: renamed })).toThrow(DriverError);
    expect(() => read({ Vms: renamed })).toThrow('none of the 4 VMs matches the expected schema');
    expect(() => read({ VirtualMachines: [] })).toThrow(
      'list-vms: result does not match the expected schema',
    );
    expect(() => read(null)).toThrow(DriverError);
  });

  it('accepts an empty host and a 5.1-wrapped VM list', () => {
    expect(read({ Vms: [] }).vms).toEqual([]);
    expect(read({ Vms: { value: [demo], Count: 1 } }).vms).toHaveLength(1);
  });

  it('maps critical and fast-saved states to their base state and unknown names to Other', () => {
    expect(
      ['RunningCritical', 'FastSaved', 'OffCritical', 'ComponentServicing', 'toString'].map(vmStateFromName),
    ).toEqual(['Running', 'Saved', 'Off', 'Other', 'Other']);
  });
});
