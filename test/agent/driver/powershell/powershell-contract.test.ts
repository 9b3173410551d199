import { afterAll, expect } from 'vitest';
import { createPowerShellDriver } from '../../../../agent/driver/powershell/powershell-driver.js';
import { describeDriverContract } from '../contract/driver-contract.js';
import { CONTRACT_STEPS, HOST_NAME, KNOWN_VMS, UNKNOWN_VM, WRITABLE_VM } from './contract-steps.js';
import { ReplayingRunner } from './replaying-runner.js';

/** The `it` title of the running test: the recorded conversation is chosen by it. */
function currentTitle(): string {
  const name = expect.getState().currentTestName ?? '';
  return name.split(' > ').at(-1) ?? name;
}

const used = new Set<string>();

describeDriverContract('powershell (replayed recordings)', async () => {
  const title = currentTitle();
  used.add(title);
  const steps = CONTRACT_STEPS[title];
  if (steps === undefined) throw new Error(`no recorded conversation for contract test "${title}"`);
  const driver = await createPowerShellDriver({
    runner: new ReplayingRunner(steps),
    hostName: HOST_NAME,
    onInventoryProblem: (problem) => {
      throw new Error(`unexpected inventory problem: ${problem.reason}`);
    },
  });
  return {
    driver,
    vms: KNOWN_VMS,
    writableVmId: WRITABLE_VM,
    unknownVmId: UNKNOWN_VM,
    eventIds: [12310],
    minEvents: 4,
  };
});

// A conversation no contract test asked for means a contract test was renamed or removed.
afterAll(() => {
  expect(Object.keys(CONTRACT_STEPS).filter((title) => !used.has(title))).toEqual([]);
});
