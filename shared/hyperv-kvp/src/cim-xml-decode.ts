import { InstanceScanner, type InstanceSink } from './cim-xml-scanner.js';
import {
  KVP_DATA_ITEM_CLASS,
  KVP_MAX_ITEM_XML_CHARS,
  KVP_MAX_PROPERTIES_PER_INSTANCE,
  KVP_WIRE_MAX_KEY_UNITS,
} from './constants.js';
import { KvpError, quoteForError } from './errors.js';
import { type KvpItem, type KvpSource, makeItem } from './item.js';
import { wireMaxValueUnits } from './limits.js';
import { isXmlWhitespace, LT, XmlCursor } from './xml-cursor.js';

/**
 * Decoding of Msvm_KvpExchangeDataItem embedded instances (GuestIntrinsicExchangeItems,
 * GuestExchangeItems, HostExchangeItems). Properties are found by NAME, never by position. Decisions:
 * - CIM names are case-insensitive (DSP0004), so property NAMEs and the CLASSNAME compare ASCII
 *   case-insensitively; "Name" and "NAME" in one instance are duplicates.
 * - Unknown properties are tolerated (CIM allows subclasses to add some), up to
 *   KVP_MAX_PROPERTIES_PER_INSTANCE in total.
 * - A PROPERTY without VALUE is CIM's NULL: Data becomes "", Name and Source count as missing.
 *   A missing Data property is treated the same way (RemoveKvpItems only needs the key).
 * - A missing Source is refused rather than defaulted: the caller must know which pool an item is in.
 * - Source is an integer 0..4 written as one digit; surrounding XML whitespace is ignored, signs and
 *   leading zeros are refused.
 * - Anything starting with `<?`, the XML declaration included, is refused: WMI's GetText output has
 *   none, and accepting it would mean parsing encoding declarations we cannot honour on a JS string.
 */

/** Bit per known property, for duplicate detection without allocating. */
const KNOWN_PROPERTIES: Readonly<Record<string, number>> = Object.freeze({
  name: 1,
  data: 2,
  source: 4,
  caption: 8,
  description: 16,
  elementname: 32,
  instanceid: 64,
});

function asciiLower(text: string): string {
  let lower = '';
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    lower += unit >= 0x41 && unit <= 0x5a ? String.fromCharCode(unit + 0x20) : text[i];
  }
  return lower;
}

function knownPropertyBit(name: string): number {
  switch (name) {
    case 'Name':
      return 1;
    case 'Data':
      return 2;
    case 'Source':
      return 4;
    case 'Caption':
      return 8;
    case 'Description':
      return 16;
    case 'ElementName':
      return 32;
    case 'InstanceID':
      return 64;
    default: {
      const lower = asciiLower(name);
      return Object.hasOwn(KNOWN_PROPERTIES, lower) ? (KNOWN_PROPERTIES[lower] ?? 0) : 0;
    }
  }
}

/** Parses the Source VALUE: one digit 0..4, XML whitespace around it ignored. */
function parseSource(text: string): KvpSource | null {
  let start = 0;
  let end = text.length;
  while (start < end && isXmlWhitespace(text.charCodeAt(start))) start++;
  while (end > start && isXmlWhitespace(text.charCodeAt(end - 1))) end--;
  if (end - start !== 1) return null;
  const digit = text.charCodeAt(start) - 0x30;
  return digit >= 0 && digit <= 4 ? (digit as KvpSource) : null;
}

class KvpItemCollector implements InstanceSink {
  private readonly cursor: XmlCursor;
  className: string | null = null;
  classOffset = 0;
  seen = 0;
  count = 0;
  name: string | null = null;
  nameOffset = 0;
  data: string | null = null;
  dataOffset = 0;
  source: string | null = null;
  sourceOffset = 0;
  private unknownNames: string[] | null = null;

  constructor(cursor: XmlCursor) {
    this.cursor = cursor;
  }

  reset(): void {
    this.nameOffset = -1;
    this.dataOffset = -1;
    this.sourceOffset = -1;
    this.className = null;
    this.seen = 0;
    this.count = 0;
    this.name = null;
    this.data = null;
    this.source = null;
    this.unknownNames = null;
  }

  instance(className: string | null, offset: number): void {
    this.className = className;
    this.classOffset = offset;
  }

  property(name: string, value: string | null, offset: number, propertyOffset: number): void {
    if (++this.count > KVP_MAX_PROPERTIES_PER_INSTANCE) {
      throw this.cursor.error(
        'TOO_LARGE',
        `more than ${KVP_MAX_PROPERTIES_PER_INSTANCE} properties in one instance`,
        propertyOffset,
      );
    }
    const bit = knownPropertyBit(name);
    if (bit === 0) {
      this.unknownProperty(name, propertyOffset);
      return;
    }
    if ((this.seen & bit) !== 0) this.duplicate(name, propertyOffset);
    this.seen |= bit;
    if (bit === 1) {
      this.name = value;
      this.nameOffset = offset;
    } else if (bit === 2) {
      this.data = value;
      this.dataOffset = offset;
    } else if (bit === 4) {
      this.source = value;
      this.sourceOffset = offset;
    }
  }

  private unknownProperty(name: string, offset: number): void {
    const lower = asciiLower(name);
    this.unknownNames ??= [];
    if (this.unknownNames.includes(lower)) this.duplicate(name, offset);
    this.unknownNames.push(lower);
  }

  private duplicate(name: string, offset: number): never {
    throw this.cursor.error(
      'DUPLICATE_PROPERTY',
      `property ${quoteForError(name)} appears twice; expected it once`,
      offset,
    );
  }

  /** Turns what was collected into a validated item. */
  toItem(): KvpItem {
    const cursor = this.cursor;
    const className = this.className;
    if (
      className === null ||
      (className !== KVP_DATA_ITEM_CLASS && asciiLower(className) !== 'msvm_kvpexchangedataitem')
    ) {
      const found = className === null ? 'no CLASSNAME' : `CLASSNAME ${quoteForError(className)}`;
      throw cursor.error(
        'WRONG_CLASS',
        `INSTANCE has ${found}; expected ${KVP_DATA_ITEM_CLASS}`,
        this.classOffset,
      );
    }
    const name = this.requireName();
    const source = this.requireSource();
    const data = this.data ?? '';
    const maxValueUnits = wireMaxValueUnits(source);
    if (data.length > maxValueUnits) {
      throw cursor.error(
        'VALUE_TOO_LONG',
        `Data is ${data.length} UTF-16 units, expected at most ${maxValueUnits} (wire limit)`,
        this.dataOffset,
      );
    }
    return makeItem(name, data, source);
  }

  /** A property's offset, or the instance's when the property is absent. */
  private at(offset: number): number {
    return offset < 0 ? this.classOffset : offset;
  }

  private requireName(): string {
    const name = this.name;
    if (name === null) {
      const what = (this.seen & 1) === 0 ? 'no Name property' : 'a Name property without VALUE';
      throw this.cursor.error(
        'MISSING_PROPERTY',
        `instance has ${what}; expected the key`,
        this.at(this.nameOffset),
      );
    }
    if (name.length === 0)
      throw this.cursor.error('EMPTY_KEY', 'Name is empty; expected a non-empty key', this.nameOffset);
    if (name.length > KVP_WIRE_MAX_KEY_UNITS) {
      throw this.cursor.error(
        'KEY_TOO_LONG',
        `Name is ${name.length} UTF-16 units, expected at most ${KVP_WIRE_MAX_KEY_UNITS} (wire limit)`,
        this.nameOffset,
      );
    }
    return name;
  }

  private requireSource(): KvpSource {
    const text = this.source;
    if (text === null) {
      const what = (this.seen & 4) === 0 ? 'no Source property' : 'a Source property without VALUE';
      throw this.cursor.error(
        'MISSING_PROPERTY',
        `instance has ${what}; expected an integer 0..4`,
        this.at(this.sourceOffset),
      );
    }
    const source = parseSource(text);
    if (source === null) {
      throw this.cursor.error(
        'INVALID_SOURCE',
        `Source is ${quoteForError(text)}, expected an integer 0..4`,
        this.sourceOffset,
      );
    }
    return source;
  }
}

/**
 * The decoding machinery, reused across inputs: decoding is synchronous and never calls out, so one
 * instance serves every call and no call allocates a fresh cursor, scanner and collector.
 */
class Decoder {
  readonly cursor = new XmlCursor();
  private readonly scanner = new InstanceScanner(this.cursor);
  private readonly collector = new KvpItemCollector(this.cursor);

  /** Skips an optional byte order mark and whitespace; true when an element starts there. */
  skipToNextInstance(itemIndex: number | null): boolean {
    const cursor = this.cursor;
    cursor.releaseCap();
    cursor.itemIndex = itemIndex;
    if (cursor.pos === 0 && cursor.src.charCodeAt(0) === 0xfeff) cursor.pos = 1;
    cursor.skipWhitespace();
    if (cursor.pos >= cursor.end) return false;
    const unit = cursor.src.charCodeAt(cursor.pos);
    if (unit === LT) return true;
    if (unit === 0)
      throw cursor.error('NUL_CHARACTER', 'U+0000 between instances; expected no NUL characters');
    throw cursor.error(
      'TEXT_OUTSIDE_VALUE',
      `text ${cursor.snippet()} outside any element; expected <INSTANCE>`,
    );
  }

  decodeInstance(itemIndex: number | null): KvpItem {
    this.cursor.beginItem(this.cursor.pos, itemIndex);
    this.collector.reset();
    this.scanner.scanInstance(this.collector);
    return this.collector.toItem();
  }

  /** Decodes `xml` as exactly one instance, whitespace around it allowed. */
  decodeOne(xml: string, itemIndex: number | null): KvpItem {
    const cursor = this.cursor;
    cursor.reset(xml);
    if (!this.skipToNextInstance(itemIndex)) {
      throw cursor.error('MALFORMED_XML', 'no <INSTANCE> element; expected one embedded instance', 0);
    }
    const item = this.decodeInstance(itemIndex);
    cursor.releaseCap();
    cursor.skipWhitespace();
    if (cursor.pos < xml.length) {
      throw cursor.error(
        'MALFORMED_XML',
        `content after </INSTANCE>: ${cursor.snippet()}; expected one instance`,
      );
    }
    return item;
  }

  /** Drops the reference to the last input so a large string is not kept alive. */
  release(): void {
    this.cursor.reset('');
  }
}

const sharedDecoder = new Decoder();

function checkItemSize(xml: string, itemIndex: number | null): void {
  if (xml.length > KVP_MAX_ITEM_XML_CHARS) {
    throw new KvpError(
      'TOO_LARGE',
      `item is ${xml.length} UTF-16 units of XML, expected at most ${KVP_MAX_ITEM_XML_CHARS}`,
      {
        itemIndex,
        offset: KVP_MAX_ITEM_XML_CHARS,
      },
    );
  }
}

/**
 * Decodes one embedded instance (one element of GuestIntrinsicExchangeItems, GuestExchangeItems or
 * HostExchangeItems). Returns an item whose key and value are within the wire limits. Throws
 * KvpError (carrying `itemIndex` when given, and the offset) for anything else: see KvpErrorCode.
 */
export function decodeKvpItem(xml: string, itemIndex: number | null = null): KvpItem {
  checkItemSize(xml, itemIndex);
  try {
    return sharedDecoder.decodeOne(xml, itemIndex);
  } finally {
    sharedDecoder.release();
  }
}

/**
 * Decodes an array of embedded instances, as WMI returns the KVP properties. Returns one item
 * per element, in order. Throws the first KvpError met, with `itemIndex` set to the failing element.
 */
export function decodeKvpItems(xmls: readonly string[]): KvpItem[] {
  const items: KvpItem[] = new Array(xmls.length);
  try {
    for (let i = 0; i < xmls.length; i++) {
      const xml = xmls[i] as string;
      checkItemSize(xml, i);
      items[i] = sharedDecoder.decodeOne(xml, i);
    }
  } finally {
    sharedDecoder.release();
  }
  return items;
}

/**
 * Decodes text holding zero or more `<INSTANCE>` elements back to back (whitespace between), as a
 * user pastes raw XML. Returns the items in order (empty for blank text). Throws KvpError with
 * `itemIndex` = the instance's position in the text and `offset` into the whole text.
 */
export function decodeKvpInstanceList(text: string): KvpItem[] {
  const items: KvpItem[] = [];
  sharedDecoder.cursor.reset(text);
  try {
    while (sharedDecoder.skipToNextInstance(items.length))
      items.push(sharedDecoder.decodeInstance(items.length));
  } finally {
    sharedDecoder.release();
  }
  return items;
}
