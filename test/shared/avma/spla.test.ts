import { describe, expect, it } from 'vitest';
import { AvmaError } from '../../../shared/avma/src/errors.js';
import { type SplaHost, splaCoreLicenses, VL_MIN_CORES_PER_SERVER } from '../../../shared/avma/src/spla.js';

/** Worked examples, spla-and-peers.md §1.5 rows 1-6 (sources per row). */
describe('shared/avma/spla', () => {
  it('row 1: 2 sockets x 12 cores need 24 core licences, 12 two-core packs (itcgeorgia.ge "24 ÷ 2 = 12 packs")', () => {
    expect(splaCoreLicenses({ sockets: 2, coresPerSocket: 12 })).toEqual({
      coreLicenses: 24,
      twoCorePacks: 12,
    });
  });

  it('row 2: 2 sockets x 8 cores need 16 core licences, 8 packs (itcgeorgia.ge)', () => {
    expect(splaCoreLicenses({ sockets: 2, coresPerSocket: 8 })).toEqual({
      coreLicenses: 16,
      twoCorePacks: 8,
    });
  });

  it('row 3: 1 socket x 6 cores is raised to 8 per processor, four 2-core packs (octopus.cloud), 16 under the VL floor', () => {
    expect(splaCoreLicenses({ sockets: 1, coresPerSocket: 6 })).toEqual({ coreLicenses: 8, twoCorePacks: 4 });
    expect(
      splaCoreLicenses({ sockets: 1, coresPerSocket: 6, minCoresPerServer: VL_MIN_CORES_PER_SERVER }),
    ).toEqual({
      coreLicenses: 16,
      twoCorePacks: 8,
    });
  });

  it('row 4: 2 sockets x 4 cores need 16 (8 per processor x 2) with or without the floor (bluesolutions)', () => {
    expect(splaCoreLicenses({ sockets: 2, coresPerSocket: 4 })).toEqual({
      coreLicenses: 16,
      twoCorePacks: 8,
    });
    expect(splaCoreLicenses({ sockets: 2, coresPerSocket: 4, minCoresPerServer: 16 }).coreLicenses).toBe(16);
  });

  it('row 5: 4 sockets x 4 cores need 32 (8 per processor x 4) (bluesolutions)', () => {
    expect(splaCoreLicenses({ sockets: 4, coresPerSocket: 4 })).toEqual({
      coreLicenses: 32,
      twoCorePacks: 16,
    });
  });

  it('row 6: 1 socket x 10 cores needs 10 in SPLA (no server floor) and 16 under the VL floor (preo-ag.com)', () => {
    expect(splaCoreLicenses({ sockets: 1, coresPerSocket: 10 })).toEqual({
      coreLicenses: 10,
      twoCorePacks: 5,
    });
    expect(splaCoreLicenses({ sockets: 1, coresPerSocket: 10, minCoresPerServer: 16 })).toEqual({
      coreLicenses: 16,
      twoCorePacks: 8,
    });
  });

  it('applies the 8-core minimum to each processor of a mixed list separately', () => {
    expect(splaCoreLicenses({ coresPerProcessor: [6, 12] })).toEqual({ coreLicenses: 20, twoCorePacks: 10 });
  });

  it('rounds an odd core count up to whole 2-core packs', () => {
    expect(splaCoreLicenses({ coresPerProcessor: [9] })).toEqual({ coreLicenses: 9, twoCorePacks: 5 });
  });

  it('rejects zero, negative, fractional and absurd sizes, naming the field and the range', () => {
    const cases: [unknown, string][] = [
      [{ sockets: 0, coresPerSocket: 8 }, 'sockets is 0, expected an integer 1..64'],
      [{ sockets: 2, coresPerSocket: -4 }, 'coresPerSocket is -4, expected an integer 1..1024'],
      [{ sockets: 1.5, coresPerSocket: 8 }, 'sockets is 1.5, expected an integer 1..64'],
      [{ sockets: 65, coresPerSocket: 8 }, 'sockets is 65, expected an integer 1..64'],
      [{ sockets: 2, coresPerSocket: 100_000 }, 'coresPerSocket is 100000, expected an integer 1..1024'],
      [{ sockets: '2', coresPerSocket: 8 }, 'sockets is "2", expected an integer 1..64'],
      [
        { sockets: 2, coresPerSocket: 8, minCoresPerServer: -1 },
        'minCoresPerServer is -1, expected an integer 0..65536',
      ],
      [{ coresPerProcessor: [] }, 'coresPerProcessor has 0 entries, expected 1..64'],
      [{ coresPerProcessor: [8, Number.NaN] }, 'coresPerProcessor[1] is NaN, expected an integer 1..1024'],
      [null, 'host is not an object, expected { sockets, coresPerSocket }'],
    ];
    for (const [host, message] of cases) {
      expect(() => splaCoreLicenses(host as SplaHost), message).toThrow(
        new AvmaError('INVALID_ARGUMENT', message),
      );
    }
  });
});
