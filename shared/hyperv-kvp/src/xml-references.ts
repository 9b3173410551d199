import type { XmlCursor } from './xml-cursor.js';

/**
 * XML references, the only indirection this format allows: the five predefined entities and
 * decimal/hex character references. No DTD means no other entity can exist, so nothing here can
 * expand, recurse or fetch anything.
 */

const SEMICOLON = 0x3b;
const HASH = 0x23;
const LOWER_X = 0x78;

/** What a reference (or a normalised line end) decodes to, and its NEEDS_* bit. */
export interface DecodedText {
  text: string;
  kind: number;
}

/** What a piece of text needs besides slicing: one bit per predefined entity, then the rest. */
const NEEDS_AMP = 1;
const NEEDS_LT = 2;
const NEEDS_GT = 4;
const NEEDS_QUOT = 8;
const NEEDS_APOS = 16;
export const NAMED_ENTITY_BITS = NEEDS_AMP | NEEDS_LT | NEEDS_GT | NEEDS_QUOT | NEEDS_APOS;
const NEEDS_CHAR_REF = 32;
/** A CR to normalise, or (in attribute values) TAB/LF to turn into spaces. */
export const NEEDS_WHITESPACE = 64;

/**
 * The NEEDS_* bit of the predefined entity named by the `length` letters at `start`, or 0 when they
 * name none. Compares characters in place: no slice per reference. XML predefines only these five;
 * without a DTD no other entity can exist.
 */
function entityKindAt(src: string, start: number, length: number): number {
  const first = src.charCodeAt(start);
  const second = src.charCodeAt(start + 1);
  if (length === 2 && second === 0x74) {
    if (first === 0x6c) return NEEDS_LT; // lt
    if (first === 0x67) return NEEDS_GT; // gt
    return 0;
  }
  if (length === 3)
    return first === 0x61 && second === 0x6d && src.charCodeAt(start + 2) === 0x70 ? NEEDS_AMP : 0; // amp
  if (length !== 4) return 0;
  const third = src.charCodeAt(start + 2);
  const fourth = src.charCodeAt(start + 3);
  if (first === 0x71 && second === 0x75 && third === 0x6f && fourth === 0x74) return NEEDS_QUOT; // quot
  if (first === 0x61 && second === 0x70 && third === 0x6f && fourth === 0x73) return NEEDS_APOS; // apos
  return 0;
}

/** Bits above this in predefinedEntityAt's result hold the reference's length. */
export const ENTITY_LENGTH_SHIFT = 8;

/**
 * The common case, checked in place: a predefined entity reference (`&quot;` and so on) at `ampAt`.
 * Returns its NEEDS_* bit plus its length shifted by ENTITY_LENGTH_SHIFT, or 0 for anything else
 * (which then goes through readReference and its errors).
 */
export function predefinedEntityAt(src: string, ampAt: number): number {
  const first = src.charCodeAt(ampAt + 1);
  const second = src.charCodeAt(ampAt + 2);
  const third = src.charCodeAt(ampAt + 3);
  if (second === 0x74 && third === SEMICOLON) {
    if (first === 0x6c) return NEEDS_LT | (4 << ENTITY_LENGTH_SHIFT);
    if (first === 0x67) return NEEDS_GT | (4 << ENTITY_LENGTH_SHIFT);
    return 0;
  }
  const fourth = src.charCodeAt(ampAt + 4);
  const fifth = src.charCodeAt(ampAt + 5);
  if (first === 0x71) {
    const quot = second === 0x75 && third === 0x6f && fourth === 0x74 && fifth === SEMICOLON;
    return quot ? NEEDS_QUOT | (6 << ENTITY_LENGTH_SHIFT) : 0;
  }
  if (first !== 0x61) return 0;
  if (second === 0x6d && third === 0x70 && fourth === SEMICOLON)
    return NEEDS_AMP | (5 << ENTITY_LENGTH_SHIFT);
  const apos = second === 0x70 && third === 0x6f && fourth === 0x73 && fifth === SEMICOLON;
  return apos ? NEEDS_APOS | (6 << ENTITY_LENGTH_SHIFT) : 0;
}

/**
 * predefinedEntityAt over the byte copy of an ASCII input (see ascii-copy.ts), without a charCodeAt
 * per letter; the caller makes sure the six bytes from `ampAt` on are within the input.
 */
export function predefinedEntityInBytes(bytes: Uint8Array, ampAt: number): number {
  const first = bytes[ampAt + 1];
  const second = bytes[ampAt + 2];
  const third = bytes[ampAt + 3];
  if (second === 0x74 && third === SEMICOLON) {
    if (first === 0x6c) return NEEDS_LT | (4 << ENTITY_LENGTH_SHIFT);
    if (first === 0x67) return NEEDS_GT | (4 << ENTITY_LENGTH_SHIFT);
    return 0;
  }
  const fourth = bytes[ampAt + 4];
  const fifth = bytes[ampAt + 5];
  if (first === 0x71) {
    const quot = second === 0x75 && third === 0x6f && fourth === 0x74 && fifth === SEMICOLON;
    return quot ? NEEDS_QUOT | (6 << ENTITY_LENGTH_SHIFT) : 0;
  }
  if (first !== 0x61) return 0;
  if (second === 0x6d && third === 0x70 && fourth === SEMICOLON)
    return NEEDS_AMP | (5 << ENTITY_LENGTH_SHIFT);
  const apos = second === 0x70 && third === 0x6f && fourth === 0x73 && fifth === SEMICOLON;
  return apos ? NEEDS_APOS | (6 << ENTITY_LENGTH_SHIFT) : 0;
}

/** The character a predefined entity's NEEDS_* bit stands for. */
function entityText(kind: number): string {
  switch (kind) {
    case NEEDS_AMP:
      return '&';
    case NEEDS_LT:
      return '<';
    case NEEDS_GT:
      return '>';
    case NEEDS_QUOT:
      return '"';
    default:
      return "'";
  }
}

/**
 * Expands the predefined entities of validated text (every '&' starts one of them). `&amp;` goes
 * last, so the '&' it produces is never read as the start of another entity.
 */
export function expandNamedEntities(text: string, needs: number): string {
  let out = text;
  if ((needs & NEEDS_LT) !== 0) out = out.replaceAll('&lt;', '<');
  if ((needs & NEEDS_GT) !== 0) out = out.replaceAll('&gt;', '>');
  if ((needs & NEEDS_QUOT) !== 0) out = out.replaceAll('&quot;', '"');
  if ((needs & NEEDS_APOS) !== 0) out = out.replaceAll('&apos;', "'");
  if ((needs & NEEDS_AMP) !== 0) out = out.replaceAll('&amp;', '&');
  return out;
}

/** Longest predefined entity name ("quot", "apos") plus slack; a longer name cannot be one of them. */
const MAX_ENTITY_NAME = 8;
const MAX_CODE_POINT = 0x10ffff;

function hexDigit(unit: number): number {
  if (unit >= 0x30 && unit <= 0x39) return unit - 0x30;
  if (unit >= 0x61 && unit <= 0x66) return unit - 0x57;
  if (unit >= 0x41 && unit <= 0x46) return unit - 0x37;
  return -1;
}

function decimalDigit(unit: number): number {
  return unit >= 0x30 && unit <= 0x39 ? unit - 0x30 : -1;
}

function isAsciiLetter(unit: number): boolean {
  return (unit >= 0x61 && unit <= 0x7a) || (unit >= 0x41 && unit <= 0x5a);
}

/** `U+XXXX`, for messages about a character. */
export function describeUnit(unit: number): string {
  return `U+${unit.toString(16).toUpperCase().padStart(4, '0')}`;
}

/**
 * Decodes the reference starting with '&' at `ampAt` into `out`; returns the position after its ';'.
 * Throws the cursor's KvpError for anything but a predefined entity or a valid character reference.
 */
export function readReference(cursor: XmlCursor, ampAt: number, out: DecodedText): number {
  const src = cursor.src;
  if (src.charCodeAt(ampAt + 1) === HASH) return readCharReference(cursor, ampAt, out);
  let pos = ampAt + 1;
  while (pos < cursor.end && pos - ampAt <= MAX_ENTITY_NAME && isAsciiLetter(src.charCodeAt(pos))) pos++;
  if (pos >= cursor.end) {
    cursor.pos = pos;
    throw cursor.endOfInputError('an entity reference');
  }
  if (src.charCodeAt(pos) !== SEMICOLON || pos === ampAt + 1) {
    throw cursor.error(
      'MALFORMED_XML',
      "'&' does not start a reference; expected &amp; or another reference ending in ';'",
      ampAt,
    );
  }
  const kind = entityKindAt(src, ampAt + 1, pos - ampAt - 1);
  if (kind === 0) {
    throw cursor.error(
      'UNKNOWN_ENTITY',
      `unknown entity &${src.slice(ampAt + 1, pos)};, expected one of &amp; &lt; &gt; &quot; &apos;`,
      ampAt,
    );
  }
  out.text = entityText(kind);
  out.kind = kind;
  return pos + 1;
}

function readCharReference(cursor: XmlCursor, ampAt: number, out: DecodedText): number {
  const src = cursor.src;
  const hex = src.charCodeAt(ampAt + 2) === LOWER_X;
  const digitsStart = ampAt + (hex ? 3 : 2);
  let pos = digitsStart;
  let value = 0;
  for (; pos < cursor.end; pos++) {
    const digit = hex ? hexDigit(src.charCodeAt(pos)) : decimalDigit(src.charCodeAt(pos));
    if (digit < 0) break;
    // Stop growing once out of range so a million digits cannot overflow into a valid value.
    if (value <= MAX_CODE_POINT) value = value * (hex ? 16 : 10) + digit;
  }
  if (pos >= cursor.end) {
    cursor.pos = pos;
    throw cursor.endOfInputError('a character reference');
  }
  if (pos === digitsStart || src.charCodeAt(pos) !== SEMICOLON) {
    throw cursor.error('MALFORMED_XML', 'malformed character reference; expected &#NNN; or &#xHHH;', ampAt);
  }
  checkCodePoint(cursor, value, ampAt);
  out.text = String.fromCodePoint(value);
  out.kind = NEEDS_CHAR_REF;
  return pos + 1;
}

function checkCodePoint(cursor: XmlCursor, value: number, offset: number): void {
  if (value === 0)
    throw cursor.error('NUL_CHARACTER', 'character reference to U+0000; expected no NUL characters', offset);
  if (value > MAX_CODE_POINT) {
    throw cursor.error(
      'INVALID_CHAR_REF',
      'character reference beyond U+10FFFF; expected a Unicode code point',
      offset,
    );
  }
  if (value >= 0xd800 && value <= 0xdfff) {
    throw cursor.error(
      'INVALID_CHAR_REF',
      `character reference to surrogate ${describeUnit(value)}; expected a scalar value`,
      offset,
    );
  }
  if (value === 0xfffe || value === 0xffff) {
    throw cursor.error(
      'FORBIDDEN_CHARACTER',
      `character reference to non-character ${describeUnit(value)}`,
      offset,
    );
  }
}
