import { describe, expect, it } from 'vitest';
import { LabDriver } from '../../../agent/driver/lab/lab-driver.js';
import { Lab } from '../../../agent/lab/lab.js';
import { realGuestAgent } from '../../../agent/lab/lab-agents.js';
import { HOUR_MS, MINUTE_MS } from '../../../agent/lab/sim-clock.js';
import { encodeIntent } from '../../../shared/protocol/index.js';
import { host, scenarioOf, server, vm } from './lab-test-kit.js';

const STANDARD_2019_AVMA = 'TNK62-RXVTB-4P47B-2D623-4GF74';
const at = (hours: number, minutes = 0) => new Date(Date.UTC(2026, 10, 1, hours, minutes)).toISOString();

/**
 * Guests in every situation a pass can meet over two days: renewals (every 3 hours here), refusals
 * retried every 2 hours by a host too old for its guest, a host losing and regaining its activation, a
 * lapse into grace, a tenant's key, a tenant writing over the Status between two passes, reboots, an
 * agent stopped and started, a migration and a VM deleted with a pass outstanding.
 */
const scenario = scenarioOf({
  hosts: [host('HV01'), host('HV02', '2016')],
  settings: { avmaRenewalMinutes: 180, avmaValidityMinutes: 420 },
  vms: [
    vm('avma01', 'HV01', server('2022', 'datacenter'), { guestAgent: true }),
    vm('avma02', 'HV01', server('2019', 'datacenter'), { guestAgent: true }),
    vm('denied01', 'HV02', server('2019', 'standard'), { guestAgent: true }),
    vm('gvlk01', 'HV01', server('2019', 'standard', 'gvlk', 'unlicensed'), { guestAgent: true }),
    vm('grace01', 'HV01', server('2022', 'standard', 'avma', 'oob-grace'), { guestAgent: true }),
    vm('mak01', 'HV01', server('2022', 'standard', 'mak'), { guestAgent: true }),
    vm('gone01', 'HV01', server('2022', 'datacenter'), { guestAgent: true }),
  ],
  events: [
    { at: at(5, 1), type: 'deactivate-host', host: 'HV01' },
    { at: at(9, 2), type: 'corrupt-kvp', vm: 'avma01', value: 'tenant text' },
    { at: at(11, 33), type: 'stop', vm: 'grace01' },
    { at: at(12, 4), type: 'start', vm: 'grace01' },
    { at: at(14, 0), type: 'guest-agent-stop', vm: 'avma02' },
    { at: at(15, 7), type: 'guest-agent-start', vm: 'avma02' },
    { at: at(16, 59), type: 'delete-vm', vm: 'gone01' },
    { at: at(18, 0), type: 'replace-key', vm: 'mak01', key: 'avma' },
    { at: at(20, 3), type: 'activate-host', host: 'HV01' },
    { at: at(26, 11), type: 'migrate', vm: 'denied01', to: 'HV01' },
    { at: at(30, 45), type: 'replace-key', vm: 'avma02', key: 'retail' },
  ],
});

/** Everything the host can see of the lab, per host: the listing and the 12310 log. */
async function hostView(lab: Lab): Promise<unknown> {
  const view: unknown[] = [];
  for (const name of ['HV01', 'HV02']) {
    const driver = new LabDriver(lab, name);
    view.push(await driver.listVms(), await driver.readEvents({ ids: [], afterRecordId: 0, max: 10_000 }));
  }
  return view;
}

async function pushInstall(lab: Lab, seq: number): Promise<void> {
  const target = lab.vmByName('gvlk01');
  const driver = new LabDriver(lab, target.hostName);
  const write = seq === 1 ? driver.addKvpItems.bind(driver) : driver.modifyKvpItems.bind(driver);
  await write(target.id, [
    { name: 'AvmaAgent.Key', data: STANDARD_2019_AVMA },
    { name: 'AvmaAgent.Intent', data: encodeIntent({ v: 1, seq, action: 'install' }) },
  ]);
}

describe('agent/lab/lab-agents', () => {
  it('defers passes that only refresh the status and shows the host exactly what running every pass shows', async () => {
    const deferring = await Lab.create(scenario);
    // Not the realGuestAgent function itself, so every pass runs in full: the reference.
    const everyPass = await Lab.create(scenario, {
      guestAgentFactory: (platform) => realGuestAgent(platform),
    });
    // Odd steps, so the host looks between passes, at passes and right after events.
    for (let step = 1; step * 17 * MINUTE_MS <= 48 * HOUR_MS; step += 1) {
      const time = deferring.startTime + step * 17 * MINUTE_MS;
      await deferring.advanceTo(time);
      await everyPass.advanceTo(time);
      if (step === 20 || step === 90) {
        await pushInstall(deferring, step === 20 ? 1 : 2);
        await pushInstall(everyPass, step === 20 ? 1 : 2);
      }
      expect(await hostView(deferring)).toEqual(await hostView(everyPass));
    }
    expect(deferring.problems).toEqual(everyPass.problems);
    expect(deferring.timeline).toEqual(everyPass.timeline);
    const full = everyPass.guestAgentPasses;
    expect(full.run).toBe(full.due);
    expect(deferring.guestAgentPasses.due).toBe(full.due);
    expect(deferring.guestAgentPasses.run * 2).toBeLessThan(full.due);
  });
});
