import type { InstanceSink } from './cim-xml-compact.js';
import { KVP_DATA_ITEM_CLASS, KVP_MAX_PROPERTIES_PER_INSTANCE, KVP_WIRE_MAX_KEY_UNITS } from './constants.js';
import { quoteForError } from './errors.js';
import { type KvpItem, type KvpSource, makeItem } from './item.js';
import { wireMaxValueUnits } from './limits.js';
import { isXmlWhitespace, type XmlCursor } from './xml-cursor.js';

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

/** The `seen` bits of Name, Data and Source (see knownPropertyBit). */
const SEEN_DATA_NAME_SOURCE = 1 | 2 | 4;

/** Gives meaning to what the scanner reports: finds Name, Data and Source by NAME and validates them. */
export class KvpItemCollector implements InstanceSink {
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

  /** Forgets the previous instance; called before each one. */
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

  compact(data: string, name: string, source: string, valueOffsets: readonly number[], start: number): void {
    this.className = KVP_DATA_ITEM_CLASS;
    this.classOffset = start;
    this.seen = SEEN_DATA_NAME_SOURCE;
    this.data = data;
    this.dataOffset = valueOffsets[0] as number;
    this.name = name;
    this.nameOffset = valueOffsets[1] as number;
    this.source = source;
    this.sourceOffset = valueOffsets[2] as number;
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
