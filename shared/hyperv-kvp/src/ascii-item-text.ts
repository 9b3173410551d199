import { MINIMAL_LAYOUT } from './cim-xml-compact.js';
import { HOST_ONLY_MAX_VALUE_UNITS, KVP_WIRE_MAX_KEY_UNITS } from './constants.js';

/**
 * encodeKvpItem's text for the common item, built in one byte buffer: a name and data of ASCII with
 * no C0 control other than TAB, LF and CR (JSON, names, versions). The general path searches the
 * value once per character it may have to reference and runs one native `replaceAll` per character
 * present, then joins the pieces; for a JSON value, whose every quote is a reference, that cost about
 * three times as much as copying its bytes once (BENCHMARKS.md, issue 14, seventh session), and a
 * guest agent writes such a value every few minutes. Anything else (a non-ASCII unit, another C0
 * control, which the general path refuses or writes as `&#N;` as its options say) gets null here and
 * goes the general way, which writes every character this path writes the same way.
 */

const encoder = new TextEncoder();
/** ASCII bytes are valid UTF-8 and decode to the same characters (no BOM can be among them). */
const decoder = new TextDecoder('utf-8', { ignoreBOM: true });

const bytesOf = (text: string): Uint8Array => encoder.encode(text);

/** The literals around Data, Name and Source: the compact layout the decoder matches whole. */
const BEFORE_DATA_BYTES = bytesOf(MINIMAL_LAYOUT.beforeData);
const BEFORE_NAME_BYTES = bytesOf(MINIMAL_LAYOUT.beforeName);
const BEFORE_SOURCE_BYTES = bytesOf(MINIMAL_LAYOUT.beforeSource);
const AFTER_SOURCE_BYTES = bytesOf(MINIMAL_LAYOUT.afterSource);

/**
 * The characters written as references, `&` first so the references added later are not escaped
 * again. TAB and LF would survive in element text, but references keep them safe from any consumer
 * that normalises whitespace; a raw CR would be turned into LF by every XML parser. Both paths write
 * from this table.
 */
export const XML_REFERENCES: readonly (readonly [character: string, reference: string])[] = [
  ['&', '&amp;'],
  ['<', '&lt;'],
  ['>', '&gt;'],
  ['"', '&quot;'],
  ["'", '&apos;'],
  ['\t', '&#9;'],
  ['\n', '&#10;'],
  ['\r', '&#13;'],
];
/** The bytes written for each ASCII unit written as a reference; undefined for the others. */
const REFERENCE_BY_UNIT: readonly (Uint8Array | undefined)[] = Array.from({ length: 0x80 }, (_, unit) => {
  const entry = XML_REFERENCES.find(([character]) => character.charCodeAt(0) === unit);
  return entry === undefined ? undefined : bytesOf(entry[1]);
});
/** The longest reference: `&quot;` and `&apos;`. */
const MAX_REFERENCE_BYTES = 6;

/** Sized for the largest item the wire limits let through (checked before encoding). */
const input = new Uint8Array(HOST_ONLY_MAX_VALUE_UNITS + 1);
const output = new Uint8Array(
  BEFORE_DATA_BYTES.length +
    BEFORE_NAME_BYTES.length +
    BEFORE_SOURCE_BYTES.length +
    1 +
    AFTER_SOURCE_BYTES.length +
    MAX_REFERENCE_BYTES * (HOST_ONLY_MAX_VALUE_UNITS + KVP_WIRE_MAX_KEY_UNITS),
);

/**
 * Writes `text` escaped at `at` of the output; the position after it, or -1 when it is not for this
 * path (not all ASCII, a C0 control other than TAB/LF/CR, or longer than the limits allow).
 */
function writeEscaped(text: string, at: number): number {
  if (text.length >= input.length) return -1;
  const { read, written } = encoder.encodeInto(text, input);
  // Every non-ASCII character (a lone surrogate too) takes more than one byte.
  if (read !== text.length || written !== read) return -1;
  let end = at;
  for (let i = 0; i < written; i++) {
    const unit = input[i] as number;
    const reference = REFERENCE_BY_UNIT[unit];
    if (reference !== undefined) {
      for (let k = 0; k < reference.length; k++) output[end++] = reference[k] as number;
    } else if (unit >= 0x20) {
      output[end++] = unit;
    } else return -1;
  }
  return end;
}

/**
 * The CIM-XML text of an item with this data, name and (valid) source, exactly as the general path
 * writes it, or null when either value is not for this path. Data and name must be within the wire
 * limits.
 */
export function asciiItemText(data: string, name: string, source: number): string | null {
  output.set(BEFORE_DATA_BYTES, 0);
  let end = writeEscaped(data, BEFORE_DATA_BYTES.length);
  if (end < 0) return null;
  output.set(BEFORE_NAME_BYTES, end);
  end = writeEscaped(name, end + BEFORE_NAME_BYTES.length);
  if (end < 0) return null;
  output.set(BEFORE_SOURCE_BYTES, end);
  end += BEFORE_SOURCE_BYTES.length;
  // A source is 0..4: one digit.
  output[end++] = 0x30 + source;
  output.set(AFTER_SOURCE_BYTES, end);
  end += AFTER_SOURCE_BYTES.length;
  return decoder.decode(output.subarray(0, end));
}
