import { CANONICAL_INSTANCE_TAG, canonicalPropertyAt, type InstanceSink } from './cim-xml-compact.js';
import { type Tag, TagReader } from './cim-xml-tags.js';
import { KVP_DATA_ITEM_CLASS } from './constants.js';
import { quoteForError } from './errors.js';
import { LT, type XmlCursor } from './xml-cursor.js';

/**
 * The structure of one DMTF CIM-XML embedded instance, as Hyper-V emits Msvm_KvpExchangeDataItem:
 * `INSTANCE > PROPERTY* > VALUE?`, nothing else. The nesting is fixed, so the scanner is three nested
 * loops, not a recursive descent: depth can never grow with the input.
 */

export type { InstanceSink } from './cim-xml-compact.js';

/** Scans one INSTANCE at a time into an InstanceSink; holds no state between instances. */
export class InstanceScanner {
  private readonly cursor: XmlCursor;
  private readonly tags: TagReader;

  constructor(cursor: XmlCursor) {
    this.cursor = cursor;
    this.tags = new TagReader(cursor);
  }

  /**
   * Scans one `<INSTANCE>` in any layout, starting at the cursor (which sits on '<'); leaves the
   * cursor after the end tag. Callers try scanCompactInstance first: it is faster when it applies.
   */
  scanInstance(sink: InstanceSink): void {
    const cursor = this.cursor;
    const offset = cursor.pos;
    if (cursor.literalAt(CANONICAL_INSTANCE_TAG)) {
      cursor.pos += CANONICAL_INSTANCE_TAG.length;
      sink.instance(KVP_DATA_ITEM_CLASS, offset);
    } else {
      const tag = this.tags.readTag(false);
      if (tag !== 'INSTANCE') this.misplaced(tag, 'the start of the item', '<INSTANCE>', offset);
      const selfClosing = this.tags.readAttributes('CLASSNAME');
      sink.instance(this.tags.wantedValue, offset);
      if (selfClosing) return;
    }
    for (;;) {
      this.skipToMarkup('<INSTANCE>');
      const childOffset = cursor.pos;
      if (this.cursor.literalAt('</INSTANCE>')) {
        cursor.pos += '</INSTANCE>'.length;
        return;
      }
      const canonical = canonicalPropertyAt(cursor);
      if (canonical !== undefined) {
        cursor.pos += canonical.tag.length;
        if (canonical.empty) sink.property(canonical.name, null, childOffset, childOffset);
        else this.propertyContent(sink, canonical.name, childOffset);
        continue;
      }
      const child = this.tags.readTag(false);
      if (child === 'END') {
        this.tags.readEndTag('INSTANCE', childOffset);
        return;
      }
      if (child !== 'PROPERTY') this.misplaced(child, '<INSTANCE>', '<PROPERTY>', childOffset);
      this.scanProperty(sink, childOffset);
    }
  }

  private scanProperty(sink: InstanceSink, offset: number): void {
    const selfClosing = this.tags.readAttributes('NAME');
    const name = this.tags.wantedValue;
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
      const child = fast ? 'VALUE' : this.tags.readTag(false);
      if (child === 'END') {
        this.tags.readEndTag('PROPERTY', childOffset);
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
      value = fast || !this.tags.readAttributes(null) ? this.valueContent() : '';
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
    if (this.tags.readTag(true) !== 'END')
      throw cursor.error('MALFORMED_XML', 'expected </VALUE>', closeOffset);
    this.tags.readEndTag('VALUE', closeOffset);
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

  private misplaced(tag: Tag, context: string, expected: string, offset: number): never {
    const found = tag === 'END' ? 'an end tag' : `<${tag}>`;
    throw this.cursor.error('MALFORMED_XML', `${found} at ${context}; expected ${expected}`, offset);
  }
}
