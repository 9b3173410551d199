import { scanCompactInstance } from './cim-xml-compact.js';
import { InstanceScanner } from './cim-xml-scanner.js';
import { KVP_MAX_ITEM_XML_CHARS } from './constants.js';
import { KvpError } from './errors.js';
import type { KvpItem } from './item.js';
import { KvpItemCollector } from './kvp-item-collector.js';
import { LT, XmlCursor } from './xml-cursor.js';

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

  /** Decodes the instance starting at the cursor (on its '<'); throws KvpError for a bad one. */
  decodeInstance(itemIndex: number | null): KvpItem {
    const collector = this.collector;
    this.cursor.beginItem(this.cursor.pos, itemIndex);
    // The compact layouts report everything toItem reads, so only the general path needs a reset.
    if (!scanCompactInstance(this.cursor, collector)) {
      collector.reset();
      this.scanner.scanInstance(collector);
    }
    return collector.toItem();
  }

  /** Decodes `xml` as exactly one instance, whitespace around it allowed. */
  decodeOne(xml: string, itemIndex: number | null): KvpItem {
    const cursor = this.cursor;
    cursor.reset(xml);
    cursor.itemIndex = itemIndex;
    // Most items start with their tag and end with their end tag: skip the general checks then.
    if (xml.charCodeAt(0) !== LT && !this.skipToNextInstance(itemIndex)) {
      throw cursor.error('MALFORMED_XML', 'no <INSTANCE> element; expected one embedded instance', 0);
    }
    const item = this.decodeInstance(itemIndex);
    if (cursor.pos === xml.length) return item;
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
