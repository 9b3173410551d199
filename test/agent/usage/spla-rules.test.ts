/**
 * The SPLA rules by edition, on hand-computed months (spla-and-peers §1.1, §1.5 worked examples):
 * licences per set = Σ per processor max(8, cores); 2-core packs = licences / 2.
 */
import { describe, expect, it } from 'vitest';
import {
  type UsageHostConfiguration,
  type UsageMonth,
  type UsageOptions,
  usageMonthFromInputs,
} from '../../../agent/usage/index.js';
import { day, facts, host, november, ran, vm } from './spla-inputs-kit.js';

function report(inputs: Parameters<typeof usageMonthFromInputs>[0], options: UsageOptions = {}): UsageMonth {
  return usageMonthFromInputs(inputs, '2026-11', options);
}

function rows(month: UsageMonth, name: string): readonly UsageHostConfiguration[] {
  return month.hosts.find((h) => h.name === name)?.configurations ?? [];
}

function packs(c: UsageHostConfiguration): [number | null, number | null, number | null, number | null] {
  return [c.coreLicensesPerSet, c.sets, c.coreLicenses, c.twoCorePacks];
}

describe('agent/usage SPLA rules by edition', () => {
  it('licenses every core of a Datacenter host once, whatever the number of VMs (2 x 12 -> 12 packs)', () => {
    // 2 x max(8, 12) = 24 licences, 1 set however many VMs: 24 / 2 = 12 packs (§1.5 #1).
    const month = report(
      november(
        [host('DC1', facts('datacenter', [12, 12]))],
        [vm(1), vm(2), vm(3), vm(4), vm(5)],
        [ran(1, 'DC1'), ran(2, 'DC1'), ran(3, 'DC1'), ran(4, 'DC1'), ran(5, 'DC1', day(3))],
      ),
    );
    const [dc] = rows(month, 'DC1');
    expect(dc && packs(dc)).toEqual([24, 1, 24, 12]);
    expect(dc).toMatchObject({
      product: 'Windows Server Datacenter',
      highWaterMark: 5,
      highWaterMarkAt: '2026-11-04T00:00:00.000Z',
      hours: 720,
      quantity: 12,
      superseded: false,
    });
    expect(month.hosts[0]).toMatchObject({ coreLicenses: 24, twoCorePacks: 12 });
  });

  it('licenses a 1-socket 6-core host for 8 cores (4 packs)', () => {
    // max(8, 6) = 8 licences = 4 packs (§1.5 #3, SPLA has no 16-core server floor).
    const month = report(november([host('S1', facts('datacenter', [6]))], [vm(1)], [ran(1, 'S1')]));
    expect(packs(rows(month, 'S1')[0] as UsageHostConfiguration)).toEqual([8, 1, 8, 4]);
    // The contradicted 16-core floor, when configured: 16 licences = 8 packs.
    const floored = report(november([host('S1', facts('datacenter', [6]))], [vm(1)], [ran(1, 'S1')]), {
      minCoresPerServer: 16,
    });
    expect(packs(rows(floored, 'S1')[0] as UsageHostConfiguration)).toEqual([16, 1, 16, 8]);
  });

  it('gives a Standard host one full set per concurrently running Windows Server VM', () => {
    // 2 x 8 = 16 licences per set. One VM: 1 set = 8 packs. Three together (from the 5th, 12:00):
    // 3 sets = 48 licences = 24 packs (§1.5 #7); a fourth that ran only after one stopped adds none.
    const one = report(november([host('ST1', facts('standard', [8, 8]))], [vm(1)], [ran(1, 'ST1')]));
    expect(packs(rows(one, 'ST1')[0] as UsageHostConfiguration)).toEqual([16, 1, 16, 8]);
    const three = report(
      november(
        [host('ST1', facts('standard', [8, 8]))],
        [vm(1), vm(2), vm(3), vm(4)],
        [
          ran(1, 'ST1'),
          ran(2, 'ST1', day(2), day(20)),
          ran(3, 'ST1', day(4, 12), day(6)),
          ran(4, 'ST1', day(20), day(29)),
        ],
      ),
    );
    const [st] = rows(three, 'ST1');
    expect(st && packs(st)).toEqual([16, 3, 48, 24]);
    expect(st).toMatchObject({
      highWaterMark: 3,
      highWaterMarkAt: '2026-11-05T12:00:00.000Z',
      distinctVms: 4,
      windowsServerVms: 4,
      product: 'Windows Server Standard',
      quantity: 24,
    });
  });

  it('counts two VMs per Standard set under the Volume Licensing reading (3 VMs -> 2 sets)', () => {
    // ceil(3 / 2) = 2 sets x 16 = 32 licences = 16 packs.
    const month = report(
      november(
        [host('ST1', facts('standard', [8, 8]))],
        [vm(1), vm(2), vm(3)],
        [ran(1, 'ST1'), ran(2, 'ST1'), ran(3, 'ST1')],
      ),
      { standardVmsPerLicenceSet: 2 },
    );
    expect(packs(rows(month, 'ST1')[0] as UsageHostConfiguration)).toEqual([16, 2, 32, 16]);
    expect(month.settings?.standardVmsPerLicenceSet).toBe(2);
  });

  it('counts a VM that live-migrated across three Standard hosts on each of them (rhipe: 48 licences)', () => {
    // Three Standard hosts of 2 x 8: the VM ran 10 days on each; each host 1 set of 16 = 8 packs;
    // 3 x 16 = 48 Standard core licences for that VM (§1.3, faq.rhipe.com 235412167).
    const hosts = ['ST1', 'ST2', 'ST3'].map((name) => host(name, facts('standard', [8, 8])));
    const month = report(
      november(
        hosts,
        [vm(1)],
        [ran(1, 'ST1', day(0), day(10)), ran(1, 'ST2', day(10), day(20)), ran(1, 'ST3', day(20), day(30))],
      ),
    );
    expect(month.hosts.map((h) => [h.name, h.coreLicenses, h.twoCorePacks])).toEqual([
      ['ST1', 16, 8],
      ['ST2', 16, 8],
      ['ST3', 16, 8],
    ]);
    expect(month.reseller?.find((r) => r.product === 'Windows Server Standard')?.quantity).toBe(24);
  });

  it('decides which VMs count by the identified OS, not by a licence claim', () => {
    // A client OS and an unidentified VM on AVMA do not count: 1 Windows Server VM, 1 set.
    const month = report(
      november(
        [host('ST1', facts('standard', [8, 8]))],
        [vm(1), vm(2, { os: 'windows-client' }), vm(3, { os: 'unknown' }), vm(4, { os: 'linux' })],
        [ran(1, 'ST1'), ran(2, 'ST1'), ran(3, 'ST1'), ran(4, 'ST1', day(0), day(30), { channel: 'unknown' })],
      ),
    );
    expect(rows(month, 'ST1')[0]).toMatchObject({
      highWaterMark: 1,
      sets: 1,
      distinctVms: 4,
      windowsServerVms: 1,
    });
  });

  it('reports a host that ran no Windows Server VM for its own OS unless configured not to', () => {
    // Datacenter with a Linux VM only, Standard with nothing: 1 set each by default (UNCONFIRMED).
    const inputs = november(
      [host('DC1', facts('datacenter', [16, 16])), host('ST1', facts('standard', [8, 8]))],
      [vm(1, { os: 'linux' })],
      [ran(1, 'DC1')],
    );
    expect(report(inputs).hosts.map((h) => [h.name, h.twoCorePacks])).toEqual([
      ['DC1', 16],
      ['ST1', 8],
    ]);
    const off = report(inputs, { reportHostsWithoutWindowsServerVms: false });
    expect(off.hosts.map((h) => [h.name, h.configurations?.[0]?.sets, h.twoCorePacks])).toEqual([
      ['DC1', 0, 0],
      ['ST1', 0, 0],
    ]);
  });

  it('flags VMs on the tenant’s own licence, and leaves them out of Standard marks only when configured', () => {
    // Three VMs together on Standard 2 x 8; vm3 runs on the tenant's own MAK all month.
    // Off (default): flagged and counted, 3 sets x 16 = 48 licences = 24 packs.
    // On: the mark is 2 (vm1, vm2), 2 sets x 16 = 32 licences = 16 packs.
    const intervals = [
      ran(1, 'ST1'),
      ran(2, 'ST1'),
      ran(3, 'ST1', day(0), day(30), { channel: 'mak', evidence: 'guest' }),
    ];
    const inputs = november([host('ST1', facts('standard', [8, 8]))], [vm(1), vm(2), vm(3)], intervals);
    const counted = report(inputs);
    expect(counted.vms.map((v) => v.tenantLicensed)).toEqual([false, false, true]);
    expect(packs(rows(counted, 'ST1')[0] as UsageHostConfiguration)).toEqual([16, 3, 48, 24]);
    const excluded = report(inputs, { excludeTenantLicensedFromStandard: true });
    expect(excluded.vms.map((v) => v.tenantLicensed)).toEqual([false, false, true]);
    expect(packs(rows(excluded, 'ST1')[0] as UsageHostConfiguration)).toEqual([16, 2, 32, 16]);
    expect(rows(excluded, 'ST1')[0]).toMatchObject({ highWaterMark: 2, windowsServerVms: 3 });
  });

  it('counts a stretch before the tenant installed its own key even when excluding tenant licences', () => {
    // vm3 on AVMA until the 10th, then on its MAK: with all three together until the 10th the mark is 3.
    const inputs = november(
      [host('ST1', facts('standard', [8, 8]))],
      [vm(1), vm(2), vm(3)],
      [
        ran(1, 'ST1'),
        ran(2, 'ST1'),
        ran(3, 'ST1', day(0), day(10)),
        ran(3, 'ST1', day(10), day(30), { channel: 'mak' }),
      ],
    );
    const month = report(inputs, { excludeTenantLicensedFromStandard: true });
    expect(rows(month, 'ST1')[0]).toMatchObject({ highWaterMark: 3, sets: 3 });
    expect(month.vms[2]?.tenantLicensed).toBe(true);
  });
});
