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

/** The five entities XML predefines; nothing else is ever expanded (no DTD, no external entities). */
function predefinedEntity(name: string): string | undefined {
  switch (name) {
    case 'amp':
      return '&';
    case 'lt':
      return '<';
    case 'gt':
      return '>';
    case 'quot':
      return '"';
    case 'apos':
      return "'";
    default:
      return undefined;
  }
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

function entityBit(name: string): number {
  switch (name) {
    case 'amp':
      return NEEDS_AMP;
    case 'lt':
      return NEEDS_LT;
    case 'gt':
      return NEEDS_GT;
    case 'quot':
      return NEEDS_QUOT;
    default:
      return NEEDS_APOS;
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
  if (cursor.src.charCodeAt(ampAt + 1) === HASH) return readCharReference(cursor, ampAt, out);
  const src = cursor.src;
  let pos = ampAt + 1;
  while (pos < cursor.end && pos - ampAt <= MAX_ENTITY_NAME && isAsciiLetter(src.charCodeAt(pos))) pos++;
  if (pos >= cursor.end) {
    cursor.pos = pos;
    throw cursor.endOfInputError('an entity reference');
  }
  const name = src.slice(ampAt + 1, pos);
  if (src.charCodeAt(pos) !== SEMICOLON || name.length === 0) {
    throw cursor.error(
      'MALFORMED_XML',
      "'&' does not start a reference; expected &amp; or another reference ending in ';'",
      ampAt,
    );
  }
  const expansion = predefinedEntity(name);
  if (expansion === undefined) {
    throw cursor.error(
      'UNKNOWN_ENTITY',
      `unknown entity &${name};, expected one of &amp; &lt; &gt; &quot; &apos;`,
      ampAt,
    );
  }
  out.text = expansion;
  out.kind = entityBit(name);
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
