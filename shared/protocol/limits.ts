/**
 * Size limits of the agent<->guest protocol (contract: architecture §6): every value at most 1022
 * UTF-16 code units AND at most 1022 UTF-8 bytes; every key at most 254 UTF-16 code units.
 * - 254/1022 units: what a Linux guest's hv_kvp driver passes through unchanged (linux
 *   drivers/hv/hv_kvp.c, the stricter of the host's 512/2048-byte UTF-16 wire limits);
 * - 1022 UTF-8 bytes: Azure's platform reads at most 1,022 bytes of a value (Azure/azure-init
 *   libazureinit-kvp/src/diagnostics.rs), and Linux pools store UTF-8.
 */

export const PROTOCOL_MAX_KEY_UNITS = 254;
export const PROTOCOL_MAX_VALUE_UNITS = 1022;
export const PROTOCOL_MAX_VALUE_UTF8_BYTES = 1022;

/** UTF-8 length of `text`; a lone surrogate counts 3 bytes (what an encoder writes for U+FFFD). Never throws. */
export function utf8ByteLength(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0x80) bytes += 1;
    else if (unit < 0x800) bytes += 2;
    else if (isHighSurrogate(unit) && isLowSurrogate(text.charCodeAt(i + 1))) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}

function isHighSurrogate(unit: number): boolean {
  return unit >= 0xd800 && unit <= 0xdbff;
}

function isLowSurrogate(unit: number): boolean {
  return unit >= 0xdc00 && unit <= 0xdfff;
}

/**
 * Why a value does not fit the protocol limits, as a phrase for a message, or `null` when it fits.
 * The UTF-16 count is checked first, so an oversized hostile value costs O(1). Never throws.
 */
export function valueSizeViolation(value: string): string | null {
  if (value.length > PROTOCOL_MAX_VALUE_UNITS) {
    return `is ${value.length} UTF-16 units, expected at most ${PROTOCOL_MAX_VALUE_UNITS}`;
  }
  const bytes = utf8ByteLength(value);
  if (bytes > PROTOCOL_MAX_VALUE_UTF8_BYTES) {
    return `is ${bytes} UTF-8 bytes, expected at most ${PROTOCOL_MAX_VALUE_UTF8_BYTES}`;
  }
  return null;
}

/** Whether an item name fits the key limit (1..254 UTF-16 units). Never throws. */
export function fitsKeyLimit(name: string): boolean {
  return typeof name === 'string' && name.length > 0 && name.length <= PROTOCOL_MAX_KEY_UNITS;
}
