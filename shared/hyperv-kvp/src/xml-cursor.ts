import { KVP_MAX_ITEM_XML_CHARS } from './constants.js';
import { KvpError, type KvpErrorCode, quoteForError } from './errors.js';

/**
 * A forward-only cursor over untrusted XML text. Every loop advances `pos`, nothing rescans, nothing
 * recurses, and no regular expression touches the input, so the work is linear in the input size.
 * It reads character data (element text and attribute values) with the XML 1.0 rules this format
 * needs: the five predefined entities, decimal/hex character references, end-of-line normalisation.
 */

export const LT = 0x3c;
const GT = 0x3e;
const AMP = 0x26;
const SEMICOLON = 0x3b;
const HASH = 0x23;
const LOWER_X = 0x78;
const RIGHT_BRACKET = 0x5d;
const TAB = 0x09;
const LF = 0x0a;
const CR = 0x0d;
const SPACE = 0x20;

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
const NAMED_ENTITY_BITS = NEEDS_AMP | NEEDS_LT | NEEDS_GT | NEEDS_QUOT | NEEDS_APOS;
const NEEDS_CHAR_REF = 32;
/** A CR to normalise, or (in attribute values) TAB/LF to turn into spaces. */
const NEEDS_WHITESPACE = 64;

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
function expandNamedEntities(text: string, needs: number): string {
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
/** Up to this length a literal is compared character by character rather than by slice. */
const SHORT_LITERAL = 1000;

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

export function isXmlWhitespace(unit: number): boolean {
  return unit === SPACE || unit === LF || unit === TAB || unit === CR;
}

function describeUnit(unit: number): string {
  return `U+${unit.toString(16).toUpperCase().padStart(4, '0')}`;
}

export class XmlCursor {
  src = '';
  pos = 0;
  /** Where the current item must end: the input's end or the item size cap, whichever is first. */
  end = 0;
  itemIndex: number | null = null;
  private capped = false;
  /** Text produced by the last decoded reference or normalised line end. */
  private decoded = '';
  /** The NEEDS_* bit of the last decoded reference or line end. */
  private decodedKind = 0;

  /** Points the cursor at the start of a new input (one cursor serves many inputs, one at a time). */
  reset(src: string): void {
    this.src = src;
    this.pos = 0;
    this.end = src.length;
    this.itemIndex = null;
    this.capped = false;
  }

  /** Starts item `itemIndex` at `start`; it may span at most KVP_MAX_ITEM_XML_CHARS. */
  beginItem(start: number, itemIndex: number | null): void {
    const capEnd = start + KVP_MAX_ITEM_XML_CHARS;
    this.pos = start;
    this.itemIndex = itemIndex;
    this.capped = capEnd < this.src.length;
    this.end = this.capped ? capEnd : this.src.length;
  }

  /** Lets the cursor scan to the end of the whole input (between items of a list). */
  releaseCap(): void {
    this.capped = false;
    this.end = this.src.length;
  }

  /** The error to throw for a refusal at `offset` (default: the cursor) in the current item. */
  error(code: KvpErrorCode, reason: string, offset: number = this.pos): KvpError {
    return new KvpError(code, reason, { itemIndex: this.itemIndex, offset });
  }

  /** The input stopped early: either the item cap cut it (TOO_LARGE) or the text is truncated. */
  endOfInputError(context: string): KvpError {
    if (this.capped)
      return this.error('TOO_LARGE', `item is longer than ${KVP_MAX_ITEM_XML_CHARS} UTF-16 units of XML`);
    return this.error('MALFORMED_XML', `input ends inside ${context}; expected the rest of the element`);
  }

  /**
   * True when `literal` is at the cursor and ends within the item. Comparing a slice with `===` is
   * several times faster in V8 than `startsWith` at an offset, and as bounded: one literal's length.
   */
  literalAt(literal: string): boolean {
    const start = this.pos;
    const end = start + literal.length;
    if (end > this.end) return false;
    if (literal.length > SHORT_LITERAL) return this.src.slice(start, end) === literal;
    // Short literals (end tags) are compared in place: no slice to allocate.
    for (let i = 0; i < literal.length; i++)
      if (this.src.charCodeAt(start + i) !== literal.charCodeAt(i)) return false;
    return true;
  }

  /** Skips XML whitespace; returns whether there was any. */
  skipWhitespace(): boolean {
    const start = this.pos;
    while (this.pos < this.end && isXmlWhitespace(this.src.charCodeAt(this.pos))) this.pos++;
    return this.pos > start;
  }

  /**
   * Reads character data up to (not including) `terminator`: `LT` for element text, a quote character
   * for an attribute value. Decodes references, normalises line ends (CRLF and CR become LF; in
   * attribute values TAB/LF/CR become spaces) and refuses characters XML cannot carry.
   * The first pass validates and notes what needs decoding; most text needs none and is one slice,
   * text with only named entities is expanded natively, anything else takes a second building pass.
   */
  readText(terminator: number): string {
    const textStart = this.pos;
    const needs = this.scanText(terminator);
    const textEnd = this.pos;
    if (needs === 0) return this.src.slice(textStart, textEnd);
    if ((needs & ~NAMED_ENTITY_BITS) === 0)
      return expandNamedEntities(this.src.slice(textStart, textEnd), needs);
    return this.buildText(textStart, textEnd, terminator);
  }

  /** Validates text up to `terminator`, leaving the cursor on it; returns the NEEDS_* bits seen. */
  private scanText(terminator: number): number {
    const src = this.src;
    const textStart = this.pos;
    let pos = this.pos;
    let needs = 0;
    for (;;) {
      if (pos >= this.end) {
        this.pos = pos;
        throw this.endOfInputError(terminator === LT ? 'element text' : 'an attribute value');
      }
      const unit = src.charCodeAt(pos);
      const plain =
        unit > GT
          ? unit < 0xd800
          : unit >= SPACE && unit !== AMP && unit !== LT && unit !== GT && unit !== terminator;
      if (plain) {
        pos++;
        continue;
      }
      if (unit === terminator) break;
      const verbatim = this.verbatimWidth(unit, pos, terminator, textStart);
      if (verbatim > 0) {
        pos += verbatim;
        continue;
      }
      pos = this.decodeAt(unit, pos, terminator);
      needs |= this.decodedKind;
    }
    this.pos = pos;
    return needs;
  }

  /** Second pass over validated text that needs more than named entities expanded. */
  private buildText(start: number, end: number, terminator: number): string {
    const src = this.src;
    let out = '';
    let runStart = start;
    for (let pos = start; pos < end; ) {
      const unit = src.charCodeAt(pos);
      const decodes = unit === AMP || unit === CR || (terminator !== LT && (unit === TAB || unit === LF));
      if (!decodes) {
        pos++;
        continue;
      }
      out += src.slice(runStart, pos);
      pos = this.decodeAt(unit, pos, terminator);
      out += this.decoded;
      runStart = pos;
    }
    return out + src.slice(runStart, end);
  }

  /** Width of a character kept as written (1 or 2), 0 when it must be decoded; refuses bad ones. */
  private verbatimWidth(unit: number, pos: number, terminator: number, textStart: number): number {
    if (unit === GT) {
      const src = this.src;
      if (
        terminator === LT &&
        pos - 2 >= textStart &&
        src.charCodeAt(pos - 1) === RIGHT_BRACKET &&
        src.charCodeAt(pos - 2) === RIGHT_BRACKET
      ) {
        throw this.error(
          'MALFORMED_XML',
          "text contains ']]>', which XML forbids outside CDATA; expected ]]&gt;",
          pos - 2,
        );
      }
      return 1;
    }
    if (unit === LT) throw this.error('MALFORMED_XML', "'<' inside an attribute value; expected &lt;", pos);
    if (unit === AMP || unit === CR) return 0;
    if (unit === TAB || unit === LF) return terminator === LT ? 1 : 0;
    if (unit === 0)
      throw this.error('NUL_CHARACTER', 'text contains U+0000; expected no NUL characters', pos);
    if (unit < SPACE) {
      throw this.error(
        'FORBIDDEN_CHARACTER',
        `text contains control character ${describeUnit(unit)}, which XML 1.0 forbids`,
        pos,
      );
    }
    if (unit <= 0xdbff) {
      const next = this.src.charCodeAt(pos + 1);
      if (next >= 0xdc00 && next <= 0xdfff) return 2;
      throw this.error(
        'UNPAIRED_SURROGATE',
        `high surrogate ${describeUnit(unit)} is not followed by a low surrogate`,
        pos,
      );
    }
    if (unit <= 0xdfff)
      throw this.error(
        'UNPAIRED_SURROGATE',
        `low surrogate ${describeUnit(unit)} has no high surrogate`,
        pos,
      );
    if (unit >= 0xfffe)
      throw this.error('FORBIDDEN_CHARACTER', `text contains non-character ${describeUnit(unit)}`, pos);
    return 1;
  }

  /** Decodes the reference or line end at `pos` into `this.decoded`; returns the position after it. */
  private decodeAt(unit: number, pos: number, terminator: number): number {
    if (unit === AMP) return this.readReference(pos);
    const inElementText = terminator === LT;
    this.decodedKind = NEEDS_WHITESPACE;
    if (unit === CR) {
      // XML end-of-line handling: CRLF and lone CR both become one LF before anything else sees them.
      this.decoded = this.src.charCodeAt(pos + 1) === LF ? '' : inElementText ? '\n' : ' ';
      return pos + 1;
    }
    this.decoded = ' ';
    return pos + 1;
  }

  private readReference(ampAt: number): number {
    if (this.src.charCodeAt(ampAt + 1) === HASH) return this.readCharReference(ampAt);
    const src = this.src;
    let pos = ampAt + 1;
    while (pos < this.end && pos - ampAt <= MAX_ENTITY_NAME && isAsciiLetter(src.charCodeAt(pos))) pos++;
    if (pos >= this.end) {
      this.pos = pos;
      throw this.endOfInputError('an entity reference');
    }
    const name = src.slice(ampAt + 1, pos);
    if (src.charCodeAt(pos) !== SEMICOLON || name.length === 0) {
      throw this.error(
        'MALFORMED_XML',
        "'&' does not start a reference; expected &amp; or another reference ending in ';'",
        ampAt,
      );
    }
    const expansion = predefinedEntity(name);
    if (expansion === undefined) {
      throw this.error(
        'UNKNOWN_ENTITY',
        `unknown entity &${name};, expected one of &amp; &lt; &gt; &quot; &apos;`,
        ampAt,
      );
    }
    this.decoded = expansion;
    this.decodedKind = entityBit(name);
    return pos + 1;
  }

  private readCharReference(ampAt: number): number {
    const src = this.src;
    const hex = src.charCodeAt(ampAt + 2) === LOWER_X;
    const digitsStart = ampAt + (hex ? 3 : 2);
    let pos = digitsStart;
    let value = 0;
    for (; pos < this.end; pos++) {
      const digit = hex ? hexDigit(src.charCodeAt(pos)) : decimalDigit(src.charCodeAt(pos));
      if (digit < 0) break;
      // Stop growing once out of range so a million digits cannot overflow into a valid value.
      if (value <= MAX_CODE_POINT) value = value * (hex ? 16 : 10) + digit;
    }
    if (pos >= this.end) {
      this.pos = pos;
      throw this.endOfInputError('a character reference');
    }
    if (pos === digitsStart || src.charCodeAt(pos) !== SEMICOLON) {
      throw this.error('MALFORMED_XML', 'malformed character reference; expected &#NNN; or &#xHHH;', ampAt);
    }
    this.checkCodePoint(value, ampAt);
    this.decoded = String.fromCodePoint(value);
    this.decodedKind = NEEDS_CHAR_REF;
    return pos + 1;
  }

  private checkCodePoint(value: number, offset: number): void {
    if (value === 0)
      throw this.error('NUL_CHARACTER', 'character reference to U+0000; expected no NUL characters', offset);
    if (value > MAX_CODE_POINT) {
      throw this.error(
        'INVALID_CHAR_REF',
        'character reference beyond U+10FFFF; expected a Unicode code point',
        offset,
      );
    }
    if (value >= 0xd800 && value <= 0xdfff) {
      throw this.error(
        'INVALID_CHAR_REF',
        `character reference to surrogate ${describeUnit(value)}; expected a scalar value`,
        offset,
      );
    }
    if (value === 0xfffe || value === 0xffff) {
      throw this.error(
        'FORBIDDEN_CHARACTER',
        `character reference to non-character ${describeUnit(value)}`,
        offset,
      );
    }
  }

  /** Quotes up to a few characters at `pos` for an error message. */
  snippet(pos: number = this.pos): string {
    return quoteForError(this.src.slice(pos, Math.min(pos + 12, this.src.length)));
  }
}
