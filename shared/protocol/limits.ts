/**
 * Size limits of the agent<->guest protocol (contract: architecture §6): every value at most 1022
 * UTF-16 code units AND at most 1022 UTF-8 bytes; every key at most 254 UTF-16 code units.
 * - 254/1022 units: what a Linux guest's hv_kvp driver passes through unchanged (linux
 *   drivers/hv/hv_kvp.c, the stricter of the host's 512/2048-byte UTF-16 wire limits);
 * - 1022 UTF-8 bytes: Azure's platform reads at most 1,022 bytes of a value (Azure/azure-init
 *   libazureinit-kvp/src/diagnostics.rs), and Linux pools store UTF-8.
 */

import {
  KVP_POOL_MAX_KEY_UTF8_BYTES,
  KVP_PORTABLE_MAX_KEY_UNITS,
  KVP_PORTABLE_MAX_VALUE_UNITS,
  type KvpItemInput,
  utf8ByteLength,
} from 'hyperv-kvp';
import { ProtocolError } from './protocol-error.js';

// The unit caps are the KVP format's portable limits (hyperv-kvp derives them from hv_kvp.c); the
// protocol adopts them rather than restating the numbers, and adds its own byte cap for Azure's reader.
export const PROTOCOL_MAX_KEY_UNITS = KVP_PORTABLE_MAX_KEY_UNITS;
export const PROTOCOL_MAX_VALUE_UNITS = KVP_PORTABLE_MAX_VALUE_UNITS;
export const PROTOCOL_MAX_VALUE_UTF8_BYTES = 1022;

/** One UTF-8 count for the whole code base: hyperv-kvp's, re-exported for the protocol's callers. */
export { utf8ByteLength };

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

/**
 * Checks a whole item against the protocol: a key of 1..254 UTF-16 units that also fits a Linux pool
 * record (511 UTF-8 bytes), and a value within {@link valueSizeViolation}. Throws `ProtocolError`
 * TOO_LARGE naming the item (by index when given) and the limit; returns normally when it fits.
 */
export function checkProtocolItem(item: KvpItemInput, itemIndex: number | null = null): void {
  const which = itemIndex === null ? 'item' : `item ${itemIndex}`;
  if (item.name.length > PROTOCOL_MAX_KEY_UNITS) {
    const units = item.name.length;
    throw new ProtocolError(
      'TOO_LARGE',
      `${which}: key is ${units} UTF-16 units, expected at most ${PROTOCOL_MAX_KEY_UNITS}`,
    );
  }
  const keyBytes = utf8ByteLength(item.name);
  if (keyBytes > KVP_POOL_MAX_KEY_UTF8_BYTES) {
    throw new ProtocolError(
      'TOO_LARGE',
      `${which}: key is ${keyBytes} UTF-8 bytes, expected at most ${KVP_POOL_MAX_KEY_UTF8_BYTES}`,
    );
  }
  const violation = valueSizeViolation(item.data);
  if (violation !== null) throw new ProtocolError('TOO_LARGE', `${which}: value ${violation}`);
}
