/**
 * A round over hosts shared with other agents (PostgreSQL leases, here through a fake HostClaims over a
 * SQLite store: the round's logic does not depend on the backend). Two "agents" sweep one store, each
 * holding one host; the lease SQL itself is tested in test/agent/store/pg/leases.test.ts.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { StoreError } from '../../../agent/store/index.js';
import type { HostClaim, HostClaims } from '../../../agent/sweep/host-claims.js';
import { buildUsageMonth } from '../../../agent/usage/index.js';
import { type Fleet, fleet, scenario, server } from './sweep-kit.js';

const UNTIL = Date.parse('2026-11-01T01:00:00Z');

/** Holds `mine`; every other host is held by `other` until 01:00. `fail`: errors the fence throws first. */
function claims(mine: readonly string[], other = 'agent-b', fail: StoreError[] = []): HostClaims {
  const own = new Set(mine.map((host) => host.toLowerCase()));
  const claim = (host: string): HostClaim =>
    own.has(host)
      ? { held: true, holder: 'agent-a', untilMs: UNTIL, confirmedAtMs: 1 }
      : { held: false, holder: other, untilMs: UNTIL, confirmedAtMs: null };
  return {
    shared: true,
    claim: async (hosts) => new Map(hosts.map((host) => [host.toLowerCase(), claim(host.toLowerCase())])),
    fence: async () => {
      const error = fail.shift();
      if (error !== undefined) throw error;
    },
    seal: async () => undefined,
  };
}

const WEB01 = {
  name: 'web01',
  host: 'HV02',
  tenant: 'contoso',
  guest: server('2019', 'standard', 'gvlk', 'unlicensed'),
};
const APP01 = {
  name: 'app01',
  host: 'HV02',
  tenant: 'contoso',
  guest: server('2022', 'datacenter', 'avma', 'licensed'),
};
const UNSEEN_MS = 22.5 * 60_000; // 1.5 sweep intervals of 15 minutes

describe('agent/sweep/sweep-round with shared hosts', () => {
  let subject: Fleet | null = null;
  afterEach(async () => {
    await subject?.close();
    subject = null;
  });

  it('sweeps only the hosts it holds and reports the others as held by their agent, never calling them', async () => {
    subject = await fleet(scenario([WEB01]));
    const report = await subject.roundAt(0, { claims: claims(['HV02']) });
    expect(report.hosts.map((host) => [host.host, host.outcome, host.error])).toEqual([
      ['HV01', 'held', 'held by agent-b until 2026-11-01T01:00:00.000Z'],
      ['HV02', 'ok', null],
    ]);
    expect(report.totals).toMatchObject({ held: 1, stale: 0, notRecorded: 0, vms: 1 });
    expect(subject.drivers[0]?.calls).toEqual({});
  });

  it('marks a VM gone from its host deleted only after one full interval unseen by every agent; its hours end at the last sighting', async () => {
    const events = [
      { at: '2026-11-01T00:20:00Z', type: 'migrate', vm: 'app01', to: 'HV01' },
      { at: '2026-11-01T00:20:00Z', type: 'delete-vm', vm: 'web01' },
    ];
    subject = await fleet(scenario([WEB01, APP01], events));
    const agentA = { claims: claims(['HV02']), deleteUnseenAfterMs: UNSEEN_MS };
    const agentB = { claims: claims(['HV01'], 'agent-a'), deleteUnseenAfterMs: UNSEEN_MS };
    for (const minutes of [0, 15]) {
      await subject.roundAt(minutes, agentA);
      await subject.roundAt(minutes, agentB);
    }
    // Agent A sweeps HV02 first: both VMs are gone from it, and B has not listed app01 on HV01 yet.
    const missing = await subject.roundAt(30, agentA);
    expect(missing.hosts[1]).toMatchObject({ host: 'HV02', vms: 0, deleted: 0 });
    await subject.roundAt(30, agentB);
    const later = await subject.roundAt(45, agentA);
    expect(later.hosts[1]).toMatchObject({ host: 'HV02', deleted: 1 });
    const all = await subject.store.listVmStatus({ includeDeleted: true });
    expect(all.map((vm) => [vm.name, vm.host, vm.deletedAt])).toEqual([
      ['app01', 'HV01', null],
      ['web01', 'HV02', '2026-11-01T00:45:00.000Z'],
    ]);
    const month = await buildUsageMonth(subject.store, '2026-11');
    expect(month.vms.find((vm) => vm.name === 'web01')?.vmHours).toBe(0.25);
  });

  it('retries a host whose transaction failed because PostgreSQL was unavailable, and records it once', async () => {
    subject = await fleet(scenario([WEB01]));
    const down = () => new StoreError('UNAVAILABLE', 'PostgreSQL at postgres://x is unavailable');
    const seen: string[] = [];
    const report = await subject.roundAt(0, {
      claims: claims(['HV01', 'HV02'], 'agent-b', [down(), down()]),
      retry: { firstDelayMs: 1, maxTotalMs: 50 },
      onStoreError: (error) => seen.push(error.code),
    });
    expect(report.hosts.map((host) => host.outcome)).toEqual(['ok', 'ok']);
    expect(seen).toEqual(['UNAVAILABLE', 'UNAVAILABLE']);
    expect((await subject.store.listVmStatus()).map((vm) => vm.name)).toEqual(['web01']);
  });

  it('gives up on a host whose lease went to another agent, leaving it not recorded', async () => {
    subject = await fleet(scenario([WEB01]));
    const lost = new StoreError('LEASE_LOST', 'host hv01 is leased to agent-b, not to agent-a');
    const base = claims(['HV01', 'HV02'], 'agent-b', [lost]);
    let claimed = 0;
    const fickle: HostClaims = {
      ...base,
      claim: async (hosts) => {
        claimed += 1;
        return claimed === 1 ? base.claim(hosts) : claims([], 'agent-b').claim(hosts);
      },
    };
    const report = await subject.roundAt(0, { claims: fickle, retry: { firstDelayMs: 1, maxTotalMs: 50 } });
    expect(report.hosts[0]).toMatchObject({
      outcome: 'not-recorded',
      error: expect.stringMatching(/^LEASE_LOST/),
    });
    expect(report.hosts[1]?.outcome).toBe('ok');
  });
});
