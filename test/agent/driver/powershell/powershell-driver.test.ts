import { describe, expect, it } from 'vitest';
import { DriverError, type DriverErrorCode } from '../../../../agent/driver/driver-error.js';
import type { PsOperation } from '../../../../agent/driver/powershell/operations.js';
import {
  createPowerShellDriver,
  type PowerShellDriver,
} from '../../../../agent/driver/powershell/powershell-driver.js';
import { createDrivers } from '../../../../agent/driver/registry.js';
import { loadRecording, ReplayingRunner } from './replaying-runner.js';

const DEMO = 'a1576c71-f505-4d1b-9b78-2cfd971b0f31';
const OFF = '4ea7033c-356c-4eba-9f77-1a3399cfcd72';
const BSD = '0b5e9a5c-6f4c-4a1e-9d2b-3c4d5e6f7a8b';
const UNKNOWN = '9e4f3a21-7c55-4d0e-a1b2-c3d4e5f60718';

async function rejection(promise: Promise<unknown>, code: DriverErrorCode): Promise<string> {
  const error = await promise.then(
    () => null,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(DriverError);
  expect((error as DriverError).code).toBe(code);
  return (error as DriverError).message;
}

async function replaying(file: string): Promise<{ driver: PowerShellDriver; runner: ReplayingRunner }> {
  const runner = new ReplayingRunner(loadRecording(file).steps);
  return { driver: await createPowerShellDriver({ runner, hostName: 'node1' }), runner };
}

describe('agent/driver/powershell/powershell-driver', () => {
  it('turns every recorded write answer into the documented outcome', async () => {
    const { driver, runner } = await replaying('writes.recording.json');
    await driver.addKvpItems(DEMO, [{ name: 'Name', data: 'Data' }]);
    expect(await rejection(driver.addKvpItems(DEMO, [{ name: 'Name', data: 'Data' }]), 'KEY_EXISTS')).toBe(
      `add-kvp: VM ${DEMO} already has host item(s) "Name"; expected new keys`,
    );
    await driver.modifyKvpItems(DEMO, [{ name: 'Name', data: 'Data2' }]);
    await driver.removeKvpItems(DEMO, ['Name']);
    expect(await rejection(driver.removeKvpItems(DEMO, ['Name']), 'KEY_NOT_FOUND')).toContain(
      'has no host item(s) "Name"',
    );
    expect(await rejection(driver.addKvpItems(OFF, [{ name: 'Name', data: 'Data' }]), 'FAILED')).toBe(
      `add-kvp on VM ${OFF}: job ended in state 10 (Exception), error code 32775: The operation cannot be performed while the virtual machine is in its current state.`,
    );
    expect(
      await rejection(driver.modifyKvpItems(DEMO, [{ name: 'Name', data: 'Data2' }]), 'INVALID_ARGUMENT'),
    ).toBe(`modify-kvp on VM ${DEMO}: the method returned 32773 (Invalid parameter)`);
    expect(await rejection(driver.addKvpItems(DEMO, [{ name: 'Name2', data: 'Data' }]), 'TIMEOUT')).toContain(
      'the write may complete later',
    );
    await driver.setDataExchange(BSD.toUpperCase(), true);
    await rejection(driver.addKvpItems(UNKNOWN, [{ name: 'Name', data: 'Data' }]), 'NO_VM');
    await driver.close();
    expect(runner.remaining).toBe(0);
  });

  it('refuses bad input before sending anything (the replaying runner has nothing recorded)', async () => {
    const runner = new ReplayingRunner([]);
    const driver = await createPowerShellDriver({ runner });
    await rejection(driver.addKvpItems('not-a-guid', [{ name: 'k', data: 'v' }]), 'NO_VM');
    await rejection(driver.removeKvpItems(DEMO, ['a', 'A']), 'INVALID_ARGUMENT');
    await rejection(driver.readEvents({ ids: [12310], afterRecordId: -5 }), 'INVALID_ARGUMENT');
    expect(await driver.readEvents({ ids: [], afterRecordId: 0 })).toEqual([]);
    await driver.close();
  });

  it('reads host facts, the inventory and events of the recorded host through the runner', async () => {
    const steps = ['host-info', 'list-vms', 'read-events'].flatMap(
      (name) => loadRecording(`${name}.recording.json`).steps,
    );
    const driver = await createPowerShellDriver({ runner: new ReplayingRunner(steps), hostName: 'node1' });
    expect((await driver.hostInfo()).cluster).toBe('cluster1');
    expect((await driver.listVms()).map((vm) => vm.name)).toEqual([
      'DemoVM',
      'tvmdemo1',
      'Vm1',
      'FreeBSD-9.1_x64',
    ]);
    expect((await driver.readEvents({ ids: [12310], afterRecordId: 0 })).length).toBe(4);
    expect(await driver.readEvents({ ids: [12310], afterRecordId: 4802 })).toEqual([]);
    await driver.close();
  });

  it('prints writes instead of sending them in a dry run, and still runs reads', async () => {
    const printed: [PsOperation, string][] = [];
    const runner = new ReplayingRunner(loadRecording('list-vms.recording.json').steps);
    const driver = await createPowerShellDriver({
      runner,
      dryRun: (operation, text) => printed.push([operation, text]),
    });
    expect(await driver.listVms()).toHaveLength(4);
    await driver.addKvpItems(DEMO, [{ name: 'AvmaAgent.Key', data: 'key' }]);
    await driver.removeKvpItems(DEMO, ['AvmaAgent.Key']);
    await driver.setDataExchange(DEMO, false);
    expect(printed.map(([operation]) => operation)).toEqual([
      'add-kvp',
      'remove-kvp',
      'disable-data-exchange',
    ]);
    for (const [, text] of printed) expect(text).toMatch(/^& \{ \$ErrorActionPreference = 'Stop';.*\}$/);
    await driver.close();
  });

  it('rejects PowerShell Direct with UNSUPPORTED and every call after close with OPERATION_INVALID', async () => {
    const driver = await createPowerShellDriver({ runner: new ReplayingRunner([]) });
    expect(driver.capabilities.guestExec).toBe(false);
    await rejection(driver.guestExec(DEMO, 'Get-Date'), 'UNSUPPORTED');
    await driver.close();
    await driver.close();
    await rejection(driver.listVms(), 'OPERATION_INVALID');
    await rejection(driver.readEvents({ ids: [], afterRecordId: 0 }), 'OPERATION_INVALID');
  });

  it('is created by the registry as "powershell", one driver per configured host', async () => {
    const runners = new Map<string, ReplayingRunner>();
    const drivers = await createDrivers({
      driver: 'powershell',
      hosts: ['localhost', 'hv02.contoso.com'],
      options: {
        runnerFor: (host: string) => {
          const runner = new ReplayingRunner(
            host === 'localhost' ? loadRecording('host-info.recording.json').steps : [],
          );
          runners.set(host, runner);
          return runner;
        },
      },
    });
    expect(drivers.map((driver) => [driver.kind, driver.hostName])).toEqual([
      ['powershell', 'localhost'],
      ['powershell', 'hv02.contoso.com'],
    ]);
    expect((await drivers[0]?.hostInfo())?.name).toBe('NODE1');
    await Promise.all(drivers.map((driver) => driver.close()));
    expect(runners.size).toBe(2);
  });
});
