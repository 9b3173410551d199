import { KVP_DATA_ITEM_CLASS } from './constants.js';
import { LT, type XmlCursor } from './xml-cursor.js';

/**
 * Fast path for the two compact layouts producers write: Data, Name and Source properties with TYPE
 * attributes and no whitespace, with or without WMI's empty Caption/Description/ElementName
 * properties (UNCONFIRMED which one a given Windows build's GetText emits, so both; the indented
 * layout of the documentation takes the general path). A layout is matched as four literals around three texts, and the
 * texts are read by the same validating reader as everywhere else, so nothing goes unchecked. Any
 * difference sends the item back to the general scanner from its start: a character is read at most
 * twice, and an error raised in a text here is the one the general scanner would raise there.
 */

/** Receives what the scanner finds; the decoder gives it meaning. */
export interface InstanceSink {
  /** The INSTANCE start tag; `className` is null when the CLASSNAME attribute is absent. */
  instance(className: string | null, offset: number): void;
  /**
   * One PROPERTY; `value` is null when it has no VALUE child (CIM's NULL). `valueOffset` is where the
   * VALUE starts (the PROPERTY's offset when there is none), `propertyOffset` where the PROPERTY does.
   */
  property(name: string, value: string | null, valueOffset: number, propertyOffset: number): void;
  /**
   * A whole compact-layout instance at once (Msvm_KvpExchangeDataItem, one Data, Name and Source,
   * each with a VALUE), with the offsets of the three VALUE tags; the same as the calls above.
   */
  compact(data: string, name: string, source: string, valueOffsets: readonly number[], start: number): void;
}

/** The INSTANCE start tag exactly as WMI writes it. */
export const CANONICAL_INSTANCE_TAG = `<INSTANCE CLASSNAME="${KVP_DATA_ITEM_CLASS}">`;
const EMPTY_PROPERTY = (name: string) =>
  `<PROPERTY NAME="${name}" PROPAGATED="true" TYPE="string"></PROPERTY>`;
const VALUE_END = '</VALUE></PROPERTY>';
const VALUE_TAG = '<VALUE>';
const SOURCE_DIGITS = ['0', '1', '2', '3', '4'] as const;

/** The literals around Data, Name and Source in one compact layout. */
interface CompactLayout {
  readonly beforeData: string;
  readonly beforeName: string;
  readonly beforeSource: string;
  readonly afterSource: string;
  /** `beforeSource + digit + afterSource` for the digits 0..4: the usual end, matched in one go. */
  readonly endings: readonly string[];
  /** Distance from each property's `<PROPERTY` to its `<VALUE>`, for error offsets. */
  readonly dataValueAfterProperty: number;
  readonly nameValueAfterProperty: number;
  readonly sourceValueAfterProperty: number;
}

function layout(
  beforeData: string,
  beforeName: string,
  beforeSource: string,
  afterSource: string,
): CompactLayout {
  const valueAfterProperty = (literal: string) =>
    literal.length - VALUE_TAG.length - literal.lastIndexOf('<PROPERTY');
  return Object.freeze({
    beforeData,
    beforeName,
    beforeSource,
    afterSource,
    endings: Object.freeze(SOURCE_DIGITS.map((digit) => `${beforeSource}${digit}${afterSource}`)),
    dataValueAfterProperty: valueAfterProperty(beforeData),
    nameValueAfterProperty: valueAfterProperty(beforeName),
    sourceValueAfterProperty: valueAfterProperty(beforeSource),
  });
}

/** Microsoft's sample and encodeKvpItem (which writes exactly these literals): only Data, Name, Source. */
export const MINIMAL_LAYOUT = layout(
  `${CANONICAL_INSTANCE_TAG}<PROPERTY NAME="Data" TYPE="string"><VALUE>`,
  `${VALUE_END}<PROPERTY NAME="Name" TYPE="string"><VALUE>`,
  `${VALUE_END}<PROPERTY NAME="Source" TYPE="uint16"><VALUE>`,
  `${VALUE_END}</INSTANCE>`,
);

/** WMI's GetText(CimDtd20) of a whole instance: the inherited Caption/Description/ElementName too. */
const FULL_LAYOUT = layout(
  `${CANONICAL_INSTANCE_TAG}${EMPTY_PROPERTY('Caption')}<PROPERTY NAME="Data" TYPE="string"><VALUE>`,
  `${VALUE_END}${EMPTY_PROPERTY('Description')}${EMPTY_PROPERTY('ElementName')}<PROPERTY NAME="Name" TYPE="string"><VALUE>`,
  `${VALUE_END}<PROPERTY NAME="Source" TYPE="uint16"><VALUE>`,
  `${VALUE_END}</INSTANCE>`,
);

/**
 * Reads `literal` (which ends with `<VALUE>`) then the text after it, up to '<'; null with the cursor
 * unchanged when `literal` is not there. `offsets[slot]` gets the position of that `<VALUE>` tag.
 */
function textAfter(cursor: XmlCursor, literal: string, offsets: number[], slot: number): string | null {
  if (!cursor.literalAt(literal)) return null;
  cursor.pos += literal.length;
  offsets[slot] = cursor.pos - VALUE_TAG.length;
  return cursor.readText(LT);
}

/** The layout the item at `start` can only be, from the first property's name ('C'aption or 'D'ata). */
function layoutAt(cursor: XmlCursor, start: number): CompactLayout {
  const firstNameAt = start + CANONICAL_INSTANCE_TAG.length + '<PROPERTY NAME="'.length;
  return cursor.src.charCodeAt(firstNameAt) === 0x43 ? FULL_LAYOUT : MINIMAL_LAYOUT;
}

/**
 * Scans the item at the cursor if it has one of the compact layouts: reports it to `sink`, leaves
 * the cursor after `</INSTANCE>` and returns true. Otherwise returns false with the cursor where it was.
 */
export function scanCompactInstance(cursor: XmlCursor, sink: InstanceSink): boolean {
  const start = cursor.pos;
  const layout = layoutAt(cursor, start);
  const offsets = valueOffsets;
  const data = textAfter(cursor, layout.beforeData, offsets, 0);
  const name = data === null ? null : textAfter(cursor, layout.beforeName, offsets, 1);
  const source = name === null ? null : sourceAndEnd(cursor, layout, offsets);
  if (source === null || data === null || name === null) {
    cursor.pos = start;
    return false;
  }
  sink.compact(data, name, source, offsets, start);
  return true;
}

/**
 * Reads the Source property and the end of the instance: one literal for the usual single digit,
 * otherwise the Source text and the closing literal separately. Null (cursor moved) if neither fits.
 */
function sourceAndEnd(cursor: XmlCursor, layout: CompactLayout, offsets: number[]): string | null {
  const digit = cursor.src.charCodeAt(cursor.pos + layout.beforeSource.length) - 0x30;
  const ending = layout.endings[digit];
  if (ending !== undefined && cursor.literalAt(ending)) {
    offsets[2] = cursor.pos + layout.beforeSource.length - VALUE_TAG.length;
    cursor.pos += ending.length;
    return SOURCE_DIGITS[digit] ?? null;
  }
  const source = textAfter(cursor, layout.beforeSource, offsets, 2);
  if (source === null || !cursor.literalAt(layout.afterSource)) return null;
  cursor.pos += layout.afterSource.length;
  return source;
}

/** Reused scratch space for the three VALUE offsets (decoding is synchronous and not re-entrant). */
const valueOffsets: number[] = [0, 0, 0];

/**
 * Start tags exactly as Microsoft's GetText(CimDtd20) writes them. They are well-formed and carry
 * only known attributes, so matching them whole is the same as parsing them; anything that differs
 * by a character takes the general path.
 */
const PROPERTY_TAG_PREFIX = '<PROPERTY NAME="';

export interface CanonicalProperty {
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
/** The canonical PROPERTY tag at the cursor (Microsoft's exact output), if it is one. */
export function canonicalPropertyAt(cursor: XmlCursor): CanonicalProperty | undefined {
  const src = cursor.src;
  const nameAt = cursor.pos + PROPERTY_TAG_PREFIX.length;
  const candidate = canonicalByFirstUnit(src.charCodeAt(nameAt), src.charCodeAt(nameAt + 1));
  return candidate !== undefined && cursor.literalAt(candidate.tag) ? candidate : undefined;
}
