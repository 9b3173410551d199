import { decodeKvpItems, identifyGuest } from 'hyperv-kvp';
import { describe, expect, it } from 'vitest';
import { LabDriver } from '../../../../agent/driver/lab/lab-driver.js';
import { Lab } from '../../../../agent/lab/lab.js';
import { defaultScenario } from '../../../../agent/lab/scenario-loader.js';
import {
  type Channel,
  evaluateEligibility,
  REASON_CODES,
  type ReasonCode,
} from '../../../../shared/avma/index.js';

/** Channel as the guest agent reports it; an Evaluation's time-based key has no channel word. */
function channelOf(lab: Lab, vmId: string): Channel | null {
  const guest = lab.findVm(vmId)?.guest;
  if (guest === undefined || guest.kind !== 'windows') return null;
  const channel = guest.spp.key?.channel ?? 'none';
  return channel === 'eval' ? 'unknown' : channel;
}

async function reasonsAtStart(): Promise<Map<string, readonly ReasonCode[]>> {
  const lab = await Lab.create(defaultScenario(), { guestAgentFactory: null });
  const out = new Map<string, readonly ReasonCode[]>();
  for (const host of lab.hosts()) {
    const driver = new LabDriver(lab, host.name);
    const info = await driver.hostInfo();
    for (const raw of await driver.listVms()) {
      const intrinsic = decodeKvpItems(raw.intrinsicItems);
      const guest = intrinsic.length === 0 ? null : identifyGuest(intrinsic);
      const result = evaluateEligibility({
        host: {
          version: info.version ?? '2016',
          edition: info.edition ?? 'standard',
          activated: info.activated,
        },
        guest,
        dataExchange: raw.dataExchange,
        channel: channelOf(lab, raw.id),
      });
      out.set(raw.name, result.reasons);
    }
  }
  return out;
}

describe('agent/lab/scenarios/default.json', () => {
  it('covers every eligibility reason the lab can produce, plus eligible guests', async () => {
    const reasons = await reasonsAtStart();
    const seen = new Set([...reasons.values()].flat());
    // OPTED_OUT is the operator's or tenant's choice recorded by the agent, not a fact of the hypervisor.
    expect([...REASON_CODES].filter((code) => !seen.has(code))).toEqual(['OPTED_OUT']);
    expect([...reasons.values()].filter((list) => list.length === 0).length).toBeGreaterThanOrEqual(5);
    expect(reasons.get('off01')).toEqual(['GUEST_UNKNOWN']);
    expect(reasons.get('sql01')).toEqual(['TENANT_KEY']);
    expect(reasons.get('new01')).toEqual(['HOST_TOO_OLD']);
  });

  it('has hosts of several versions, a Standard, an unactivated, a 2016 host and a cluster', () => {
    const { hosts } = defaultScenario();
    expect(new Set(hosts.map((h) => h.version)).size).toBeGreaterThanOrEqual(4);
    expect(hosts.some((h) => h.edition === 'standard')).toBe(true);
    expect(hosts.some((h) => !h.activated)).toBe(true);
    expect(hosts.some((h) => h.version === '2016')).toBe(true);
    expect(hosts.filter((h) => h.cluster === 'CL1')).toHaveLength(2);
  });

  it('plans a migration, a key replacement, a host losing activation and a hostile KVP write in the month', () => {
    const types = defaultScenario().events.map((event) => event.type);
    expect(types).toEqual(
      expect.arrayContaining(['migrate', 'replace-key', 'deactivate-host', 'corrupt-kvp']),
    );
  });
});
