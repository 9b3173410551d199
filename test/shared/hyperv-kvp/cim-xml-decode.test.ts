import { decodeKvpInstanceList, decodeKvpItem, decodeKvpItems, KVP_MAX_ITEM_XML_CHARS } from 'hyperv-kvp';
import { describe, expect, it } from 'vitest';
import { expectKvpError, fixtureText, fixtureXmlArray, rawInstance } from './fixture-files.js';

const msDocsFqdn = fixtureText('kvp-item-fqdn-msdocs.xml');
const hostSflowOsVersion = fixtureText('kvp-item-osversion-hostsflow.xml');
const stangroomeRdp = fixtureText('kvp-item-rdpaddressipv4-stangroome.xml');

/** An instance built from property snippets, so tests control order and shape. */
function instance(...properties: string[]): string {
  return `<INSTANCE CLASSNAME="Msvm_KvpExchangeDataItem">${properties.join('')}</INSTANCE>`;
}
const nameProperty = (value: string) =>
  `<PROPERTY NAME="Name" TYPE="string"><VALUE>${value}</VALUE></PROPERTY>`;
const dataProperty = (value: string) =>
  `<PROPERTY NAME="Data" TYPE="string"><VALUE>${value}</VALUE></PROPERTY>`;
const sourceProperty = (value: string) =>
  `<PROPERTY NAME="Source" TYPE="uint16"><VALUE>${value}</VALUE></PROPERTY>`;

describe('shared/hyperv-kvp/cim-xml-decode', () => {
  describe('real samples', () => {
    it('decodes the Microsoft docs FQDN sample with its indentation and empty inherited properties', () => {
      expect(decodeKvpItem(msDocsFqdn)).toEqual({
        name: 'FullyQualifiedDomainName',
        data: 'AUTOBVT-4OVYXAB',
        source: 2,
      });
    });

    it("decodes host-sflow's tab-indented OSVersion sample", () => {
      expect(decodeKvpItem(hostSflowOsVersion)).toEqual({ name: 'OSVersion', data: '6.2.8064', source: 2 });
    });

    it("decodes Stangroome's rendering that has no Caption/Description/ElementName", () => {
      expect(decodeKvpItem(stangroomeRdp)).toEqual({
        name: 'RDPAddressIPv4',
        data: '169.254.103.5',
        source: 2,
      });
    });

    it('decodes a whole Windows intrinsic set, keeping empty Data properties as ""', () => {
      const items = decodeKvpItems(fixtureXmlArray('windows-server-2019-datacenter-intrinsic.json'));
      expect(items).toHaveLength(19);
      expect(items.find((item) => item.name === 'OSEditionId')?.data).toBe('8');
      expect(items.find((item) => item.name === 'CSDVersion')?.data).toBe('');
      expect(items.every((item) => item.source === 2)).toBe(true);
    });

    it("keeps the Linux daemon's trailing LF in the FQDN value (identify trims it, decode does not)", () => {
      const items = decodeKvpItems(fixtureXmlArray('linux-ubuntu-2204-intrinsic.json'));
      expect(items[0]).toEqual({ name: 'FullyQualifiedDomainName', data: 'getaddrinfo failed\n', source: 2 });
    });
  });

  describe('tolerance', () => {
    it('finds properties by NAME in any order', () => {
      const reversed = instance(sourceProperty('1'), nameProperty('k'), dataProperty('v'));
      expect(decodeKvpItem(reversed)).toEqual({ name: 'k', data: 'v', source: 1 });
    });

    it('accepts CRLF line ends and whitespace between every element', () => {
      const spaced = msDocsFqdn.replaceAll('\n', '\r\n').replaceAll('><', '>\r\n\t <');
      expect(decodeKvpItem(spaced).data).toBe('AUTOBVT-4OVYXAB');
    });

    it('accepts properties without TYPE or PROPAGATED, with CLASSORIGIN, and an InstanceID property', () => {
      const xml = instance(
        '<PROPERTY NAME="InstanceID" CLASSORIGIN="CIM_ManagedElement" TYPE="string"><VALUE>Microsoft:ABC</VALUE></PROPERTY>',
        '<PROPERTY NAME="Data"><VALUE>v</VALUE></PROPERTY>',
        '<PROPERTY NAME="Name" CLASSORIGIN="Msvm_KvpExchangeDataItem"><VALUE>k</VALUE></PROPERTY>',
        '<PROPERTY NAME="Source"><VALUE>0</VALUE></PROPERTY>',
      );
      expect(decodeKvpItem(xml)).toEqual({ name: 'k', data: 'v', source: 0 });
    });

    it('reads a Data property with no VALUE, an empty VALUE, a self-closing VALUE or no Data at all as ""', () => {
      for (const data of [
        '<PROPERTY NAME="Data" TYPE="string"></PROPERTY>',
        '<PROPERTY NAME="Data" TYPE="string"/>',
        '<PROPERTY NAME="Data" TYPE="string"><VALUE></VALUE></PROPERTY>',
        '<PROPERTY NAME="Data" TYPE="string"><VALUE/></PROPERTY>',
        '',
      ]) {
        expect(decodeKvpItem(instance(data, nameProperty('k'), sourceProperty('0'))).data).toBe('');
      }
    });

    it('accepts single-quoted attributes, a byte order mark and whitespace around the instance', () => {
      const xml = `\uFEFF \n<INSTANCE CLASSNAME='Msvm_KvpExchangeDataItem'>${nameProperty('k')}${sourceProperty('4')}</INSTANCE>\n`;
      expect(decodeKvpItem(xml)).toEqual({ name: 'k', data: '', source: 4 });
    });

    it('tolerates unknown properties but refuses more than 16 properties in total', () => {
      const extra = (n: number) => `<PROPERTY NAME="Vendor${n}" TYPE="string"></PROPERTY>`;
      const fine = instance(extra(1), nameProperty('k'), sourceProperty('0'));
      expect(decodeKvpItem(fine).name).toBe('k');
      const crowded = instance(
        ...Array.from({ length: 14 }, (_, n) => extra(n)),
        nameProperty('k'),
        sourceProperty('0'),
      );
      expect(decodeKvpItem(crowded).name).toBe('k');
      const tooMany = instance(
        ...Array.from({ length: 15 }, (_, n) => extra(n)),
        nameProperty('k'),
        sourceProperty('0'),
      );
      expectKvpError(() => decodeKvpItem(tooMany), 'TOO_LARGE');
    });

    it('compares property NAMEs and the CLASSNAME case-insensitively, as CIM names are', () => {
      const xml = `<INSTANCE CLASSNAME="MSVM_KVPEXCHANGEDATAITEM"><PROPERTY NAME="name"><VALUE>k</VALUE></PROPERTY><PROPERTY NAME="SOURCE"><VALUE>1</VALUE></PROPERTY></INSTANCE>`;
      expect(decodeKvpItem(xml)).toEqual({ name: 'k', data: '', source: 1 });
      const twice = instance(
        nameProperty('a'),
        '<PROPERTY NAME="NAME"><VALUE>b</VALUE></PROPERTY>',
        sourceProperty('0'),
      );
      expectKvpError(() => decodeKvpItem(twice), 'DUPLICATE_PROPERTY');
    });

    it('decodes the five XML entities and decimal/hex character references, astral ones included', () => {
      const item = decodeKvpItem(
        rawInstance('k', 'a&amp;b&lt;c&gt;d&quot;e&apos;f&#65;&#x42;&#0067;&#x1F600;&#128512;'),
      );
      expect(item.data).toBe('a&b<c>d"e\'fABC😀😀');
    });

    it('keeps entity-looking text literal once decoded ("&amp;amp;" is "&amp;")', () => {
      expect(decodeKvpItem(rawInstance('k', '&amp;amp; &amp;lt;')).data).toBe('&amp; &lt;');
    });

    it('turns raw CRLF and lone CR into LF but keeps &#13; as CR (XML end-of-line handling)', () => {
      expect(decodeKvpItem(rawInstance('k', 'a\r\nb\rc&#13;d\te')).data).toBe('a\nb\nc\rd\te');
    });

    it('decodes references in attribute values before matching property NAMEs', () => {
      const xml = instance(
        '<PROPERTY NAME="Da&#x74;a"><VALUE>v</VALUE></PROPERTY>',
        nameProperty('k'),
        sourceProperty('0'),
      );
      expect(decodeKvpItem(xml).data).toBe('v');
    });

    it('accepts a Source with XML whitespace around the digit', () => {
      expect(decodeKvpItem(rawInstance('k', 'v', ' 1 ')).source).toBe(1);
      expect(decodeKvpItem(rawInstance('k', 'v', '\n\t3\r\n')).source).toBe(3);
    });

    it('accepts the longest key and value the wire carries (255 and 1023 UTF-16 units)', () => {
      const item = decodeKvpItem(rawInstance('k'.repeat(255), 'v'.repeat(1023)));
      expect([item.name.length, item.data.length]).toEqual([255, 1023]);
    });

    it('accepts HostOnly (Source 4) values up to 8191 units, as that channel is documented larger', () => {
      expect(decodeKvpItem(rawInstance('k', 'v'.repeat(8191), '4')).data).toHaveLength(8191);
      expectKvpError(() => decodeKvpItem(rawInstance('k', 'v'.repeat(8192), '4')), 'VALUE_TOO_LONG');
    });
  });

  describe('item refusals', () => {
    it('refuses an instance without Name, or whose Name has no VALUE', () => {
      expectKvpError(
        () => decodeKvpItem(instance(dataProperty('v'), sourceProperty('0'))),
        'MISSING_PROPERTY',
      );
      const noValue = instance('<PROPERTY NAME="Name" TYPE="string"></PROPERTY>', sourceProperty('0'));
      const error = expectKvpError(() => decodeKvpItem(noValue), 'MISSING_PROPERTY');
      expect(error.offset).toBe(noValue.indexOf('<PROPERTY NAME="Name"'));
    });

    it('refuses an empty key', () => {
      expectKvpError(() => decodeKvpItem(rawInstance('', 'v')), 'EMPTY_KEY');
    });

    it('refuses a missing Source rather than guessing a pool', () => {
      expectKvpError(() => decodeKvpItem(instance(nameProperty('k'), dataProperty('v'))), 'MISSING_PROPERTY');
      const empty = instance(nameProperty('k'), '<PROPERTY NAME="Source" TYPE="uint16"></PROPERTY>');
      expectKvpError(() => decodeKvpItem(empty), 'MISSING_PROPERTY');
    });

    it.each(['+1', '-0', '01', '00', '5', '1.0', '', '1 2', '١', 'x', '&#49;&#49;'])(
      'refuses Source %j with a message naming the value and the expected range',
      (source) => {
        const error = expectKvpError(() => decodeKvpItem(rawInstance('k', 'v', source)), 'INVALID_SOURCE');
        expect(error.message).toMatch(/Source is ".*", expected an integer 0\.\.4$/);
      },
    );

    it('refuses the same property twice', () => {
      const xml = instance(nameProperty('a'), dataProperty('1'), dataProperty('2'), sourceProperty('0'));
      const error = expectKvpError(() => decodeKvpItem(xml), 'DUPLICATE_PROPERTY');
      expect(error.offset).toBe(xml.lastIndexOf('<PROPERTY NAME="Data"'));
    });

    it('refuses a key over 255 or a value over 1023 UTF-16 units (512/2048 bytes with the NUL)', () => {
      expectKvpError(() => decodeKvpItem(rawInstance('k'.repeat(256), 'v')), 'KEY_TOO_LONG');
      expectKvpError(() => decodeKvpItem(rawInstance('k', 'v'.repeat(1024))), 'VALUE_TOO_LONG');
      // An astral character is two UTF-16 units on the wire, so 512 of them are 1024 units.
      expectKvpError(() => decodeKvpItem(rawInstance('k', '😀'.repeat(512))), 'VALUE_TOO_LONG');
    });

    it('refuses another class, or an INSTANCE without CLASSNAME', () => {
      const other = rawInstance('k', 'v').replace('Msvm_KvpExchangeDataItem', 'Msvm_ComputerSystem');
      expectKvpError(() => decodeKvpItem(other), 'WRONG_CLASS');
      const none = rawInstance('k', 'v').replace(' CLASSNAME="Msvm_KvpExchangeDataItem"', '');
      expectKvpError(() => decodeKvpItem(none), 'WRONG_CLASS');
    });

    it('refuses an item over 64 KiB of XML before scanning it', () => {
      const huge = rawInstance('k', 'v'.repeat(KVP_MAX_ITEM_XML_CHARS));
      const error = expectKvpError(() => decodeKvpItem(huge, 7), 'TOO_LARGE');
      expect([error.itemIndex, error.offset]).toEqual([7, KVP_MAX_ITEM_XML_CHARS]);
    });

    it('refuses text that is not exactly one instance', () => {
      expectKvpError(() => decodeKvpItem('  \n'), 'MALFORMED_XML');
      expectKvpError(() => decodeKvpItem(msDocsFqdn + msDocsFqdn), 'MALFORMED_XML');
      expectKvpError(() => decodeKvpItem(`${msDocsFqdn}trailing`), 'MALFORMED_XML');
    });

    it('names the item and the offset in the message', () => {
      const error = expectKvpError(() => decodeKvpItem(rawInstance('k', 'v', '9'), 3), 'INVALID_SOURCE');
      expect(error.message).toBe(
        `KVP item 3 at offset ${error.offset}: Source is "9", expected an integer 0..4`,
      );
      expect(error.offset).toBe(rawInstance('k', 'v', '9').indexOf('<VALUE>9'));
    });
  });

  describe('lists', () => {
    it('decodeKvpItems reports the index of the failing element', () => {
      const error = expectKvpError(
        () => decodeKvpItems([msDocsFqdn, stangroomeRdp, rawInstance('', 'v')]),
        'EMPTY_KEY',
      );
      expect(error.itemIndex).toBe(2);
    });

    it('decodeKvpInstanceList reads instances back to back, in order', () => {
      const items = decodeKvpInstanceList(`\n${msDocsFqdn}${hostSflowOsVersion}\r\n\t${stangroomeRdp}`);
      expect(items.map((item) => item.name)).toEqual([
        'FullyQualifiedDomainName',
        'OSVersion',
        'RDPAddressIPv4',
      ]);
    });

    it('decodeKvpInstanceList returns nothing for blank text', () => {
      expect(decodeKvpInstanceList(' \r\n\t')).toEqual([]);
      expect(decodeKvpInstanceList('')).toEqual([]);
    });

    it('decodeKvpInstanceList gives the position in the list and the offset in the whole text', () => {
      const text = `${msDocsFqdn}${stangroomeRdp}${rawInstance('k', 'a&nbsp;b')}`;
      const error = expectKvpError(() => decodeKvpInstanceList(text), 'UNKNOWN_ENTITY');
      expect([error.itemIndex, error.offset]).toEqual([2, text.indexOf('&nbsp;')]);
    });

    it('decodeKvpInstanceList refuses text between instances', () => {
      const error = expectKvpError(
        () => decodeKvpInstanceList(`${msDocsFqdn}, ${stangroomeRdp}`),
        'TEXT_OUTSIDE_VALUE',
      );
      expect(error.itemIndex).toBe(1);
    });

    it('decodeKvpInstanceList caps each item, not the list: 2,000 items of 300 characters decode', () => {
      const text = Array.from({ length: 2000 }, (_, n) => rawInstance(`k${n}`, 'v'.repeat(100))).join('\n');
      expect(text.length).toBeGreaterThan(KVP_MAX_ITEM_XML_CHARS * 4);
      expect(decodeKvpInstanceList(text)).toHaveLength(2000);
    });
  });
});
