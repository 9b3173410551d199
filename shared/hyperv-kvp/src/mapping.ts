import { KVP_POOL, type KvpPool } from './constants.js';
import { KVP_SOURCE, type KvpSource } from './item.js';

/**
 * Where each kind of KVP data lives: the WMI property the host reads or writes, the Source value its
 * items carry, the Windows guest registry subkey and the Linux guest pool. Sources: MicrosoftDocs
 * windowsserverdocs `integration-services-data-exchange.md` (subkeys and pool mapping),
 * MicrosoftDocs/win32 Msvm_KvpExchangeDataItem (Source values), Msvm_KvpExchangeComponent and
 * Msvm_KvpExchangeComponentSettingData (properties).
 */

/** Root of the guest registry data, under HKEY_LOCAL_MACHINE. */
export const KVP_REGISTRY_ROOT = 'HKLM\\SOFTWARE\\Microsoft\\Virtual Machine';

/**
 * Subkeys of {@link KVP_REGISTRY_ROOT}. The data-exchange doc writes `Guest\Parameter` (twice, and
 * maps pool 3 to it), but the key Windows guests have and scripts read is `Guest\Parameters`; we use
 * the real name and keep the documented spelling in {@link KVP_REGISTRY_SUBKEY_DOCUMENTED_PARAMETERS}.
 */
export const KVP_REGISTRY_SUBKEY = Object.freeze({
  /** "Data describing the guest ... Visible to the host as intrinsic data." */
  AUTO: 'Auto',
  /** "Data pushed to the guest from the host by a user." */
  EXTERNAL: 'External',
  /** "Data created on the guest. Visible to the host as non-intrinsic data." */
  GUEST: 'Guest',
  /** "Data pushed to the guest from the host that describes the host." */
  GUEST_PARAMETERS: 'Guest\\Parameters',
} as const);
export type KvpRegistrySubkey = (typeof KVP_REGISTRY_SUBKEY)[keyof typeof KVP_REGISTRY_SUBKEY];

/** The spelling in the Microsoft data-exchange documentation text; not the key's real name. */
export const KVP_REGISTRY_SUBKEY_DOCUMENTED_PARAMETERS = 'Guest\\Parameter';

export type KvpChannelName =
  | 'host-exchange'
  | 'guest-exchange'
  | 'guest-intrinsic'
  | 'host-parameters'
  | 'host-only';

export interface KvpChannel {
  readonly name: KvpChannelName;
  /** `Class.Property` the host uses, or null when no WMI property exposes the data. */
  readonly wmiProperty: string | null;
  /** Source of the channel's items, or null when WMI never shows them. */
  readonly source: KvpSource | null;
  /** Guest registry subkey under KVP_REGISTRY_ROOT, or null when the data never reaches the guest. */
  readonly registrySubkey: KvpRegistrySubkey | null;
  /** Linux pool, or null when the data never reaches the guest. */
  readonly linuxPool: KvpPool | null;
  /** Who writes the data. */
  readonly writer: 'host' | 'guest';
}

function channel(spec: KvpChannel): KvpChannel {
  return Object.freeze(spec);
}

/**
 * Every channel. Host parameters (host name, host OS, VM name and id) are written by Hyper-V itself
 * and can be disabled per VM with DisableHostKVPItems; no WMI property lists them, and whether WMI
 * ever reports Source 3 for them is UNCONFIRMED, so their `source` is null. Linux pool 4
 * (KVP_POOL_AUTO_INTERNAL) exists as a file but has no documented channel.
 */
export const KVP_CHANNELS: readonly KvpChannel[] = Object.freeze([
  channel({
    name: 'host-exchange',
    wmiProperty: 'Msvm_KvpExchangeComponentSettingData.HostExchangeItems',
    source: KVP_SOURCE.HOST_EXCHANGE_ITEMS,
    registrySubkey: KVP_REGISTRY_SUBKEY.EXTERNAL,
    linuxPool: KVP_POOL.EXTERNAL,
    writer: 'host',
  }),
  channel({
    name: 'guest-exchange',
    wmiProperty: 'Msvm_KvpExchangeComponent.GuestExchangeItems',
    source: KVP_SOURCE.GUEST_EXCHANGE_ITEMS,
    registrySubkey: KVP_REGISTRY_SUBKEY.GUEST,
    linuxPool: KVP_POOL.GUEST,
    writer: 'guest',
  }),
  channel({
    name: 'guest-intrinsic',
    wmiProperty: 'Msvm_KvpExchangeComponent.GuestIntrinsicExchangeItems',
    source: KVP_SOURCE.GUEST_INTRINSIC_EXCHANGE_ITEMS,
    registrySubkey: KVP_REGISTRY_SUBKEY.AUTO,
    linuxPool: KVP_POOL.AUTO,
    writer: 'guest',
  }),
  channel({
    name: 'host-parameters',
    wmiProperty: null,
    source: null,
    registrySubkey: KVP_REGISTRY_SUBKEY.GUEST_PARAMETERS,
    linuxPool: KVP_POOL.AUTO_EXTERNAL,
    writer: 'host',
  }),
  channel({
    name: 'host-only',
    wmiProperty: 'Msvm_KvpExchangeComponentSettingData.HostOnlyItems',
    source: KVP_SOURCE.HOST_ONLY_ITEMS,
    registrySubkey: null,
    linuxPool: null,
    writer: 'host',
  }),
]);

/** The channel whose items carry `source`; null for 3, which no documented channel uses. */
export function channelForSource(source: KvpSource): KvpChannel | null {
  return KVP_CHANNELS.find((candidate) => candidate.source === source) ?? null;
}

/** The channel a Linux pool holds; null for pool 4, which has no documented channel. */
export function channelForPool(pool: KvpPool): KvpChannel | null {
  return KVP_CHANNELS.find((candidate) => candidate.linuxPool === pool) ?? null;
}

/** The channel stored under a guest registry subkey (the documented `Guest\Parameter` spelling too). */
export function channelForRegistrySubkey(subkey: string): KvpChannel | null {
  const wanted =
    subkey === KVP_REGISTRY_SUBKEY_DOCUMENTED_PARAMETERS ? KVP_REGISTRY_SUBKEY.GUEST_PARAMETERS : subkey;
  return KVP_CHANNELS.find((candidate) => candidate.registrySubkey === wanted) ?? null;
}
