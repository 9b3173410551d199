import fc from 'fast-check';
import { decodeKvpInstanceList, decodeKvpItem, KvpError, type KvpItem } from 'hyperv-kvp';
import { describe, expect, it } from 'vitest';
import { AsciiCopy } from '../../../shared/hyperv-kvp/src/ascii-copy.js';
import { rawInstance } from './fixture-files.js';

/**
 * An all-ASCII item is read from a byte copy; anything else from the string. Both readers must
 * decode the same text to the same item and refuse it with the same error.
 */

/** Pieces of element text: ordinary runs, every reference kind, and what the text rules refuse. */
const TEXT_PIECES = [
  'abc',
  '{"k":1}',
  ' ',
  '&quot;',
  '&amp;',
  '&lt;',
  '&gt;',
  '&apos;',
  '&#13;',
  '&#x41;',
  '&#233;',
  '&#0;',
  '&bogus;',
  '&',
  '&amp',
  '\r',
  '\r\n',
  '\n',
  '\t',
  '>',
  ']]>',
  ']]',
  '"',
  "'",
  '\u0001',
  '\u0000',
  '\u007f',
];

const asciiText = fc
  .array(fc.constantFrom(...TEXT_PIECES), { maxLength: 12 })
  .map((pieces) => pieces.join(''));

/** The same item followed by one with a non-ASCII key, which sends the whole input to the string reader. */
const NON_ASCII_TAIL = rawInstance('Schlüssel', 'v');

type Outcome = { item: KvpItem } | { code: string; offset: number | null; reason: string };

function outcome(decode: () => KvpItem): Outcome {
  try {
    return { item: decode() };
  } catch (error) {
    if (!(error instanceof KvpError)) throw error;
    return { code: error.code, offset: error.offset, reason: error.reason };
  }
}

function expectSameOnBothReaders(xml: string): void {
  const fromBytes = outcome(() => decodeKvpItem(xml));
  const fromString = outcome(() => decodeKvpInstanceList(`${xml}${NON_ASCII_TAIL}`)[0] as KvpItem);
  expect(fromBytes).toEqual(fromString);
}

describe('shared/hyperv-kvp/ascii-copy', () => {
  it('copies only inputs that are all ASCII and fit one item', () => {
    const copy = new AsciiCopy();
    expect(Array.from(copy.of('<a&>')?.subarray(0, 4) ?? [])).toEqual([0x3c, 0x61, 0x26, 0x3e]);
    expect(copy.of('caf\u00e9')).toBeNull();
    expect(copy.of('a\ud800b')).toBeNull();
    expect(copy.of('x'.repeat(64 * 1024 + 1))).toBeNull();
  });

  it('expands the five predefined entities of validated text into one string', () => {
    const copy = new AsciiCopy();
    const text = 'x&quot;a&amp;b&lt;c&gt;d&apos;y';
    const bytes = copy.of(`<V>${text}</V>`) as Uint8Array;
    expect(copy.expandNamedEntities(bytes, 3, 3 + text.length)).toBe(`x"a&b<c>d'y`);
  });

  it('decodes element text read from bytes exactly as from the string, errors included', () => {
    fc.assert(
      fc.property(asciiText, asciiText, (data, name) => {
        expectSameOnBothReaders(rawInstance(`K${name}`, data));
      }),
      { numRuns: 2000 },
    );
  });

  it('decodes attribute values read from bytes exactly as from the string, errors included', () => {
    const noQuote = asciiText.map((text) => text.replaceAll('"', ''));
    fc.assert(
      fc.property(noQuote, (value) => {
        const xml = rawInstance('K', 'v').replace(
          '<PROPERTY NAME="Data"',
          `<PROPERTY NAME="X${value}"></PROPERTY><PROPERTY NAME="Data"`,
        );
        expectSameOnBothReaders(xml);
      }),
      { numRuns: 1000 },
    );
  });
});
