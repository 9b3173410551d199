/**
 * Strict UTF-8 for pool files, on TextEncoder/TextDecoder (available in Node and browsers alike).
 * TextDecoder in fatal mode refuses what we must refuse (overlong forms, encoded surrogates, code
 * points beyond U+10FFFF, truncated sequences); it does not say where, so on failure a small validator
 * finds the offending byte for the error.
 */

const strictDecoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const encoder = new TextEncoder();

/** Decodes `bytes` strictly; returns null when they are not valid UTF-8. */
export function decodeUtf8Strict(bytes: Uint8Array): string | null {
  try {
    return strictDecoder.decode(bytes);
  } catch {
    return null;
  }
}

/** UTF-8 bytes of a string the caller has checked for lone surrogates. */
export function encodeUtf8(text: string): Uint8Array {
  return encoder.encode(text);
}

/** Length of the sequence a lead byte starts, and the allowed range of its first continuation byte. */
function sequenceShape(lead: number): readonly [length: number, low: number, high: number] | null {
  if (lead >= 0xc2 && lead <= 0xdf) return [2, 0x80, 0xbf];
  if (lead === 0xe0) return [3, 0xa0, 0xbf];
  if (lead === 0xed) return [3, 0x80, 0x9f];
  if (lead >= 0xe1 && lead <= 0xef) return [3, 0x80, 0xbf];
  if (lead === 0xf0) return [4, 0x90, 0xbf];
  if (lead >= 0xf1 && lead <= 0xf3) return [4, 0x80, 0xbf];
  if (lead === 0xf4) return [4, 0x80, 0x8f];
  return null;
}

/** Index of the first byte that makes `bytes` invalid UTF-8, or -1 when they are valid. */
export function firstInvalidUtf8Byte(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const lead = bytes[i] as number;
    if (lead < 0x80) {
      i++;
      continue;
    }
    const shape = sequenceShape(lead);
    if (shape === null) return i;
    const [length, low, high] = shape;
    for (let k = 1; k < length; k++) {
      const byte = bytes[i + k];
      if (byte === undefined) return i;
      const [min, max] = k === 1 ? [low, high] : [0x80, 0xbf];
      if (byte < min || byte > max) return i;
    }
    i += length;
  }
  return -1;
}
