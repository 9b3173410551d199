import fc from 'fast-check';
import { EDITIONS, HOST_VERSIONS, SERVER_VERSIONS } from 'hyperv-kvp';
import { describe, expect, it } from 'vitest';
import {
  CHANNELS,
  type EligibilityInput,
  evaluateEligibility,
  REASON_CODES,
} from '../../../shared/avma/src/eligibility.js';
import { AvmaError } from '../../../shared/avma/src/errors.js';
import { BUILD_ORDER, expectedGuests } from './hand-written-matrix.js';
import { keys2025FromDeployR, keysOnMicrosoftPage } from './microsoft-avma-page.js';

const PUBLISHED = new Map(
  [...keysOnMicrosoftPage(), ...keys2025FromDeployR()].flatMap((row) =>
    row.versions.map((version) => [`${version}/${row.edition}`, row.key] as const),
  ),
);

function datacenterHost(version: EligibilityInput['host']['version']): EligibilityInput['host'] {
  return { version, edition: 'datacenter', activated: true };
}

describe('shared/avma/eligibility', () => {
  it('decides every host version x guest version x edition as the hand-written matrix and published keys say', () => {
    let eligible = 0;
    for (const host of HOST_VERSIONS) {
      const activates = expectedGuests(BUILD_ORDER[host]);
      for (const version of SERVER_VERSIONS) {
        for (const edition of EDITIONS) {
          const result = evaluateEligibility({
            host: datacenterHost(host),
            guest: { os: 'windows-server', version, edition, evaluation: false },
            dataExchange: true,
          });
          const key = PUBLISHED.get(`${version}/${edition}`) ?? null;
          const expected: string[] = [];
          if (version === '2012' || version === '2008R2') expected.push('GUEST_VERSION_UNSUPPORTED');
          else {
            if (!activates.includes(version)) expected.push('HOST_TOO_OLD');
            if (key === null) expected.push('GUEST_EDITION_UNSUPPORTED');
          }
          const label = `${host} host, ${version} ${edition} guest`;
          expect(result.reasons, label).toEqual(expected);
          expect(result.eligible, label).toBe(expected.length === 0);
          expect(result.key, label).toBe(expected.length === 0 ? key : null);
          if (result.eligible) eligible += 1;
        }
      }
    }
    expect(eligible).toBe(71);
  });

  it('returns every reason together, in the contract order, for a standard unactivated 2016 host, an evaluation 2022 guest and KVP off', () => {
    const result = evaluateEligibility({
      host: { version: '2016', edition: 'standard', activated: false },
      guest: { os: 'windows-server', version: '2022', edition: 'standard', evaluation: true },
      dataExchange: false,
    });
    expect(result).toEqual({
      eligible: false,
      key: null,
      reasons: [
        'HOST_NOT_DATACENTER',
        'HOST_NOT_ACTIVATED',
        'HOST_TOO_OLD',
        'GUEST_EVALUATION',
        'DATA_EXCHANGE_DISABLED',
      ],
    });
  });

  it('gives the 2019 Standard AVMA key to a 2019 Standard guest on an activated 2022 Datacenter host', () => {
    expect(
      evaluateEligibility({
        host: datacenterHost('2022'),
        guest: { os: 'windows-server', version: '2019', edition: 'standard', evaluation: false },
        dataExchange: true,
        channel: 'gvlk',
      }),
    ).toEqual({ eligible: true, key: 'TNK62-RXVTB-4P47B-2D623-4GF74', reasons: [] });
  });

  it('judges a Windows client guest only as not Windows Server', () => {
    const result = evaluateEligibility({
      host: datacenterHost('2025'),
      guest: { os: 'windows-client', version: '11', edition: 'pro', evaluation: false },
      dataExchange: true,
    });
    expect(result.reasons).toEqual(['GUEST_NOT_WINDOWS_SERVER']);
    expect(result.key).toBeNull();
  });

  it('judges a Linux guest as not Windows Server', () => {
    expect(
      evaluateEligibility({
        host: datacenterHost('2022'),
        guest: { os: 'linux', version: null, edition: null, evaluation: null },
        dataExchange: true,
      }).reasons,
    ).toEqual(['GUEST_NOT_WINDOWS_SERVER']);
  });

  it('reports a VM without intrinsic data, or with an unrecognised OS, as unknown', () => {
    const host = datacenterHost('2022');
    expect(evaluateEligibility({ host, guest: null, dataExchange: true }).reasons).toEqual(['GUEST_UNKNOWN']);
    expect(
      evaluateEligibility({
        host,
        guest: { os: 'unknown', version: null, edition: null, evaluation: null },
        dataExchange: false,
      }).reasons,
    ).toEqual(['DATA_EXCHANGE_DISABLED', 'GUEST_UNKNOWN']);
  });

  it('reports a Windows Server guest whose edition is not known as unknown, still judging its version', () => {
    expect(
      evaluateEligibility({
        host: datacenterHost('2016'),
        guest: { os: 'windows-server', version: '2022', edition: null, evaluation: null },
        dataExchange: true,
      }).reasons,
    ).toEqual(['HOST_TOO_OLD', 'GUEST_UNKNOWN']);
  });

  it("never overwrites the tenant's own retail, OEM or MAK key", () => {
    for (const channel of CHANNELS) {
      const result = evaluateEligibility({
        host: datacenterHost('2022'),
        guest: { os: 'windows-server', version: '2022', edition: 'datacenter', evaluation: false },
        dataExchange: true,
        channel,
      });
      expect(result.reasons, channel).toEqual(
        ['mak', 'retail', 'oem'].includes(channel) ? ['TENANT_KEY'] : [],
      );
    }
  });

  it('honours a tenant opt-out', () => {
    expect(
      evaluateEligibility({
        host: datacenterHost('2022'),
        guest: { os: 'windows-server', version: '2022', edition: 'datacenter', evaluation: false },
        dataExchange: true,
        optedOut: true,
      }),
    ).toEqual({ eligible: false, key: null, reasons: ['OPTED_OUT'] });
  });

  it('treats a hostile or unexpected guest version string as unsupported without throwing', () => {
    for (const version of ['2003', '', '<script>', '2019 ', 'x'.repeat(5000)]) {
      expect(
        evaluateEligibility({
          host: datacenterHost('2025'),
          guest: { os: 'windows-server', version, edition: 'standard', evaluation: false },
          dataExchange: true,
        }).reasons,
      ).toEqual(['GUEST_VERSION_UNSUPPORTED']);
    }
  });

  it('lets a 2019 host activate 1903 guests under the key-family reading only', () => {
    const input: EligibilityInput = {
      host: datacenterHost('2019'),
      guest: { os: 'windows-server', version: '1903', edition: 'datacenter', evaluation: false },
      dataExchange: true,
    };
    expect(evaluateEligibility(input).reasons).toEqual(['HOST_TOO_OLD']);
    expect(evaluateEligibility(input, { semiAnnual: 'key-family' })).toEqual({
      eligible: true,
      key: 'H3RNG-8C32Q-Q8FRX-6TDXV-WMBMW',
      reasons: [],
    });
  });

  it('rejects a host version outside the vocabulary with a one-line message', () => {
    const input = {
      host: { version: '2008R2', edition: 'datacenter', activated: true },
      guest: null,
      dataExchange: true,
    };
    expect(() => evaluateEligibility(input as unknown as EligibilityInput)).toThrow(
      new AvmaError('INVALID_ARGUMENT', 'host version is "2008R2", expected 2012R2..2025'),
    );
  });

  it('always lists reasons without repeats in contract order, and is eligible exactly when none apply', () => {
    const arbitraryInput = fc.record({
      host: fc.record({
        version: fc.constantFrom(...HOST_VERSIONS),
        edition: fc.constantFrom('datacenter' as const, 'standard' as const),
        activated: fc.boolean(),
      }),
      guest: fc.option(
        fc.record({
          os: fc.constantFrom(
            'windows-server' as const,
            'windows-client' as const,
            'linux' as const,
            'unknown' as const,
          ),
          version: fc.option(fc.oneof(fc.constantFrom(...SERVER_VERSIONS), fc.string()), { nil: null }),
          edition: fc.option(fc.constantFrom(...EDITIONS), { nil: null }),
          evaluation: fc.option(fc.boolean(), { nil: null }),
        }),
        { nil: null },
      ),
      dataExchange: fc.boolean(),
      channel: fc.option(fc.constantFrom(...CHANNELS), { nil: null }),
      optedOut: fc.boolean(),
    });
    fc.assert(
      fc.property(arbitraryInput, (input) => {
        const result = evaluateEligibility(input);
        const positions = result.reasons.map((reason) => REASON_CODES.indexOf(reason));
        expect(positions).toEqual([...positions].sort((a, b) => a - b));
        expect(new Set(result.reasons).size).toBe(result.reasons.length);
        expect(result.eligible).toBe(result.reasons.length === 0);
        expect(result.key === null).toBe(!result.eligible);
      }),
    );
  });
});
