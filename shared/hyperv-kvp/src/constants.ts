/**
 * Constants named after their specification. Sources: torvalds/linux `include/uapi/linux/hyperv.h`
 * (sizes, `enum hv_kvp_exchg_pool`), `tools/hv/hv_kvp_daemon.c` (pool file layout and location),
 * `drivers/hv/hv_kvp.c` (guest-to-host UTF-16 caps), MicrosoftDocs/win32 `HyperV_v2` pages
 * (AddKvpItems item count, HostOnlyItems sizes, Msvm_KvpExchangeDataItem).
 */

/** hyperv.h: "bytes, including any null terminators"; the host exchanges keys as UTF-16LE. */
export const HV_KVP_EXCHANGE_MAX_KEY_SIZE = 512;
/** hyperv.h: value bytes including the NUL terminator ("MSDN recommends not storing ... larger than 2048"). */
export const HV_KVP_EXCHANGE_MAX_VALUE_SIZE = 2048;
/** hv_kvp_daemon.c `struct kvp_record { char key[512]; char value[2048]; }`. */
export const KVP_RECORD_SIZE = HV_KVP_EXCHANGE_MAX_KEY_SIZE + HV_KVP_EXCHANGE_MAX_VALUE_SIZE;

/** Bytes per UTF-16 code unit on the wire ("The Windows host expects ... utf16"). */
export const UTF16_CODE_UNIT_BYTES = 2;
/** Wire key limit in UTF-16 code units: 512 bytes hold 256 units, one of which is the NUL. */
export const KVP_WIRE_MAX_KEY_UNITS = HV_KVP_EXCHANGE_MAX_KEY_SIZE / UTF16_CODE_UNIT_BYTES - 1;
/** Wire value limit in UTF-16 code units: 2048 bytes hold 1024 units, one of which is the NUL. */
export const KVP_WIRE_MAX_VALUE_UNITS = HV_KVP_EXCHANGE_MAX_VALUE_SIZE / UTF16_CODE_UNIT_BYTES - 1;
/**
 * hv_kvp.c converts guest-to-host strings to UTF-16 capped at `(MAX / 2) - 2` units plus the NUL, so a
 * key longer than 254 units sent by a Linux guest arrives cut. Portable items stay within this.
 */
export const KVP_PORTABLE_MAX_KEY_UNITS = HV_KVP_EXCHANGE_MAX_KEY_SIZE / UTF16_CODE_UNIT_BYTES - 2;
/** The value counterpart of {@link KVP_PORTABLE_MAX_KEY_UNITS}: 1022 UTF-16 units. */
export const KVP_PORTABLE_MAX_VALUE_UNITS = HV_KVP_EXCHANGE_MAX_VALUE_SIZE / UTF16_CODE_UNIT_BYTES - 2;
/** A Linux pool record keeps the key NUL-terminated in 512 bytes of UTF-8, so at most 511 bytes of text. */
export const KVP_POOL_MAX_KEY_UTF8_BYTES = HV_KVP_EXCHANGE_MAX_KEY_SIZE - 1;
/** A Linux pool record keeps the value NUL-terminated in 2048 bytes of UTF-8. */
export const KVP_POOL_MAX_VALUE_UTF8_BYTES = HV_KVP_EXCHANGE_MAX_VALUE_SIZE - 1;

/**
 * Msvm_KvpExchangeComponentSettingData: HostOnlyItems (Source 4) values are "allowed to be up to 16 KB".
 * UNCONFIRMED whether that counts UTF-16 bytes with the NUL or characters; we take the stricter reading
 * (16,384 bytes of UTF-16 including the NUL, so 8,191 code units).
 */
export const HOST_ONLY_MAX_VALUE_SIZE = 16 * 1024;
export const HOST_ONLY_MAX_VALUE_UNITS = HOST_ONLY_MAX_VALUE_SIZE / UTF16_CODE_UNIT_BYTES - 1;
/** HostOnlyItems: "Each configuration file is limited to 128 key/value pairs". */
export const HOST_ONLY_MAX_ITEMS = 128;

/** AddKvpItems/ModifyKvpItems/RemoveKvpItems: "This array can contain at most 128 elements." */
export const KVP_MAX_ITEMS_PER_CALL = 128;

/** `enum hv_kvp_exchg_pool` (hyperv.h), in declaration order. */
export const KVP_POOL = Object.freeze({
  EXTERNAL: 0,
  GUEST: 1,
  AUTO: 2,
  AUTO_EXTERNAL: 3,
  AUTO_INTERNAL: 4,
} as const);
export type KvpPool = (typeof KVP_POOL)[keyof typeof KVP_POOL];
/** `KVP_POOL_COUNT`: the daemon creates one file per pool, 0..4. */
export const KVP_POOL_COUNT = 5;

/** hv_kvp_daemon.c `KVP_CONFIG_LOC` (older daemons used /var/opt/hyperv). */
export const KVP_CONFIG_LOC = '/var/lib/hyperv';

/** The embedded instance class of every KVP item (DMTF CIM-XML `INSTANCE CLASSNAME`). */
export const KVP_DATA_ITEM_CLASS = 'Msvm_KvpExchangeDataItem';

/**
 * Our cap on the CIM-XML text of one item, in UTF-16 code units. The largest valid item (a HostOnly
 * value of 8,191 units, every one escaped as `&quot;`) stays below it; anything larger is refused
 * before it is scanned further.
 */
export const KVP_MAX_ITEM_XML_CHARS = 64 * 1024;
/** Msvm_KvpExchangeDataItem has seven properties; CIM allows extras, so we tolerate some, not unbounded. */
export const KVP_MAX_PROPERTIES_PER_INSTANCE = 16;
/** CIM-XML elements carry at most four attributes (PROPERTY: NAME, TYPE, CLASSORIGIN, PROPAGATED). */
export const KVP_MAX_ATTRIBUTES_PER_ELEMENT = 8;
