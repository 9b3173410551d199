import { describe, expect, it } from 'vitest';
import { WALL_CLOCK } from '../../../agent/runtime/host-source.js';
import { labOf, openHostSource } from '../../../agent/runtime/host-sources.js';

const BASE = { db: 'unused.sqlite', staleAfterMs: 600_000, silentAfterMs: 900_000 };
const MINUTE = 60_000;

describe('agent/runtime/host-sources', () => {
  it('the lab: its drivers, a simulated clock that follows real time at a speed, tenants from the scenario', async () => {
    const source = await openHostSource({ driver: 'lab', ...BASE, guestAgentFactory: null });
    try {
      const lab = labOf(source);
      if (lab === null) throw new Error('expected the lab');
      expect(source.describe()).toBe('lab driver, the bundled scenario (6 hosts, 31 VMs)');
      const start = source.clock.now();
      expect(start).toBe(lab.startTime);
      // 2 real seconds at 60x: two simulated minutes.
      await source.clock.follow(start, 2000, 60);
      expect(source.clock.now()).toBe(start + 2 * MINUTE);
      expect(source.clock.realWait(15 * MINUTE, 60, 123)).toBe(15_000);
      await source.clock.advanceTo(start);
      expect(source.clock.now()).toBe(start + 2 * MINUTE);
      const web01 = lab.vms().find((vm) => vm.tenant !== null);
      expect(web01 === undefined ? null : source.tenantOf('HV01', web01)).toBe(web01?.tenant);
      expect(source.evidenceWindowMs).toBe(7 * 24 * 60 * MINUTE);
    } finally {
      await source.close();
    }
  });

  it('real hosts: the wall clock (a round waits what is left of the interval), tenants from the name rules', async () => {
    const source = await openHostSource({
      driver: 'powershell',
      ...BASE,
      hosts: ['HV07', 'HV08'],
      tenants: [{ prefix: 'contoso-', tenant: 'contoso' }],
    });
    try {
      expect(labOf(source)).toBeNull();
      expect(source.clock).toBe(WALL_CLOCK);
      expect(source.clock.realWait(60_000, 1, 15_000)).toBe(45_000);
      expect(source.describe()).toBe('powershell driver, hosts HV07, HV08');
      expect(source.tenantOf('HV07', { id: 'x', name: 'contoso-web01' })).toBe('contoso');
      expect(source.tenantOf('HV07', { id: 'x', name: 'web01' })).toBeNull();
      expect(await source.resume({} as never)).toBeNull();
    } finally {
      await source.close();
    }
  });
});
