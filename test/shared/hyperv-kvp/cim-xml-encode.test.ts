import fc from 'fast-check';
import {
  decodeKvpItem,
  encodeKvpItem,
  encodeKvpRemoveItem,
  KVP_WIRE_MAX_KEY_UNITS,
  KVP_WIRE_MAX_VALUE_UNITS,
  type KvpSource,
} from 'hyperv-kvp';
import { describe, expect, it } from 'vitest';
import { expectKvpError, fixtureText, isItemText } from './fixture-files.js';

/** Text mixing arbitrary code points with the pieces that break naive encoders. */
const trickyText = fc
  .array(
    fc.oneof(
      fc.string({ unit: 'binary', maxLength: 12 }),
      fc.constantFrom(
        '&',
        '<',
        '>',
        '"',
        "'",
        '&amp;',
        '&lt;',
        '&#13;',
        ']]>',
        '\r',
        '\n',
        '\r\n',
        '\t',
        '😀',
        '\u0001',
        '\u001f',
      ),
    ),
    { maxLength: 12 },
  )
  .map((parts) => parts.join(''))
  // NUL and the two non-characters are not valid item text (see the refusal tests).
  .filter(isItemText);

const validItem = fc.record({
  name: trickyText.filter((text) => text.length > 0 && text.length <= KVP_WIRE_MAX_KEY_UNITS),
  data: trickyText.filter((text) => text.length <= KVP_WIRE_MAX_VALUE_UNITS),
  source: fc.constantFrom<KvpSource>(0, 1, 2, 3, 4),
});

describe('shared/hyperv-kvp/cim-xml-encode', () => {
  it("writes the shape of Microsoft's AddKvpItems sample: Data, Name, Source with TYPE attributes", () => {
    expect(encodeKvpItem({ name: 'AvmaAgent.Key', data: 'ABCDE-12345' })).toBe(
      '<INSTANCE CLASSNAME="Msvm_KvpExchangeDataItem">' +
        '<PROPERTY NAME="Data" TYPE="string"><VALUE>ABCDE-12345</VALUE></PROPERTY>' +
        '<PROPERTY NAME="Name" TYPE="string"><VALUE>AvmaAgent.Key</VALUE></PROPERTY>' +
        '<PROPERTY NAME="Source" TYPE="uint16"><VALUE>0</VALUE></PROPERTY></INSTANCE>',
    );
  });

  it('defaults Source to 0, which AddKvpItems requires', () => {
    expect(decodeKvpItem(encodeKvpItem({ name: 'k', data: 'v' })).source).toBe(0);
  });

  it('encodes the remove item of the docs sample: the key, empty Data, Source 0', () => {
    const doc = fixtureText('data-exchange-doc-excerpt.md');
    expect(doc).toContain('$kvpDataItem.Data = [String]::Empty');
    expect(decodeKvpItem(encodeKvpRemoveItem('Name'))).toEqual({ name: 'Name', data: '', source: 0 });
  });

  it('escapes markup characters and writes CR, LF and TAB as references', () => {
    const xml = encodeKvpItem({ name: 'k', data: `<a b="c" d='e'>&\r\n\t` });
    expect(xml).toContain('<VALUE>&lt;a b=&quot;c&quot; d=&apos;e&apos;&gt;&amp;&#13;&#10;&#9;</VALUE>');
  });

  it('writes C0 controls as references by default and refuses them when asked to', () => {
    expect(encodeKvpItem({ name: 'k', data: 'a\u0001b' })).toContain('<VALUE>a&#1;b</VALUE>');
    expectKvpError(
      () => encodeKvpItem({ name: 'k', data: 'a\u0001b' }, { controlCharacters: 'refuse' }),
      'FORBIDDEN_CHARACTER',
    );
  });

  it('writes any ASCII item as a character-by-character reference writer does (both of its paths)', () => {
    // The byte-buffer path takes ASCII without C0 controls other than TAB/LF/CR; the general path
    // takes the rest. Both must write what this oracle writes.
    const references: Record<string, string> = {
      '&': '&amp;',
      '<': '&lt;',
      '>': '&gt;',
      '"': '&quot;',
      "'": '&apos;',
      '\t': '&#9;',
      '\n': '&#10;',
      '\r': '&#13;',
    };
    const escaped = (text: string) =>
      [...text].map((c) => references[c] ?? (c.charCodeAt(0) < 0x20 ? `&#${c.charCodeAt(0)};` : c)).join('');
    const ascii = fc.string({ unit: fc.integer({ min: 1, max: 0x7f }).map((u) => String.fromCharCode(u)) });
    const json = fc
      .jsonValue()
      .map((value) => JSON.stringify(value))
      .filter((text) => !/[\u0080-\uffff]/.test(text));
    fc.assert(
      fc.property(
        fc.oneof(ascii, json),
        ascii.filter((text) => text.length > 0 && text.length <= KVP_WIRE_MAX_KEY_UNITS),
        fc.constantFrom<KvpSource>(0, 1, 2, 3, 4),
        (data, name, source) => {
          expect(encodeKvpItem({ name, data, source })).toBe(
            '<INSTANCE CLASSNAME="Msvm_KvpExchangeDataItem">' +
              `<PROPERTY NAME="Data" TYPE="string"><VALUE>${escaped(data)}</VALUE></PROPERTY>` +
              `<PROPERTY NAME="Name" TYPE="string"><VALUE>${escaped(name)}</VALUE></PROPERTY>` +
              `<PROPERTY NAME="Source" TYPE="uint16"><VALUE>${source}</VALUE></PROPERTY></INSTANCE>`,
          );
        },
      ),
    );
  });

  it('gives back exactly what it encoded, for arbitrary valid items', () => {
    fc.assert(
      fc.property(validItem, (item) => {
        expect(decodeKvpItem(encodeKvpItem(item))).toEqual(item);
      }),
      { numRuns: 500 },
    );
  });

  it('keeps entity-looking text literal across the round trip', () => {
    for (const data of ['&amp;', '&lt;b&gt;', '&#13;', '&#x1F600;', '&nbsp;', '&']) {
      expect(decodeKvpItem(encodeKvpItem({ name: 'k', data })).data).toBe(data);
    }
  });

  it('round-trips the longest key and value the wire carries', () => {
    const item = {
      name: `${'😀'.repeat(127)}k`,
      data: '"'.repeat(KVP_WIRE_MAX_VALUE_UNITS),
      source: 1 as const,
    };
    expect(decodeKvpItem(encodeKvpItem(item))).toEqual(item);
  });

  describe('refusals', () => {
    it('refuses an empty key', () => {
      expectKvpError(() => encodeKvpItem({ name: '', data: 'v' }), 'EMPTY_KEY');
      expectKvpError(() => encodeKvpRemoveItem(''), 'EMPTY_KEY');
    });

    it('refuses NUL in the key or the value', () => {
      expectKvpError(() => encodeKvpItem({ name: 'a\u0000b', data: 'v' }), 'NUL_CHARACTER');
      expectKvpError(() => encodeKvpItem({ name: 'k', data: 'v\u0000' }), 'NUL_CHARACTER');
    });

    it('refuses lone surrogates, which would not survive UTF-16 or UTF-8', () => {
      expectKvpError(() => encodeKvpItem({ name: 'k', data: 'a\uD800' }), 'UNPAIRED_SURROGATE');
      expectKvpError(() => encodeKvpItem({ name: '\uDC00', data: '' }), 'UNPAIRED_SURROGATE');
    });

    it('refuses the non-characters U+FFFE and U+FFFF', () => {
      expectKvpError(() => encodeKvpItem({ name: 'k', data: '\uFFFE' }), 'FORBIDDEN_CHARACTER');
    });

    it('refuses a Source outside the integers 0..4', () => {
      for (const source of [5, -1, 1.5, Number.NaN]) {
        expectKvpError(
          () => encodeKvpItem({ name: 'k', data: 'v', source: source as KvpSource }),
          'INVALID_SOURCE',
        );
      }
    });

    it('refuses a key over 255 or a value over 1023 UTF-16 units', () => {
      expectKvpError(() => encodeKvpItem({ name: 'k'.repeat(256), data: '' }), 'KEY_TOO_LONG');
      expectKvpError(() => encodeKvpItem({ name: 'k', data: 'v'.repeat(1024) }), 'VALUE_TOO_LONG');
      expect(() => encodeKvpItem({ name: 'k', data: 'v'.repeat(5000), source: 4 })).not.toThrow();
    });
  });
});
