/**
 * Licence state from evidence, through real sweeps of a lab fleet and the real store: a forged status
 * is not believed, a VM the host activated counts without a guest agent, and the month report counts
 * AVMA only on the host's own 12310.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { buildUsageMonth } from '../../../agent/usage/index.js';
import { STORE_BACKENDS } from '../store/store-backends.js';
import { type Fleet, fleet, scenario, server } from './sweep-kit.js';

/** What a hostile tenant writes into its Guest pool: a well-formed status claiming AVMA activation. */
const FORGED_STATUS = JSON.stringify({
  v: 1,
  seq: 1,
  licenseStatus: 'licensed',
  channel: 'avma',
  partialKey: 'BBBBB',
  avmaHost: 'HV01',
  lastActivation: '2026-11-01T00:30:00.000Z',
  graceMinutes: 10080,
  lastHresult: null,
  agentVersion: '0.1.0',
  refused: null,
});

function vm(name: string, tenant: string, guestAgent: boolean, guest: object) {
  return { name, host: 'HV01', tenant, state: 'running', dataExchange: true, guestAgent, guest };
}

const VMS = [
  // No guest agent, a KMS client key the lab cannot activate: unlicensed, whatever it writes.
  vm('forged', 'adatum', false, server('2022', 'datacenter', 'gvlk', 'unlicensed')),
  // No guest agent, an AVMA key: the host activates it at boot and logs 12310.
  vm('hostonly', 'contoso', false, server('2019', 'standard', 'avma', 'unlicensed')),
  // The guest agent reports what the host also logged.
  vm('honest', 'contoso', true, server('2019', 'standard', 'avma', 'unlicensed')),
];
const EVENTS = [{ at: '2026-11-01T00:20:00Z', type: 'corrupt-kvp', vm: 'forged', value: FORGED_STATUS }];

describe.each(STORE_BACKENDS)('agent/sweep/host-sweep: licence state from evidence ($name)', (backend) => {
  let lab: Fleet;
  afterEach(async () => {
    await lab.close();
  });

  async function statusOf(name: string) {
    const row = (await lab.store.listVmStatus()).find((status) => status.name === name);
    if (row === undefined) throw new Error(`${name} not recorded`);
    return row;
  }

  it('does not believe a forged AVMA status, and counts a host-activated VM without a guest agent', async () => {
    lab = await fleet(scenario(VMS, EVENTS), {}, await backend.place());
    await lab.roundAt(30);
    const truth = lab.lab.vmByName('forged').guest;
    // The lab's own truth: the forged guest is not activated.
    expect(truth.kind === 'windows' && truth.spp.status(lab.lab.now())).toBe('unlicensed');
    const forged = await statusOf('forged');
    expect(forged).toMatchObject({
      licenseStatus: 'unknown',
      channel: 'unknown',
      evidence: 'none',
      claimedLicenseStatus: 'licensed',
      claimedChannel: 'avma',
    });
    expect(forged.problems.map((p) => p.code)).toContain('GUEST_CLAIM_UNCORROBORATED');
    expect(await statusOf('hostonly')).toMatchObject({
      licenseStatus: 'licensed',
      channel: 'avma',
      evidence: 'host',
      claimedChannel: null,
    });
    expect(await statusOf('honest')).toMatchObject({
      licenseStatus: 'licensed',
      channel: 'avma',
      evidence: 'host+guest',
    });
  });

  it('counts AVMA-activated VMs in the month report on the host’s evidence only', async () => {
    lab = await fleet(scenario(VMS, EVENTS), {}, await backend.place());
    for (let minute = 30; minute <= 180; minute += 30) await lab.roundAt(minute);
    const report = await buildUsageMonth(lab.store, '2026-11');
    const tenants = Object.fromEntries(report.tenants.map((row) => [row.tenant, row.avmaActivatedVms]));
    expect(tenants).toEqual({ adatum: 0, contoso: 2 });
    expect(report.hosts.find((host) => host.name === 'HV01')?.avmaGuests).toBe(2);
    const evidence = Object.fromEntries(report.vms.map((row) => [row.name, [row.channel, row.evidence]]));
    expect(evidence).toEqual({
      forged: ['unknown', 'none'],
      honest: ['avma', 'host+guest'],
      hostonly: ['avma', 'host'],
    });
  });

  it('stops corroborating once the window has passed without a new 12310', async () => {
    lab = await fleet(scenario(VMS, EVENTS), {}, await backend.place());
    await lab.roundAt(30);
    // A window shorter than the time since the boot activation: the forged claim stays unbelieved and
    // the host-only VM falls back to what nothing corroborates.
    await lab.lab.advanceTo(lab.lab.startTime + 120 * 60_000);
    await lab.roundAt(120, { settings: { ...lab.settings, evidenceWindowMs: 30 * 60_000 } });
    expect(await statusOf('hostonly')).toMatchObject({ channel: 'unknown', evidence: 'none' });
    expect((await statusOf('honest')).problems.map((p) => p.code)).toContain('GUEST_CLAIM_UNCORROBORATED');
  });
});
