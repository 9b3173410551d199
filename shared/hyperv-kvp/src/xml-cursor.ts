import { AsciiCopy } from './ascii-copy.js';
import { KVP_MAX_ITEM_XML_CHARS } from './constants.js';
import { KvpError, type KvpErrorCode, quoteForError } from './errors.js';
import {
  type DecodedText,
  describeUnit,
  ENTITY_LENGTH_SHIFT,
  expandNamedEntities,
  NAMED_ENTITY_BITS,
  NEEDS_WHITESPACE,
  predefinedEntityAt,
  predefinedEntityInBytes,
  readReference,
} from './xml-references.js';

/**
 * A forward-only cursor over untrusted XML text. Every loop advances `pos`, nothing recurses, and no
 * regular expression touches the input. A character is read a bounded number of times (text that
 * needs decoding gets a second, building pass; a failed compact-layout match is rescanned once by
 * the general path; an input of one item is copied once into bytes to see whether it is ASCII), so
 * the work is linear in the input size.
 * It reads character data (element text and attribute values) with the XML 1.0 rules this format
 * needs: the five predefined entities, decimal/hex character references, end-of-line normalisation.
 */

/** '<', which ends element text. */
export const LT = 0x3c;
const GT = 0x3e;
const AMP = 0x26;
const RIGHT_BRACKET = 0x5d;
const TAB = 0x09;
const LF = 0x0a;
const CR = 0x0d;
const SPACE = 0x20;

/** Up to this length a literal is compared character by character rather than by slice. */
const SHORT_LITERAL = 12;

/** A character that stands for itself in text ending at `terminator` (no reference, no check). */
function isOrdinary(unit: number, terminator: number): boolean {
  return unit > GT
    ? unit < 0xd800
    : unit >= SPACE && unit !== AMP && unit !== LT && unit !== GT && unit !== terminator;
}

/** XML's whitespace (S production): space, TAB, LF, CR; nothing else, not even NBSP. */
export function isXmlWhitespace(unit: number): boolean {
  return unit === SPACE || unit === LF || unit === TAB || unit === CR;
}

/** Position, limits and error reporting for one input; reset and reused across inputs. */
export class XmlCursor {
  src = '';
  pos = 0;
  /** Where the current item must end: the input's end or the item size cap, whichever is first. */
  end = 0;
  itemIndex: number | null = null;
  private capped = false;
  /** The input as bytes when it is all ASCII (see ascii-copy.ts), else null. */
  private ascii: Uint8Array | null = null;
  private readonly asciiCopy = new AsciiCopy();
  /** What the last decoded reference or normalised line end produced (reused, never retained). */
  private readonly reference: DecodedText = { text: '', kind: 0 };

  /** Points the cursor at the start of a new input (one cursor serves many inputs, one at a time). */
  reset(src: string): void {
    this.src = src;
    this.ascii = this.asciiCopy.of(src);
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
   * The first pass validates and notes what needs decoding; most text needs none and is one slice.
   * Text with only named entities is rebuilt in bytes and decoded once when the input is ASCII (one
   * flat string; replaceAll would leave a rope of pieces for the garbage collector to copy), else
   * expanded with replaceAll; anything else takes a second building pass.
   */
  readText(terminator: number): string {
    const textStart = this.pos;
    const needs = this.scanText(terminator);
    const textEnd = this.pos;
    if (needs === 0) return this.src.slice(textStart, textEnd);
    if ((needs & ~NAMED_ENTITY_BITS) === 0) {
      const ascii = this.ascii;
      if (ascii !== null) return this.asciiCopy.expandNamedEntities(ascii, textStart, textEnd);
      return expandNamedEntities(this.src.slice(textStart, textEnd), needs);
    }
    return this.buildText(textStart, textEnd, terminator);
  }

  /** The first position from `pos` on that holds no ordinary character (or the end). */
  private ordinaryRunEnd(from: number, terminator: number): number {
    const end = this.end;
    const ascii = this.ascii;
    let pos = from;
    if (ascii !== null) {
      while (pos < end && isOrdinary(ascii[pos] as number, terminator)) pos++;
      return pos;
    }
    const src = this.src;
    while (pos < end && isOrdinary(src.charCodeAt(pos), terminator)) pos++;
    return pos;
  }

  /** Validates text up to `terminator`, leaving the cursor on it; returns the NEEDS_* bits seen. */
  private scanText(terminator: number): number {
    const pos = this.ordinaryRunEnd(this.pos, terminator);
    if (pos < this.end && this.src.charCodeAt(pos) === terminator) {
      this.pos = pos;
      return 0;
    }
    return this.scanSpecialText(this.pos, pos, terminator);
  }

  /** scanText from `pos` on, once something other than ordinary characters has turned up. */
  private scanSpecialText(textStart: number, from: number, terminator: number): number {
    const src = this.src;
    const end = this.end;
    let pos = from;
    let needs = 0;
    for (;;) {
      pos = this.ordinaryRunEnd(pos, terminator);
      if (pos >= end) {
        this.pos = end;
        throw this.endOfInputError(terminator === LT ? 'element text' : 'an attribute value');
      }
      const unit = src.charCodeAt(pos);
      if (unit === terminator) break;
      if (unit === AMP) {
        const ascii = this.ascii;
        const entity =
          ascii !== null && pos + 5 < end
            ? predefinedEntityInBytes(ascii, pos)
            : predefinedEntityAt(src, pos);
        if (entity !== 0) {
          needs |= entity & NAMED_ENTITY_BITS;
          pos += entity >>> ENTITY_LENGTH_SHIFT;
          continue;
        }
      }
      const verbatim = this.verbatimWidth(unit, pos, terminator, textStart);
      if (verbatim > 0) {
        pos += verbatim;
        continue;
      }
      pos = this.decodeAt(unit, pos, terminator);
      needs |= this.reference.kind;
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
      out += this.reference.text;
      runStart = pos;
    }
    return out + src.slice(runStart, end);
  }

  /** Width of a character kept as written (1 or 2), 0 when it must be decoded; refuses bad ones. */
  private verbatimWidth(unit: number, pos: number, terminator: number, textStart: number): number {
    if (unit === GT) {
      const src = this.src;
      const closesCdata =
        terminator === LT &&
        pos - 2 >= textStart &&
        src.charCodeAt(pos - 1) === RIGHT_BRACKET &&
        src.charCodeAt(pos - 2) === RIGHT_BRACKET;
      if (closesCdata) {
        const reason = "text contains ']]>', which XML forbids outside CDATA; expected ]]&gt;";
        throw this.error('MALFORMED_XML', reason, pos - 2);
      }
      return 1;
    }
    if (unit === LT) throw this.error('MALFORMED_XML', "'<' inside an attribute value; expected &lt;", pos);
    if (unit === AMP || unit === CR) return 0;
    if (unit === TAB || unit === LF) return terminator === LT ? 1 : 0;
    return this.unusualCharacterWidth(unit, pos);
  }

  /** Controls, surrogates and the top of the BMP: refused, or kept (a surrogate pair is 2 wide). */
  private unusualCharacterWidth(unit: number, pos: number): number {
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
    if (unit === AMP) return readReference(this, pos, this.reference);
    const inElementText = terminator === LT;
    const decoded = this.reference;
    decoded.kind = NEEDS_WHITESPACE;
    if (unit === CR) {
      // XML end-of-line handling: CRLF and lone CR both become one LF before anything else sees them.
      decoded.text = this.src.charCodeAt(pos + 1) === LF ? '' : inElementText ? '\n' : ' ';
      return pos + 1;
    }
    decoded.text = ' ';
    return pos + 1;
  }

  /** Quotes up to a few characters at `pos` for an error message. */
  snippet(pos: number = this.pos): string {
    return quoteForError(this.src.slice(pos, Math.min(pos + 12, this.src.length)));
  }
}
