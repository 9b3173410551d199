import { describe, expect, it } from 'vitest';
import { diffMonths, UsageError, type UsageHostRow, type UsageMonth } from '../../../agent/usage/index.js';

function host(name: string, overrides: Partial<UsageHostRow> = {}): UsageHostRow {
  return {
    name,
    version: '2022',
    edition: 'datacenter',
    sockets: 2,
    physicalCores: 32,
    coreLicenses: 32,
    twoCorePacks: 16,
    avmaGuests: 3,
    peakConcurrentWindowsServerVms: 4,
    distinctVms: 5,
    ...overrides,
  };
}

const OCTOBER: UsageMonth = {
  month: '2026-10',
  hosts: [
    host('HV01'),
    host('HV02'),
    host('HV03', { edition: 'standard', coreLicenses: 8, twoCorePacks: 4 }),
  ],
  vms: [],
  tenants: [
    { tenant: 'contoso', vms: 4, windowsServerVms: 4, avmaActivatedVms: 3 },
    { tenant: 'fabrikam', vms: 2, windowsServerVms: 1, avmaActivatedVms: 0 },
  ],
};

const NOVEMBER: UsageMonth = {
  month: '2026-11',
  hosts: [
    host('hv01'),
    host('HV03', { edition: 'datacenter', coreLicenses: 8, twoCorePacks: 4 }),
    host('HV04', { coreLicenses: 48, twoCorePacks: 24, distinctVms: 1 }),
  ],
  vms: [],
  tenants: [
    { tenant: 'contoso', vms: 6, windowsServerVms: 6, avmaActivatedVms: 6 },
    { tenant: null, vms: 1, windowsServerVms: 0, avmaActivatedVms: 0 },
  ],
};

describe('agent/usage/diff-months', () => {
  it('classifies each host as added, removed, changed or unchanged, matching names without case', () => {
    const diff = diffMonths(OCTOBER, NOVEMBER);
    expect(diff.hosts.map((h) => [h.name, h.change])).toEqual([
      ['hv01', 'unchanged'],
      ['HV02', 'removed'],
      ['HV03', 'changed'],
      ['HV04', 'added'],
    ]);
    expect(diff.hosts[2]?.edition).toEqual({ before: 'standard', after: 'datacenter' });
    expect(diff.hosts[3]?.metrics.twoCorePacks).toEqual({ before: null, after: 24, delta: 24 });
    expect(diff.hosts[1]?.metrics.coreLicenses).toEqual({ before: 32, after: null, delta: -32 });
  });

  it('totals the core licences and packs of both months', () => {
    expect(diffMonths(OCTOBER, NOVEMBER).totals).toEqual({
      coreLicenses: { before: 72, after: 88, delta: 16 },
      twoCorePacks: { before: 36, after: 44, delta: 8 },
    });
  });

  it('compares tenants, with VMs without a tenant as their own row', () => {
    const diff = diffMonths(OCTOBER, NOVEMBER);
    expect(
      diff.tenants.map((t) => [t.tenant, t.change, t.metrics.vms.delta, t.metrics.avmaActivatedVms.delta]),
    ).toEqual([
      ['contoso', 'changed', 2, 3],
      ['fabrikam', 'removed', -2, 0],
      [null, 'added', 1, 0],
    ]);
  });

  it('refuses to compare a month with an earlier or the same month', () => {
    expect(() => diffMonths(NOVEMBER, OCTOBER)).toThrow(UsageError);
    expect(() => diffMonths(NOVEMBER, NOVEMBER)).toThrow(
      'diffMonths compares an earlier month with a later one, got 2026-11 then 2026-11',
    );
  });
});
