/**
 * The KVP item as the rest of the product sees it, whatever it was read from (CIM-XML, a pool file).
 */

/**
 * Msvm_KvpExchangeDataItem.Source: 0 host-to-guest (HostExchangeItems), 1 guest-to-host
 * (GuestExchangeItems), 2 guest intrinsic (GuestIntrinsicExchangeItems), 4 host-only (HostOnlyItems).
 * 3 is not documented for WMI (Linux pool 3 is host-pushed host data); UNCONFIRMED whether WMI ever
 * reports it, so it is accepted rather than refused.
 */
export type KvpSource = 0 | 1 | 2 | 3 | 4;
export const KVP_SOURCES: readonly KvpSource[] = Object.freeze([0, 1, 2, 3, 4]);

/** Named Source values (Msvm_KvpExchangeDataItem documentation wording). */
export const KVP_SOURCE = Object.freeze({
  HOST_EXCHANGE_ITEMS: 0,
  GUEST_EXCHANGE_ITEMS: 1,
  GUEST_INTRINSIC_EXCHANGE_ITEMS: 2,
  HOST_ONLY_ITEMS: 4,
} as const);

export interface KvpItem {
  /** The key (Msvm_KvpExchangeDataItem.Name); never empty, never contains NUL. */
  readonly name: string;
  /** The value (Msvm_KvpExchangeDataItem.Data); empty when the instance carries no VALUE. */
  readonly data: string;
  readonly source: KvpSource;
}

/** What a caller hands to the encoder; Source defaults to 0, as AddKvpItems requires. */
export interface KvpItemInput {
  readonly name: string;
  readonly data: string;
  readonly source?: KvpSource;
}

/** True for the integers 0..4; anything else (including 1.5, "1", NaN) is not a KvpSource. */
export function isKvpSource(value: unknown): value is KvpSource {
  return value === 0 || value === 1 || value === 2 || value === 3 || value === 4;
}

/**
 * A new item; the caller guarantees the fields were validated. Items are immutable by type
 * (readonly fields). They are not Object.freeze'd: on the decode path that costs about 5 % of the
 * whole decode, and the type already stops accidental writes.
 */
export function makeItem(name: string, data: string, source: KvpSource): KvpItem {
  return { name, data, source };
}
