import { describe, expect, it } from 'vitest';
import { createPrng } from '../../../agent/lab/prng.js';
import {
  checkKeyInstall,
  KeyRegistry,
  type KeyTarget,
  keySpecProblem,
} from '../../../agent/lab/product-keys.js';
import { classifyProductKey } from '../../../shared/avma/index.js';

const SERVER_2019_STD: KeyTarget = {
  os: 'windows-server',
  version: '2019',
  edition: 'standard',
  evaluation: false,
};

describe('agent/lab/product-keys', () => {
  it('installs the AVMA key of the guest own version and edition', () => {
    const result = checkKeyInstall(
      'tnk62-rxvtb-4p47b-2d623-4gf74',
      SERVER_2019_STD,
      new KeyRegistry(createPrng(1)),
    );
    expect(result).toEqual({
      ok: true,
      installed: { key: 'TNK62-RXVTB-4P47B-2D623-4GF74', channel: 'avma' },
    });
  });

  it('refuses another edition or version AVMA key with 0xC004F069, like slmgr', () => {
    const registry = new KeyRegistry(createPrng(1));
    const datacenter = checkKeyInstall('H3RNG-8C32Q-Q8FRX-6TDXV-WMBMW', SERVER_2019_STD, registry);
    expect(datacenter).toMatchObject({ ok: false, hresult: '0xC004F069' });
    const older = checkKeyInstall('C3RCX-M6NRP-6CXC9-TW2F2-4RHYD', SERVER_2019_STD, registry);
    expect(older).toMatchObject({ ok: false, hresult: '0xC004F069' });
  });

  it('refuses every key on an Evaluation install with 0xC004F069', () => {
    const evaluation = { ...SERVER_2019_STD, evaluation: true };
    const result = checkKeyInstall(
      'TNK62-RXVTB-4P47B-2D623-4GF74',
      evaluation,
      new KeyRegistry(createPrng(1)),
    );
    expect(result).toMatchObject({ ok: false, hresult: '0xC004F069' });
  });

  it('refuses a malformed key and a key Windows does not know with 0xC004F050', () => {
    const registry = new KeyRegistry(createPrng(1));
    expect(checkKeyInstall('ABC', SERVER_2019_STD, registry)).toMatchObject({
      ok: false,
      hresult: '0xC004F050',
    });
    const stranger = checkKeyInstall('BBBBB-CCCCC-DDDDD-FFFFF-GGGGG', SERVER_2019_STD, registry);
    expect(stranger).toMatchObject({ ok: false, hresult: '0xC004F050' });
  });

  it("generates tenant keys that are in no table and remembers each one's channel", () => {
    const registry = new KeyRegistry(createPrng(9));
    const retail = registry.generate('retail');
    expect(classifyProductKey(retail).kind).toBe('unknown');
    expect(registry.channelOf(retail)).toBe('retail');
    expect(checkKeyInstall(retail, SERVER_2019_STD, registry)).toEqual({
      ok: true,
      installed: { key: retail, channel: 'retail' },
    });
  });

  it('explains why a scenario key cannot describe a guest, and accepts an upgraded guest old AVMA key', () => {
    expect(
      keySpecProblem('avma', { os: 'windows-client', version: '11', edition: 'pro', evaluation: false }),
    ).toBe('Microsoft publishes no AVMA key for Windows 11 pro');
    expect(keySpecProblem('N2KJX-J94YW-TQVFB-DG9YT-724CC', SERVER_2019_STD)).toBe(
      'N2KJX-J94YW-TQVFB-DG9YT-724CC is not a KMS client key for Windows Server 2019 Standard',
    );
    const upgraded = { ...SERVER_2019_STD, version: '2022' as const };
    expect(keySpecProblem('TNK62-RXVTB-4P47B-2D623-4GF74', upgraded)).toBeNull();
  });
});
