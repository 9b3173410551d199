/**
 * A row per host configuration (SILA): a host whose cores or edition changed mid-month, a host whose
 * facts were never read, a host down for a day. Hand-computed; November 2026 has 720 hours.
 */
import { describe, expect, it } from 'vitest';
import { usageMonthFromInputs } from '../../../agent/usage/index.js';
import { day, facts, host, november, ran, vm } from './spla-inputs-kit.js';

describe('agent/usage/host-configurations', () => {
  it('gives a host whose cores were added mid-month a row per configuration, the highest contributing', () => {
    // Datacenter 2 x 8 until the 11th (240 h): 16 licences = 8 packs. 2 x 16 from then (480 h):
    // 32 licences = 16 packs. The month's Datacenter figure is the highest: 16; the first row gives 0.
    const month = usageMonthFromInputs(
      november(
        [host('DC1', facts('datacenter', [8, 8], day(-30), day(10)), facts('datacenter', [16, 16], day(10)))],
        [vm(1)],
        [ran(1, 'DC1')],
      ),
      '2026-11',
    );
    const dc1 = month.hosts[0];
    expect(
      dc1?.configurations?.map((c) => [
        c.physicalCores,
        c.hours,
        c.coreLicenses,
        c.twoCorePacks,
        c.quantity,
        c.superseded,
      ]),
    ).toEqual([
      [16, 240, 16, 8, 0, true],
      [32, 480, 32, 16, 16, false],
    ]);
    expect(dc1).toMatchObject({ physicalCores: 32, coreLicenses: 32, twoCorePacks: 16 });
  });

  it('lets each product of a host whose edition changed contribute', () => {
    // Standard 2 x 8 with 2 VMs until the 16th: 2 sets x 16 = 32 licences = 16 Standard packs.
    // Datacenter 2 x 8 from the 16th: 16 licences = 8 Datacenter packs. Different products: both count.
    const month = usageMonthFromInputs(
      november(
        [host('HV1', facts('standard', [8, 8], day(-30), day(15)), facts('datacenter', [8, 8], day(15)))],
        [vm(1), vm(2)],
        [ran(1, 'HV1'), ran(2, 'HV1')],
      ),
      '2026-11',
    );
    expect(
      month.hosts[0]?.configurations?.map((c) => [c.product, c.hours, c.sets, c.quantity, c.superseded]),
    ).toEqual([
      ['Windows Server Standard', 360, 2, 16, false],
      ['Windows Server Datacenter', 360, 1, 8, false],
    ]);
    expect(month.reseller?.map((r) => [r.product, r.quantity])).toEqual([
      ['Windows Server Datacenter', 8],
      ['Windows Server Standard', 16],
    ]);
    expect(month.hosts[0]).toMatchObject({ coreLicenses: 48, twoCorePacks: 24 });
  });

  it('merges the hours of a configuration that came back (cores removed, then restored)', () => {
    // 2 x 16 for days 0-10 and 20-30 (480 h), 2 x 8 for days 10-20 (240 h): two rows, not three.
    const month = usageMonthFromInputs(
      november(
        [
          host(
            'DC1',
            facts('datacenter', [16, 16], day(-30), day(10)),
            facts('datacenter', [8, 8], day(10), day(20)),
            facts('datacenter', [16, 16], day(20)),
          ),
        ],
        [vm(1)],
        [ran(1, 'DC1')],
      ),
      '2026-11',
    );
    expect(month.hosts[0]?.configurations?.map((c) => [c.physicalCores, c.hours, c.quantity])).toEqual([
      [32, 480, 16],
      [16, 240, 0],
    ]);
  });

  it('lists a host whose facts were never read without guessing its licences, and warns', () => {
    const month = usageMonthFromInputs(november([host('HV9')], [vm(1)], [ran(1, 'HV9')]), '2026-11');
    expect(month.hosts[0]?.configurations).toEqual([
      {
        edition: null,
        version: null,
        sockets: null,
        physicalCores: null,
        hours: 720,
        coreLicensesPerSet: null,
        sets: null,
        coreLicenses: null,
        twoCorePacks: null,
        highWaterMark: 1,
        highWaterMarkAt: '2026-11-01T00:00:00.000Z',
        distinctVms: 1,
        windowsServerVms: 1,
        product: null,
        quantity: null,
        superseded: false,
      },
    ]);
    expect(month.hosts[0]).toMatchObject({ coreLicenses: null, twoCorePacks: null });
    expect(month.warnings).toContain(
      'host HV9: edition unknown for 720 h (never read from the host); no licences counted for it, check the host',
    );
    expect(month.reseller?.map((r) => r.quantity)).toEqual([0, 0]);
  });

  it('shows a host down for a day in its coverage, with the same licence figure', () => {
    // The VM on DC1 (2 x 16) is unseen on the 10th (the host did not answer): observed 720 - 24 = 696 h.
    // Datacenter: 32 licences = 16 packs, as in a month without the outage.
    const down = usageMonthFromInputs(
      november(
        [host('DC1', facts('datacenter', [16, 16]))],
        [vm(1)],
        [ran(1, 'DC1', day(0), day(9)), ran(1, 'DC1', day(10), day(30))],
      ),
      '2026-11',
    );
    const up = usageMonthFromInputs(
      november([host('DC1', facts('datacenter', [16, 16]))], [vm(1)], [ran(1, 'DC1')]),
      '2026-11',
    );
    expect(down.hosts[0]).toMatchObject({
      monthHours: 720,
      observedHours: 696,
      coreLicenses: 32,
      twoCorePacks: 16,
    });
    expect(up.hosts[0]).toMatchObject({ observedHours: 720, coreLicenses: 32, twoCorePacks: 16 });
    expect(down.reseller).toEqual(up.reseller);
  });

  it('counts a host added mid-month for the hours it existed', () => {
    const added = { ...host('DC2', facts('datacenter', [8, 8], day(20))), firstSeenMs: day(20) };
    const month = usageMonthFromInputs(
      november([added], [vm(1)], [ran(1, 'DC2', day(20), day(30))]),
      '2026-11',
    );
    expect(month.hosts[0]?.configurations?.map((c) => [c.hours, c.twoCorePacks])).toEqual([[240, 8]]);
  });
});
