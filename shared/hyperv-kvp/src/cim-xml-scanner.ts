import type { InstanceSink } from './cim-xml-compact.js';
import { CANONICAL_INSTANCE_TAG, scanCompactInstance } from './cim-xml-compact.js';
import { KVP_DATA_ITEM_CLASS, KVP_MAX_ATTRIBUTES_PER_ELEMENT } from './constants.js';
import { quoteForError } from './errors.js';
import { isXmlWhitespace, LT, type XmlCursor } from './xml-cursor.js';

/**
 * The structure of one DMTF CIM-XML embedded instance, as Hyper-V emits Msvm_KvpExchangeDataItem:
 * `INSTANCE > PROPERTY* > VALUE?`, nothing else. The nesting is fixed, so the scanner is three nested
 * loops, not a recursive descent: depth can never grow with the input.
 */

export type { InstanceSink } from './cim-xml-compact.js';

type Tag = 'INSTANCE' | 'PROPERTY' | 'VALUE' | 'END';

/**
 * Start tags exactly as Microsoft's GetText(CimDtd20) writes them. They are well-formed and carry
 * only known attributes, so matching them whole is the same as parsing them; anything that differs
 * by a character takes the general path.
 */
const PROPERTY_TAG_PREFIX = '<PROPERTY NAME="';

interface CanonicalProperty {
  readonly name: string;
  /** The whole start tag; for an empty property, the end tag too. */
  readonly tag: string;
  readonly empty: boolean;
}

function canonical(name: string, attributes: string, empty: boolean): CanonicalProperty {
  const tag = `${PROPERTY_TAG_PREFIX}${name}"${attributes}>${empty ? '</PROPERTY>' : ''}`;
  return Object.freeze({ name, tag, empty });
}

const CANONICAL_DATA = canonical('Data', ' TYPE="string"', false);
const CANONICAL_NAME = canonical('Name', ' TYPE="string"', false);
const CANONICAL_SOURCE = canonical('Source', ' TYPE="uint16"', false);
const CANONICAL_CAPTION = canonical('Caption', ' PROPAGATED="true" TYPE="string"', true);
const CANONICAL_DESCRIPTION = canonical('Description', ' PROPAGATED="true" TYPE="string"', true);
const CANONICAL_ELEMENT_NAME = canonical('ElementName', ' PROPAGATED="true" TYPE="string"', true);

/** The only canonical property a NAME value can be, by its first two characters. */
function canonicalByFirstUnit(first: number, second: number): CanonicalProperty | undefined {
  switch (first) {
    case 0x44: // D
      return second === 0x61 ? CANONICAL_DATA : CANONICAL_DESCRIPTION;
    case 0x4e: // N
      return CANONICAL_NAME;
    case 0x53: // S
      return CANONICAL_SOURCE;
    case 0x43: // C
      return CANONICAL_CAPTION;
    case 0x45: // E
      return CANONICAL_ELEMENT_NAME;
    default:
      return undefined;
  }
}
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

export class InstanceScanner {
  private readonly cursor: XmlCursor;
  /** Value of the one attribute the current element cares about (CLASSNAME or NAME). */
  private wantedValue: string | null = null;
  private readonly attributeNames: string[] = [];

  constructor(cursor: XmlCursor) {
    this.cursor = cursor;
  }

  /** Scans one `<INSTANCE>` starting at the cursor (which sits on '<'); leaves it after the end tag. */
  scanInstance(sink: InstanceSink): void {
    const cursor = this.cursor;
    const offset = cursor.pos;
    if (scanCompactInstance(cursor, sink)) return;
    if (cursor.literalAt(CANONICAL_INSTANCE_TAG)) {
      cursor.pos += CANONICAL_INSTANCE_TAG.length;
      sink.instance(KVP_DATA_ITEM_CLASS, offset);
    } else {
      const tag = this.readTag(false);
      if (tag !== 'INSTANCE') this.misplaced(tag, 'the start of the item', '<INSTANCE>', offset);
      const selfClosing = this.readAttributes('CLASSNAME');
      sink.instance(this.wantedValue, offset);
      if (selfClosing) return;
    }
    for (;;) {
      this.skipToMarkup('<INSTANCE>');
      const childOffset = cursor.pos;
      if (this.cursor.literalAt('</INSTANCE>')) {
        cursor.pos += '</INSTANCE>'.length;
        return;
      }
      const canonical = this.canonicalPropertyAt();
      if (canonical !== undefined) {
        cursor.pos += canonical.tag.length;
        if (canonical.empty) sink.property(canonical.name, null, childOffset, childOffset);
        else this.propertyContent(sink, canonical.name, childOffset);
        continue;
      }
      const child = this.readTag(false);
      if (child === 'END') {
        this.readEndTag('INSTANCE', childOffset);
        return;
      }
      if (child !== 'PROPERTY') this.misplaced(child, '<INSTANCE>', '<PROPERTY>', childOffset);
      this.scanProperty(sink, childOffset);
    }
  }

  /** The canonical PROPERTY start tag at the cursor (Microsoft's exact output), if it is one. */
  private canonicalPropertyAt(): CanonicalProperty | undefined {
    const cursor = this.cursor;
    const src = cursor.src;
    const nameAt = cursor.pos + PROPERTY_TAG_PREFIX.length;
    const candidate = canonicalByFirstUnit(src.charCodeAt(nameAt), src.charCodeAt(nameAt + 1));
    return candidate !== undefined && this.cursor.literalAt(candidate.tag) ? candidate : undefined;
  }

  private scanProperty(sink: InstanceSink, offset: number): void {
    const selfClosing = this.readAttributes('NAME');
    const name = this.wantedValue;
    if (name === null) {
      throw this.cursor.error(
        'MALFORMED_XML',
        '<PROPERTY> has no NAME attribute; expected NAME="..."',
        offset,
      );
    }
    if (selfClosing) {
      sink.property(name, null, offset, offset);
      return;
    }
    this.propertyContent(sink, name, offset);
  }

  /** Reads what follows a PROPERTY start tag: whitespace, at most one VALUE, the end tag. */
  private propertyContent(sink: InstanceSink, name: string, offset: number): void {
    const cursor = this.cursor;
    let value: string | null = null;
    let valueOffset = offset;
    for (;;) {
      this.skipToMarkup('<PROPERTY>');
      const childOffset = cursor.pos;
      if (this.cursor.literalAt('</PROPERTY>')) {
        cursor.pos += '</PROPERTY>'.length;
        sink.property(name, value, valueOffset, offset);
        return;
      }
      const fast = this.cursor.literalAt('<VALUE>');
      const child = fast ? 'VALUE' : this.readTag(false);
      if (child === 'END') {
        this.readEndTag('PROPERTY', childOffset);
        sink.property(name, value, valueOffset, offset);
        return;
      }
      if (child !== 'VALUE') this.misplaced(child, '<PROPERTY>', '<VALUE>', childOffset);
      if (value !== null) {
        throw cursor.error(
          'MALFORMED_XML',
          `property ${quoteForError(name)} has a second <VALUE>; expected one`,
          childOffset,
        );
      }
      valueOffset = childOffset;
      if (fast) cursor.pos += '<VALUE>'.length;
      value = fast || !this.readAttributes(null) ? this.valueContent() : '';
    }
  }

  /** Reads the text of a VALUE and its end tag. */
  private valueContent(): string {
    const cursor = this.cursor;
    const text = cursor.readText(LT);
    if (this.cursor.literalAt('</VALUE>')) {
      cursor.pos += '</VALUE>'.length;
      return text;
    }
    const closeOffset = cursor.pos;
    if (this.readTag(true) !== 'END') throw cursor.error('MALFORMED_XML', 'expected </VALUE>', closeOffset);
    this.readEndTag('VALUE', closeOffset);
    return text;
  }

  /** Skips whitespace up to the next '<'; any other text here is outside VALUE and refused. */
  private skipToMarkup(context: string): void {
    const cursor = this.cursor;
    cursor.skipWhitespace();
    if (cursor.pos >= cursor.end) throw cursor.endOfInputError(context);
    const unit = cursor.src.charCodeAt(cursor.pos);
    if (unit === LT) return;
    if (unit === 0)
      throw cursor.error('NUL_CHARACTER', `U+0000 inside ${context}; expected no NUL characters`);
    throw cursor.error(
      'TEXT_OUTSIDE_VALUE',
      `text ${cursor.snippet()} inside ${context} outside <VALUE>; only whitespace may separate elements`,
    );
  }

  /**
   * Reads `<NAME` (or `</` for an end tag) at the cursor. Refuses declarations, CDATA, comments and
   * processing instructions, unknown elements, and inside VALUE any element at all.
   */
  private readTag(insideValue: boolean): Tag {
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

  private misplaced(tag: Tag, context: string, expected: string, offset: number): never {
    const found = tag === 'END' ? 'an end tag' : `<${tag}>`;
    throw this.cursor.error('MALFORMED_XML', `${found} at ${context}; expected ${expected}`, offset);
  }

  /** Reads `NAME ws* >` after `</`; the cursor then sits after '>'. */
  private readEndTag(expected: string, offset: number): void {
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
  private readAttributes(wanted: string | null): boolean {
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
