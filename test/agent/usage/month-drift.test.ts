import { describe, expect, it } from 'vitest';
import { reportDifferences } from '../../../agent/usage/index.js';

describe('agent/usage/month-drift', () => {
  it('matches rows by id or name, not position, and lists rows added and removed', () => {
    const frozen = {
      hosts: [
        { name: 'HV01', coreLicenses: 16 },
        { name: 'HV02', coreLicenses: 16 },
      ],
    };
    const now = {
      hosts: [
        { name: 'HV02', coreLicenses: 16 },
        { name: 'HV01', coreLicenses: 24 },
        { name: 'HV09', coreLicenses: 16 },
      ],
    };
    expect(reportDifferences(frozen, now)).toEqual([
      { path: 'hosts[HV01].coreLicenses', frozen: 16, now: 24 },
      { path: 'hosts[HV09]', frozen: null, now: { name: 'HV09', coreLicenses: 16 } },
    ]);
    expect(reportDifferences(now, frozen).map((d) => d.path)).toEqual([
      'hosts[HV01].coreLicenses',
      'hosts[HV09]',
    ]);
  });

  it('ignores fields the frozen report does not have (added to the report since), not ones it lost', () => {
    const frozen = { vms: [{ id: 'a', hours: 10 }] };
    expect(reportDifferences(frozen, { vms: [{ id: 'a', hours: 10, vcpuHours: 40 }] })).toEqual([]);
    expect(reportDifferences(frozen, { vms: [{ id: 'a' }] })).toEqual([
      { path: 'vms[a].hours', frozen: 10, now: null },
    ]);
  });

  it('falls back to positions when no field identifies rows on both sides', () => {
    const frozen = {
      rows: [
        { name: 'x', n: 1 },
        { name: 'x', n: 2 },
      ],
    };
    const now = {
      rows: [
        { name: 'x', n: 1 },
        { name: 'x', n: 3 },
      ],
    };
    expect(reportDifferences(frozen, now)).toEqual([{ path: 'rows[1].n', frozen: 2, now: 3 }]);
  });
});
