import fc from 'fast-check';
import { decodeKvpItem, encodeKvpItem, KvpError } from 'hyperv-kvp';
import { describe, expect, it } from 'vitest';
import { fixtureXmlArray, isItemText, kvpErrorOf, rawInstance } from './fixture-files.js';

/** The same item with whitespace between elements: no compact layout matches, the general path runs. */
function spaced(xml: string): string {
  return xml
    .replaceAll('<PROPERTY', '\n  <PROPERTY')
    .replaceAll('</PROPERTY>', ' </PROPERTY>')
    .replace('</INSTANCE>', '\n</INSTANCE>');
}

/** A decode outcome comparable across layouts: the item, or the error code and its offset in the Data text. */
function outcome(xml: string): unknown {
  try {
    return decodeKvpItem(xml);
  } catch (error) {
    if (!(error instanceof KvpError)) throw error;
    const dataStart = xml.indexOf('<VALUE>') + '<VALUE>'.length;
    return { code: error.code, dataOffset: error.offset === null ? null : error.offset - dataStart };
  }
}

describe('shared/hyperv-kvp/cim-xml-compact', () => {
  it('decodes WMI-style compact items (with empty inherited properties) and minimal ones alike', () => {
    const wmiLayout = fixtureXmlArray('windows-server-2019-datacenter-intrinsic.json');
    const minimal = wmiLayout.map((xml) => {
      const item = decodeKvpItem(xml);
      return encodeKvpItem(item);
    });
    expect(minimal.map((xml) => decodeKvpItem(xml))).toEqual(wmiLayout.map((xml) => decodeKvpItem(xml)));
  });

  it('gives the same item as the general path for arbitrary values', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary', maxLength: 40 }),
        fc.constantFrom(0, 1, 2, 3, 4),
        (data, source) => {
          fc.pre(isItemText(data));
          const xml = encodeKvpItem({ name: 'k', data, source: source as 0 });
          expect(decodeKvpItem(xml)).toEqual(decodeKvpItem(spaced(xml)));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('raises the same error at the same place in the text as the general path', () => {
    const hostile = fc
      .array(
        fc.constantFrom(
          'a',
          '&',
          '&nbsp;',
          '&#0;',
          '&#xD800;',
          '\u0000',
          '\uD800',
          ']]>',
          '<',
          '\u0001',
          '&amp;',
        ),
        {
          maxLength: 8,
        },
      )
      .map((parts) => parts.join(''));
    fc.assert(
      fc.property(hostile, (dataXml) => {
        const xml = rawInstance('k', dataXml);
        expect(outcome(xml)).toEqual(outcome(spaced(xml)));
      }),
      { numRuns: 300 },
    );
  });

  it('falls back to the general path when a tag differs by one character', () => {
    const nearMisses = [
      rawInstance('k', 'v').replace('TYPE="string"', 'TYPE="String"'),
      rawInstance('k', 'v').replace('<VALUE>v', '<VALUE >v'),
      rawInstance('k', 'v').replace('</INSTANCE>', '</INSTANCE >'),
      rawInstance('k', 'v').replace(
        'CLASSNAME="Msvm_KvpExchangeDataItem"',
        "CLASSNAME='Msvm_KvpExchangeDataItem'",
      ),
    ];
    for (const xml of nearMisses) expect(decodeKvpItem(xml)).toEqual({ name: 'k', data: 'v', source: 2 });
  });

  it('does not accept a compact item whose Source is outside 0..4', () => {
    expect(kvpErrorOf(() => decodeKvpItem(rawInstance('k', 'v', '7'))).code).toBe('INVALID_SOURCE');
  });
});
