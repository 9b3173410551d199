import {
  HOST_ONLY_MAX_VALUE_UNITS,
  KVP_PORTABLE_MAX_KEY_UNITS,
  KVP_PORTABLE_MAX_VALUE_UNITS,
  KVP_WIRE_MAX_KEY_UNITS,
  KVP_WIRE_MAX_VALUE_UNITS,
} from './constants.js';
import { KvpError } from './errors.js';
import { KVP_SOURCE, type KvpItemInput } from './item.js';

/**
 * The KVP format's own size limits, at two levels, the second stricter than the first:
 * - wire: what the host accepts (hyperv.h: 512/2048 bytes of UTF-16 including the NUL);
 * - portable: what survives a Linux guest's driver unchanged (hv_kvp.c: 254/1022 UTF-16 units).
 * Caps an application puts on top (such as avma-agent's protocol) belong to that application.
 * JavaScript string length is the UTF-16 code unit count, which is exactly what the wire counts.
 */

/** A UTF-16 unit outside ASCII (surrogates included): without one, a text's UTF-8 bytes are its units. */
const NON_ASCII_UNIT = /[\u0080-\uffff]/;

/** Number of UTF-8 bytes `text` encodes to; a lone surrogate counts 3 (TextEncoder writes U+FFFD). */
export function utf8ByteLength(text: string): number {
  // Nearly every value (JSON, names, versions) is ASCII: one native scan answers it, about four times
  // faster than the loop below, which every guest status written and read used to run.
  if (!NON_ASCII_UNIT.test(text)) return text.length;
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0x80) bytes += 1;
    else if (unit < 0x800) bytes += 2;
    else if (unit >= 0xd800 && unit <= 0xdbff && isLowSurrogate(text.charCodeAt(i + 1))) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}

function isLowSurrogate(unit: number): boolean {
  return unit >= 0xdc00 && unit <= 0xdfff;
}

interface UnitLimits {
  readonly level: string;
  readonly maxKeyUnits: number;
  readonly maxValueUnits: number;
}

function checkUnits(item: KvpItemInput, limits: UnitLimits, itemIndex: number | null): void {
  if (item.name.length > limits.maxKeyUnits) {
    throw new KvpError(
      'KEY_TOO_LONG',
      `key is ${item.name.length} UTF-16 units, expected at most ${limits.maxKeyUnits} (${limits.level} limit)`,
      { itemIndex },
    );
  }
  if (item.data.length > limits.maxValueUnits) {
    throw new KvpError(
      'VALUE_TOO_LONG',
      `value is ${item.data.length} UTF-16 units, expected at most ${limits.maxValueUnits} (${limits.level} limit)`,
      { itemIndex },
    );
  }
}

/** The wire value limit for an item: HostOnly items (Source 4) are documented larger than exchanged ones. */
export function wireMaxValueUnits(source: number | undefined): number {
  return source === KVP_SOURCE.HOST_ONLY_ITEMS ? HOST_ONLY_MAX_VALUE_UNITS : KVP_WIRE_MAX_VALUE_UNITS;
}

/**
 * Checks the host's wire limits: key at most 255 UTF-16 units, value at most 1023 (8191 for Source 4).
 * Returns normally when the item fits; throws KvpError KEY_TOO_LONG or VALUE_TOO_LONG otherwise.
 */
export function checkWireLimits(item: KvpItemInput, itemIndex: number | null = null): void {
  checkUnits(
    item,
    { level: 'wire', maxKeyUnits: KVP_WIRE_MAX_KEY_UNITS, maxValueUnits: wireMaxValueUnits(item.source) },
    itemIndex,
  );
}

/**
 * Checks the portable limits (key at most 254, value at most 1022 UTF-16 units), the sizes a Linux
 * guest's driver passes through unchanged. Returns normally when the item fits; throws KvpError
 * KEY_TOO_LONG or VALUE_TOO_LONG otherwise.
 */
export function checkPortableLimits(item: KvpItemInput, itemIndex: number | null = null): void {
  checkUnits(
    item,
    {
      level: 'portable',
      maxKeyUnits: KVP_PORTABLE_MAX_KEY_UNITS,
      maxValueUnits: KVP_PORTABLE_MAX_VALUE_UNITS,
    },
    itemIndex,
  );
}
