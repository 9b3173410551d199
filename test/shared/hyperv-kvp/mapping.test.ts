import {
  channelForPool,
  channelForRegistrySubkey,
  channelForSource,
  KVP_CHANNELS,
  KVP_POOL,
  KVP_REGISTRY_SUBKEY,
  KVP_REGISTRY_SUBKEY_DOCUMENTED_PARAMETERS,
  type KvpPool,
} from 'hyperv-kvp';
import { describe, expect, it } from 'vitest';
import { fixtureText } from './fixture-files.js';

const doc = fixtureText('data-exchange-doc-excerpt.md');

/** "- Pool N: `Virtual Machine\X`" lines of the data-exchange doc, as [N, X]. */
function documentedPools(): [number, string][] {
  return doc
    .split('\n')
    .filter((line) => line.startsWith('- Pool '))
    .map((line) => [
      Number(line.slice(7, line.indexOf(':'))),
      line.slice(line.indexOf('\\') + 1, line.lastIndexOf('`')),
    ]);
}

describe('shared/hyperv-kvp/mapping', () => {
  it('maps each Linux pool to the registry subkey the data-exchange doc gives it', () => {
    const pools = documentedPools();
    expect(pools.map(([pool]) => pool)).toEqual([0, 1, 2, 3]);
    for (const [pool, subkey] of pools) {
      expect(channelForRegistrySubkey(subkey)?.linuxPool, subkey).toBe(pool);
      expect(channelForPool(pool as KvpPool)?.registrySubkey).toBe(
        subkey === KVP_REGISTRY_SUBKEY_DOCUMENTED_PARAMETERS ? KVP_REGISTRY_SUBKEY.GUEST_PARAMETERS : subkey,
      );
    }
  });

  it("keeps the doc's Guest\\Parameter spelling apart from the real Guest\\Parameters key", () => {
    expect(doc).toContain('**Virtual Machine\\\\Guest\\\\Parameter** –');
    expect(KVP_REGISTRY_SUBKEY.GUEST_PARAMETERS).toBe('Guest\\Parameters');
    expect(channelForRegistrySubkey('Guest\\Parameters')?.name).toBe('host-parameters');
  });

  it('ties each WMI property to its Source value', () => {
    expect(channelForSource(0)?.wmiProperty).toBe('Msvm_KvpExchangeComponentSettingData.HostExchangeItems');
    expect(channelForSource(1)?.wmiProperty).toBe('Msvm_KvpExchangeComponent.GuestExchangeItems');
    expect(channelForSource(2)?.wmiProperty).toBe('Msvm_KvpExchangeComponent.GuestIntrinsicExchangeItems');
    expect(channelForSource(4)?.wmiProperty).toBe('Msvm_KvpExchangeComponentSettingData.HostOnlyItems');
  });

  it('sends host-only items nowhere in the guest, and leaves Source 3 and pool 4 without a channel', () => {
    expect(channelForSource(4)).toMatchObject({ registrySubkey: null, linuxPool: null });
    expect(channelForSource(3)).toBeNull();
    expect(channelForPool(KVP_POOL.AUTO_INTERNAL)).toBeNull();
  });

  it('writes to the External pool the items AddKvpItems creates (Source 0)', () => {
    expect(doc).toContain('specify the `Name`, `Data`, and `Source` (must be `0`)');
    expect(channelForSource(0)).toMatchObject({
      registrySubkey: 'External',
      linuxPool: KVP_POOL.EXTERNAL,
      writer: 'host',
    });
  });

  it('lists every channel once, frozen', () => {
    expect(new Set(KVP_CHANNELS.map((channel) => channel.name)).size).toBe(KVP_CHANNELS.length);
    expect(Object.isFrozen(KVP_CHANNELS) && KVP_CHANNELS.every((channel) => Object.isFrozen(channel))).toBe(
      true,
    );
  });
});
