import { describe, expect, it } from 'vitest';
import { performActions } from '../../../agent/act/kvp-actions.js';
import { intentText, pushActions, wipeActions } from '../../../agent/decide/host-actions.js';
import { DriverError } from '../../../agent/driver/driver-error.js';
import { LabDriver } from '../../../agent/driver/lab/lab-driver.js';
import { Lab } from '../../../agent/lab/lab.js';
import { validateScenario } from '../../../agent/lab/scenario-loader.js';
import { scenario, server } from '../sweep/sweep-kit.js';

const KEY = 'TNK62-RXVTB-4P47B-2D623-4GF74';

async function labVm() {
  const lab = await Lab.create(
    validateScenario(
      scenario([{ name: 'web01', host: 'HV01', guest: server('2019', 'standard', 'gvlk', 'unlicensed') }]),
    ),
    { guestAgentFactory: null },
  );
  const vm = lab.vmByName('web01');
  return { lab, vm, driver: new LabDriver(lab, 'HV01') };
}

describe('agent/act/kvp-actions', () => {
  it('performs the planned calls through the driver and reports the host’s items after them', async () => {
    const { vm, driver } = await labVm();
    const actions = pushActions({ hostItems: new Map(), key: KEY, seq: 1, need: 'unlicensed', reason: 'r' });
    const result = await performActions(driver, vm.id, new Map(), actions);
    expect(result.problems).toEqual([]);
    expect(result.done.map((done) => [done.planned.action, done.calls.length, done.failure])).toEqual([
      ['push-key', 1, null],
    ]);
    expect(Object.fromEntries(result.hostItems)).toEqual(Object.fromEntries(vm.hostItems));
    expect(vm.hostItems.get('AvmaAgent.Intent')).toBe(intentText(1, 'install'));
  });

  it('stops at a failed call, keeps what succeeded, and returns a KVP_WRITE_FAILED problem instead of rejecting', async () => {
    const { vm, driver } = await labVm();
    await driver.addKvpItems(vm.id, [
      { name: 'AvmaAgent.Key', data: KEY },
      { name: 'AvmaAgent.Intent', data: intentText(1, 'install') },
    ]);
    const before = new Map(vm.hostItems);
    const actions = wipeActions({
      hostItems: before,
      status: null,
      guestItems: [],
      nextSeq: 2,
      reason: 'replaced',
    });
    const flaky = Object.create(driver) as LabDriver;
    flaky.removeKvpItems = async () => {
      throw new DriverError('TIMEOUT', 'remove-kvp did not finish in 120000 ms');
    };
    const result = await performActions(flaky, vm.id, before, actions);
    expect(result.done).toEqual([]);
    expect(result.problems).toEqual([
      {
        code: 'KVP_WRITE_FAILED',
        message:
          'remove-host-items: remove of AvmaAgent.Intent, AvmaAgent.Key failed (TIMEOUT: remove-kvp did not finish in 120000 ms); retried next sweep',
      },
    ]);
    expect([...result.hostItems.keys()]).toEqual(['AvmaAgent.Key', 'AvmaAgent.Intent']);
  });

  it('lets WMI’s rules refuse a call planned against stale items, without pushing anything', async () => {
    const { vm, driver } = await labVm();
    const stale = pushActions({
      hostItems: new Map([['AvmaAgent.Key', 'OLD']]),
      key: KEY,
      seq: 1,
      need: 'unlicensed',
      reason: 'r',
    });
    const result = await performActions(driver, vm.id, new Map([['AvmaAgent.Key', 'OLD']]), stale);
    expect(result.problems[0]?.message).toMatch(
      /^push-key: modify of AvmaAgent\.Key failed \(KEY_NOT_FOUND: /,
    );
    expect(vm.hostItems.size).toBe(0);
  });
});
