import { describe, expect, it } from 'vitest';
import { decideInstall, type InstallInput } from '../../../guest/agent/install-decision.js';
import type { GuestOsFacts, LicenseFacts } from '../../../guest/platform/guest-platform.js';

/** Microsoft's AVMA table (automatic-vm-activation.md). */
const AVMA_2022_DATACENTER = 'W3GNR-8DDXR-2TFRP-H8P33-DV9BG';
const AVMA_2022_AZURE = 'F7TB6-YKN8Y-FCC6R-KQ484-VMK3J';
const AVMA_2019_DATACENTER = 'H3RNG-8C32Q-Q8FRX-6TDXV-WMBMW';
/** The 2022 Datacenter: Azure Edition KMS client key, shipped as an "AVMA key" by a public script (avma-facts §1c). */
const GVLK_2022_AZURE = 'NTBV8-9K7Q8-V27C6-M2BTV-KHMXV';

const DATACENTER_2022: GuestOsFacts = {
  os: 'windows-server',
  version: '2022',
  edition: 'datacenter',
  evaluation: false,
};
const NO_KEY: LicenseFacts = {
  licenseStatus: 2,
  licenseStatusReason: null,
  description: '',
  partialProductKey: null,
  productKeyChannel: null,
  gracePeriodRemainingMinutes: 43200,
  avmaHostMachineName: null,
  avmaLastActivationTime: null,
};

function decide(patch: Partial<InstallInput>) {
  return decideInstall({ pushedKey: AVMA_2022_DATACENTER, os: DATACENTER_2022, license: NO_KEY, ...patch });
}

describe('guest/agent/install-decision', () => {
  it('installs the table key for a 2022 Datacenter guest without a key', () => {
    expect(decide({})).toEqual({ kind: 'install', key: AVMA_2022_DATACENTER });
  });

  it('installs the Azure Edition key only on an Azure Edition guest', () => {
    expect(decide({ pushedKey: AVMA_2022_AZURE })).toEqual({
      kind: 'refuse',
      reason: 'KEY_NOT_FOR_THIS_GUEST',
    });
    expect(
      decide({ pushedKey: AVMA_2022_AZURE, os: { ...DATACENTER_2022, edition: 'datacenter-azure' } }),
    ).toEqual({
      kind: 'install',
      key: AVMA_2022_AZURE,
    });
  });

  it('refuses the Azure Edition GVLK that a public script ships as an AVMA key', () => {
    expect(
      decide({ pushedKey: GVLK_2022_AZURE, os: { ...DATACENTER_2022, edition: 'datacenter-azure' } }),
    ).toEqual({
      kind: 'refuse',
      reason: 'KEY_NOT_FOR_THIS_GUEST',
    });
  });

  it('installs the 2019 key on a semi-annual 1809 guest, as Microsoft lists it', () => {
    expect(decide({ pushedKey: AVMA_2019_DATACENTER, os: { ...DATACENTER_2022, version: '1809' } })).toEqual({
      kind: 'install',
      key: AVMA_2019_DATACENTER,
    });
  });

  it('replaces the AVMA key of an older version after an in-place upgrade', () => {
    const license = {
      ...NO_KEY,
      partialProductKey: 'WMBMW',
      description: 'Windows(R) Operating System, VIRTUAL_MACHINE_ACTIVATION channel',
    };
    expect(decide({ license })).toEqual({ kind: 'install', key: AVMA_2022_DATACENTER });
  });

  it('recognises its own key as already installed', () => {
    const license = {
      ...NO_KEY,
      partialProductKey: 'DV9BG',
      description: 'Windows(R) Operating System, VIRTUAL_MACHINE_ACTIVATION channel',
    };
    expect(decide({ license })).toEqual({ kind: 'already-installed', key: AVMA_2022_DATACENTER });
  });

  it.each([
    ['a Windows client', { os: 'windows-client', version: null, edition: 'pro', evaluation: false }],
    ['an unknown version', { os: 'windows-server', version: null, edition: 'datacenter', evaluation: false }],
    ['a Linux guest', { os: 'linux', version: null, edition: null, evaluation: null }],
  ] as const)('refuses on %s as GUEST_UNKNOWN', (_label, os) => {
    expect(decide({ os })).toEqual({ kind: 'refuse', reason: 'GUEST_UNKNOWN' });
  });

  it('refuses a 2012 guest, for which no AVMA key exists', () => {
    expect(decide({ os: { ...DATACENTER_2022, version: '2012' } })).toEqual({
      kind: 'refuse',
      reason: 'KEY_NOT_FOR_THIS_GUEST',
    });
  });

  it.each([
    ['MAK', 'Windows(R) Operating System, VOLUME_MAK channel'],
    ['OEM', 'Windows(R) Operating System, OEM_DM channel'],
    ['an unrecognised', 'Windows(R) Operating System, SOMETHING_NEW channel'],
  ])('leaves a guest with %s key alone', (_label, description) => {
    expect(decide({ license: { ...NO_KEY, partialProductKey: 'ABCDE', description } })).toEqual({
      kind: 'refuse',
      reason: 'TENANT_KEY',
    });
  });

  it('checks the key before the edition, so an Evaluation guest given a foreign key is told so', () => {
    const evaluation = { ...DATACENTER_2022, evaluation: true };
    expect(decide({ os: evaluation })).toEqual({ kind: 'refuse', reason: 'EVALUATION' });
    expect(decide({ os: evaluation, pushedKey: GVLK_2022_AZURE })).toEqual({
      kind: 'refuse',
      reason: 'KEY_NOT_FOR_THIS_GUEST',
    });
  });
});
