import { KVP_MAX_ATTRIBUTES_PER_ELEMENT } from './constants.js';
import { isXmlWhitespace, type XmlCursor } from './xml-cursor.js';

/**
 * Tags of the CIM-XML subset: start tags with their attributes, end tags, and the markup that is
 * refused outright (declarations, CDATA, comments, processing instructions, unknown elements).
 */

export type Tag = 'INSTANCE' | 'PROPERTY' | 'VALUE' | 'END';

/** Most frequent first: an item has several PROPERTY and VALUE tags and one INSTANCE. */
const ELEMENTS = ['PROPERTY', 'VALUE', 'INSTANCE'] as const;

const GT = 0x3e;
const SLASH = 0x2f;
const BANG = 0x21;
const QUESTION = 0x3f;
const EQUALS = 0x3d;
const DOUBLE_QUOTE = 0x22;
const SINGLE_QUOTE = 0x27;

function isNameEnd(unit: number): boolean {
  return Number.isNaN(unit) || isXmlWhitespace(unit) || unit === GT || unit === SLASH;
}

function isAttributeNameUnit(unit: number): boolean {
  return (
    (unit >= 0x61 && unit <= 0x7a) ||
    (unit >= 0x41 && unit <= 0x5a) ||
    (unit >= 0x30 && unit <= 0x39) ||
    unit === 0x5f ||
    unit === 0x3a ||
    unit === 0x2e ||
    unit === 0x2d
  );
}

/** Reads tags at the cursor; remembers the one attribute value the caller asked for. */
export class TagReader {
  private readonly cursor: XmlCursor;
  /** Value of the one attribute the current element cares about (CLASSNAME or NAME), if present. */
  wantedValue: string | null = null;
  private readonly attributeNames: string[] = [];

  constructor(cursor: XmlCursor) {
    this.cursor = cursor;
  }

  /**
   * Reads `<NAME` (or `</` for an end tag) at the cursor. Refuses declarations, CDATA, comments and
   * processing instructions, unknown elements, and inside VALUE any element at all.
   */
  readTag(insideValue: boolean): Tag {
    const cursor = this.cursor;
    const src = cursor.src;
    const at = cursor.pos;
    if (at + 1 >= cursor.end) throw cursor.endOfInputError('a tag');
    const next = src.charCodeAt(at + 1);
    if (next === SLASH) {
      cursor.pos = at + 2;
      return 'END';
    }
    if (next === QUESTION) {
      throw cursor.error('FORBIDDEN_MARKUP', "processing instruction or XML declaration '<?' is not allowed");
    }
    if (next === BANG) this.forbiddenDeclaration(at);
    const element = this.matchElement(at + 1);
    if (insideValue) {
      const name = element ?? this.elementName(at + 1);
      throw cursor.error('TOO_DEEP', `element <${name}> inside <VALUE>; VALUE holds text only`, at);
    }
    if (element === undefined) {
      const name = this.elementName(at + 1);
      throw cursor.error(
        'UNKNOWN_ELEMENT',
        `unknown element <${name}>; expected INSTANCE, PROPERTY or VALUE`,
        at,
      );
    }
    cursor.pos = at + 1 + element.length;
    return element;
  }

  private matchElement(start: number): (typeof ELEMENTS)[number] | undefined {
    const src = this.cursor.src;
    for (const name of ELEMENTS) {
      if (src.startsWith(name, start) && isNameEnd(src.charCodeAt(start + name.length))) return name;
    }
    return undefined;
  }

  /** The element name at `start` for an error message: at most 40 characters, control characters escaped. */
  private elementName(start: number): string {
    const cursor = this.cursor;
    let pos = start;
    while (pos < cursor.end && pos - start < 40 && !isNameEnd(cursor.src.charCodeAt(pos))) pos++;
    if (pos >= cursor.end) throw cursor.endOfInputError('a tag');
    if (pos === start)
      throw cursor.error('MALFORMED_XML', "'<' is not followed by an element name", start - 1);
    return JSON.stringify(cursor.src.slice(start, pos)).slice(1, -1);
  }

  private forbiddenDeclaration(at: number): never {
    const src = this.cursor.src;
    const what = src.startsWith('<!--', at)
      ? 'comment'
      : src.startsWith('<![CDATA[', at)
        ? 'CDATA section'
        : src.startsWith('<!DOCTYPE', at)
          ? 'DOCTYPE declaration'
          : src.startsWith('<!ENTITY', at)
            ? 'ENTITY declaration'
            : "markup declaration '<!'";
    throw this.cursor.error(
      'FORBIDDEN_MARKUP',
      `${what} is not allowed; expected only INSTANCE, PROPERTY and VALUE`,
    );
  }

  /** Reads `NAME ws* >` after `</`; the cursor then sits after '>'. */
  readEndTag(expected: string, offset: number): void {
    const cursor = this.cursor;
    const src = cursor.src;
    if (!src.startsWith(expected, cursor.pos) || !isNameEnd(src.charCodeAt(cursor.pos + expected.length))) {
      const found = this.elementName(cursor.pos);
      throw cursor.error('MALFORMED_XML', `end tag </${found}>; expected </${expected}>`, offset);
    }
    cursor.pos += expected.length;
    cursor.skipWhitespace();
    if (cursor.pos >= cursor.end) throw cursor.endOfInputError(`</${expected}>`);
    if (src.charCodeAt(cursor.pos) !== GT)
      throw cursor.error('MALFORMED_XML', `expected '>' to close </${expected}>`);
    cursor.pos++;
  }

  /**
   * Reads attributes up to '>' or '/>' and keeps the value of `wanted` in `wantedValue`. Unknown
   * attributes are tolerated (producers differ), duplicates are refused (XML well-formedness), and
   * there may be at most KVP_MAX_ATTRIBUTES_PER_ELEMENT. Returns true for a self-closing tag.
   */
  readAttributes(wanted: string | null): boolean {
    const cursor = this.cursor;
    const src = cursor.src;
    const names = this.attributeNames;
    names.length = 0;
    this.wantedValue = null;
    for (;;) {
      const spaced = cursor.skipWhitespace();
      if (cursor.pos >= cursor.end) throw cursor.endOfInputError('a start tag');
      const unit = src.charCodeAt(cursor.pos);
      if (unit === GT) {
        cursor.pos++;
        return false;
      }
      if (unit === SLASH) {
        if (src.charCodeAt(cursor.pos + 1) !== GT)
          throw cursor.error('MALFORMED_XML', "expected '>' after '/' in a tag");
        cursor.pos += 2;
        return true;
      }
      if (!spaced)
        throw cursor.error(
          'MALFORMED_XML',
          `expected whitespace, '>' or '/>' in a tag, found ${cursor.snippet()}`,
        );
      const name = this.readAttributeName();
      if (names.length >= KVP_MAX_ATTRIBUTES_PER_ELEMENT) {
        throw cursor.error(
          'TOO_LARGE',
          `more than ${KVP_MAX_ATTRIBUTES_PER_ELEMENT} attributes on one element`,
        );
      }
      if (names.includes(name))
        throw cursor.error('MALFORMED_XML', `attribute ${name} appears twice; expected it once`);
      names.push(name);
      const value = this.readAttributeValue();
      if (name === wanted) this.wantedValue = value;
    }
  }

  private readAttributeName(): string {
    const cursor = this.cursor;
    const start = cursor.pos;
    while (cursor.pos < cursor.end && isAttributeNameUnit(cursor.src.charCodeAt(cursor.pos))) cursor.pos++;
    if (cursor.pos === start) {
      throw cursor.error(
        'MALFORMED_XML',
        `expected an ASCII attribute name in a tag, found ${cursor.snippet()}`,
      );
    }
    return cursor.src.slice(start, cursor.pos);
  }

  private readAttributeValue(): string {
    const cursor = this.cursor;
    cursor.skipWhitespace();
    if (cursor.pos >= cursor.end) throw cursor.endOfInputError('a start tag');
    if (cursor.src.charCodeAt(cursor.pos) !== EQUALS)
      throw cursor.error('MALFORMED_XML', "expected '=' after an attribute name");
    cursor.pos++;
    cursor.skipWhitespace();
    if (cursor.pos >= cursor.end) throw cursor.endOfInputError('a start tag');
    const quote = cursor.src.charCodeAt(cursor.pos);
    if (quote !== DOUBLE_QUOTE && quote !== SINGLE_QUOTE) {
      throw cursor.error('MALFORMED_XML', 'expected a quoted attribute value');
    }
    cursor.pos++;
    const value = cursor.readText(quote);
    cursor.pos++;
    return value;
  }
}
