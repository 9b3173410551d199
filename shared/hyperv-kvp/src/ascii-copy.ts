import { KVP_MAX_ITEM_XML_CHARS } from './constants.js';

/**
 * A byte copy of an all-ASCII input, so the text scanner reads a typed array instead of calling
 * charCodeAt per character (about three times faster in V8: no string-shape dispatch per read), and
 * text with references is rebuilt in a byte buffer and turned into one flat string by a single
 * native decode, instead of a chain of intermediate strings. Only ASCII qualifies: then a byte's
 * index is the UTF-16 index, so offsets in errors and slices of the source are unchanged. Anything
 * else (non-ASCII, or longer than one item may be) keeps reading the string itself.
 */

const encoder = new TextEncoder();
/** ASCII bytes are valid UTF-8 and decode to the same characters (no BOM can be among them). */
const decoder = new TextDecoder('utf-8', { ignoreBOM: true });

/** The byte buffers of one cursor: reused for every input it reads, one input at a time. */
export class AsciiCopy {
  /** One spare byte, so reading the position at `end` stays in bounds. */
  private readonly input = new Uint8Array(KVP_MAX_ITEM_XML_CHARS + 1);
  private readonly output = new Uint8Array(KVP_MAX_ITEM_XML_CHARS);

  /** The bytes of `src` when it is all ASCII and fits one item, else null; valid until the next call. */
  of(src: string): Uint8Array | null {
    if (src.length > KVP_MAX_ITEM_XML_CHARS) return null;
    const { read, written } = encoder.encodeInto(src, this.input);
    // Every non-ASCII character (a lone surrogate too) takes more than one byte.
    return read === src.length && written === read ? this.input : null;
  }

  /**
   * The text at [start, end) of an ASCII input (`bytes` from `of`) that has been validated and whose
   * only references are the five predefined entities, with those expanded: one flat string, no
   * intermediate copies.
   */
  expandNamedEntities(bytes: Uint8Array, start: number, end: number): string {
    const out = this.output;
    let length = 0;
    for (let pos = start; pos < end; ) {
      const unit = bytes[pos] as number;
      if (unit !== 0x26) {
        out[length++] = unit;
        pos++;
        continue;
      }
      // Validated: this is &lt; &gt; &quot; &amp; or &apos;, told apart by their next letters.
      const first = bytes[pos + 1];
      if (first === 0x6c || first === 0x67) {
        out[length++] = first === 0x6c ? 0x3c : 0x3e;
        pos += 4;
      } else if (first === 0x71) {
        out[length++] = 0x22;
        pos += 6;
      } else if (bytes[pos + 2] === 0x6d) {
        out[length++] = 0x26;
        pos += 5;
      } else {
        out[length++] = 0x27;
        pos += 6;
      }
    }
    return decoder.decode(out.subarray(0, length));
  }
}
