/**
 * No series per VM: an 8,000-VM lab fleet stays under a fixed series budget, its VM counts add up to the
 * fleet, and doubling the VMs per host adds no series.
 */
import { describe, expect, it } from 'vitest';
import { generateFleet } from '../../../agent/lab/fleet-generator.js';
import { createAgentMetrics } from '../../../agent/metrics/index.js';
import { fleet } from '../sweep/sweep-kit.js';
import { pick, type Sample, samples } from './exposition-kit.js';

/** One round over a generated fleet; the exposition's samples and the store's VM statuses. */
async function scrapeFleet(hosts: number, vmsPerHost: number) {
  const lab = await fleet(generateFleet({ hosts, vmsPerHost, seed: 7, guestAgents: true }));
  try {
    const metrics = createAgentMetrics({ store: lab.store, version: '0.0.0-test' });
    metrics.observeRound(await lab.roundAt(1));
    const all = samples((await metrics.render()).body);
    return { all, statuses: await lab.store.listVmStatus() };
  } finally {
    await lab.close();
  }
}

function sum(found: readonly Sample[]): number {
  return found.reduce((total, sample) => total + sample.value, 0);
}

describe('agent/metrics series bound', () => {
  it('keeps an 8,000-VM fleet under 2,000 series, with VM counts that add up to the fleet', async () => {
    const { all, statuses } = await scrapeFleet(8, 1000);
    expect(statuses).toHaveLength(8000);
    expect(all.length).toBeLessThan(2000);
    // What per host can hold at most: facts 2, collectors 4 × 2, last sweep 1, pushes and wipes 2,
    // licence states 8 × eligibility 2, reasons 11 (twice: all and AVMA guests), problems 10, events 2 × 5.
    const perHost = 2 + 8 + 1 + 2 + 16 + 22 + 10 + 10;
    expect(all.filter((sample) => sample.name.startsWith('avma_')).length).toBeLessThanOrEqual(
      8 * perHost + 3,
    );
    for (const sample of all) expect(Object.keys(sample.labels)).not.toContain('vm');
    expect(sum(pick(all, 'avma_vms'))).toBe(8000);
    const hv1 = statuses.filter((vm) => vm.host === 'HV0001');
    expect(sum(pick(all, 'avma_vms', { host: 'HV0001' }))).toBe(hv1.length);
    expect(sum(pick(all, 'avma_vms', { host: 'HV0001', eligible: 'true' }))).toBe(
      hv1.filter((vm) => vm.eligible).length,
    );
    expect(sum(pick(all, 'avma_vm_reasons', { host: 'HV0001', reason: 'TENANT_KEY' }))).toBe(
      hv1.filter((vm) => vm.reasons.includes('TENANT_KEY')).length,
    );
  }, 120_000);

  it('adds no series when every host carries twice the VMs', async () => {
    const names = (all: readonly Sample[]) =>
      all.map((sample) => `${sample.name}${JSON.stringify(sample.labels)}`).sort();
    const single = await scrapeFleet(4, 150);
    const double = await scrapeFleet(4, 300);
    expect(sum(pick(double.all, 'avma_vms'))).toBe(2 * sum(pick(single.all, 'avma_vms')));
    expect(names(double.all.filter((s) => s.name.startsWith('avma_')))).toEqual(
      names(single.all.filter((s) => s.name.startsWith('avma_'))),
    );
  }, 120_000);
});
