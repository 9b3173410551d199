import { decodeKvpInstanceList, decodeKvpItem } from 'hyperv-kvp';
import { describe, expect, it } from 'vitest';
import { expectKvpError, fixtureText, rawInstance } from './fixture-files.js';

const msDocsFqdn = fixtureText('kvp-item-fqdn-msdocs.xml');
const valid = rawInstance('FullyQualifiedDomainName', 'host.example');

/** `valid` with `fragment` inserted right after the first occurrence of `anchor`. */
function insertAfter(anchor: string, fragment: string, xml = valid): string {
  const at = xml.indexOf(anchor) + anchor.length;
  return xml.slice(0, at) + fragment + xml.slice(at);
}

describe('shared/hyperv-kvp/cim-xml-scanner', () => {
  describe('forbidden markup', () => {
    it('refuses an XML declaration, even though it is not a processing instruction', () => {
      const error = expectKvpError(
        () => decodeKvpItem(`<?xml version="1.0" encoding="utf-16"?>${valid}`),
        'FORBIDDEN_MARKUP',
      );
      expect(error.offset).toBe(0);
    });

    it('refuses a processing instruction inside the instance', () => {
      const xml = insertAfter('<VALUE>', '<?php echo 1; ?>');
      expect(expectKvpError(() => decodeKvpItem(xml), 'FORBIDDEN_MARKUP').offset).toBe(xml.indexOf('<?php'));
    });

    it('refuses a DOCTYPE with entity declarations (billion laughs) before expanding anything', () => {
      const laughs = '<!DOCTYPE INSTANCE [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>';
      const error = expectKvpError(
        () => decodeKvpItem(`${laughs}${valid.replace('host.example', '&lol2;')}`),
        'FORBIDDEN_MARKUP',
      );
      expect(error.reason).toContain('DOCTYPE');
    });

    it('refuses an ENTITY declaration, a CDATA section and a comment', () => {
      expect(
        expectKvpError(() => decodeKvpItem(insertAfter('>', '<!ENTITY x "y">')), 'FORBIDDEN_MARKUP').reason,
      ).toContain('ENTITY');
      expect(
        expectKvpError(() => decodeKvpItem(insertAfter('<VALUE>', '<![CDATA[<b>]]>')), 'FORBIDDEN_MARKUP')
          .reason,
      ).toContain('CDATA');
      expect(
        expectKvpError(() => decodeKvpItem(insertAfter('</PROPERTY>', '<!-- note -->')), 'FORBIDDEN_MARKUP')
          .reason,
      ).toContain('comment');
    });
  });

  describe('elements', () => {
    it.each(['PROPERTY.ARRAY', 'QUALIFIER', 'VALUE.ARRAY', 'instance', 'x:INSTANCE'])(
      'refuses the unknown element <%s>',
      (name) => {
        const xml = insertAfter('</PROPERTY>', `<${name}></${name}>`);
        expect(expectKvpError(() => decodeKvpItem(xml), 'UNKNOWN_ELEMENT').offset).toBe(
          xml.indexOf(`<${name}`),
        );
      },
    );

    it('refuses any element inside VALUE as too deep, at the first nested tag', () => {
      expectKvpError(() => decodeKvpItem(insertAfter('<VALUE>', '<b>bold</b>')), 'TOO_DEEP');
      const deep = insertAfter('<VALUE>', '<VALUE>'.repeat(9_000));
      expect(expectKvpError(() => decodeKvpItem(deep), 'TOO_DEEP').offset).toBe(
        deep.indexOf('<VALUE><VALUE>') + '<VALUE>'.length,
      );
    });

    it('refuses 10,000 nested VALUEs in a pasted list as too deep, without recursing', () => {
      const deep = insertAfter('<VALUE>', '<VALUE>'.repeat(10_000));
      expect(expectKvpError(() => decodeKvpInstanceList(deep), 'TOO_DEEP').itemIndex).toBe(0);
    });

    it('refuses VALUE directly inside INSTANCE and INSTANCE inside INSTANCE', () => {
      expectKvpError(() => decodeKvpItem(insertAfter('</PROPERTY>', '<VALUE>x</VALUE>')), 'MALFORMED_XML');
      expectKvpError(() => decodeKvpItem(insertAfter('</PROPERTY>', valid)), 'MALFORMED_XML');
    });

    it('refuses a second VALUE in one property', () => {
      expectKvpError(() => decodeKvpItem(insertAfter('</VALUE>', '<VALUE>again</VALUE>')), 'MALFORMED_XML');
    });

    it('refuses mismatched and unclosed end tags', () => {
      expectKvpError(() => decodeKvpItem(valid.replace('</PROPERTY>', '</VALUE>')), 'MALFORMED_XML');
      expectKvpError(() => decodeKvpItem(valid.replace('</INSTANCE>', '')), 'MALFORMED_XML');
    });

    it('refuses text outside VALUE, but not whitespace', () => {
      const error = expectKvpError(
        () => decodeKvpItem(insertAfter('</PROPERTY>', ' stray ')),
        'TEXT_OUTSIDE_VALUE',
      );
      expect(error.reason).toContain('"stray');
      expectKvpError(() => decodeKvpItem(insertAfter('</PROPERTY>', '&amp;')), 'TEXT_OUTSIDE_VALUE');
      expect(decodeKvpItem(insertAfter('</PROPERTY>', ' \r\n\t ')).name).toBe('FullyQualifiedDomainName');
    });

    it('says where a truncated item ends, at every cut of the Microsoft sample', () => {
      const end = msDocsFqdn.indexOf('</INSTANCE>') + '</INSTANCE>'.length;
      for (let cut = 1; cut < end; cut++) {
        const error = expectKvpError(() => decodeKvpItem(msDocsFqdn.slice(0, cut)), 'MALFORMED_XML');
        expect(error.reason, `cut at ${cut}`).toMatch(/^input ends inside /);
      }
    });
  });

  describe('attributes', () => {
    it('refuses a PROPERTY without NAME', () => {
      expectKvpError(() => decodeKvpItem(valid.replace('NAME="Data" ', '')), 'MALFORMED_XML');
    });

    it('refuses a repeated attribute and more than 8 attributes', () => {
      expectKvpError(
        () => decodeKvpItem(valid.replace('TYPE="string"', 'TYPE="string" TYPE="string"')),
        'MALFORMED_XML',
      );
      const crowded = Array.from({ length: 8 }, (_, n) => ` A${n}="x"`).join('');
      expectKvpError(
        () => decodeKvpItem(valid.replace('TYPE="string"', `TYPE="string"${crowded}`)),
        'TOO_LARGE',
      );
    });

    it('refuses unquoted values, missing whitespace between attributes and < inside a value', () => {
      expectKvpError(() => decodeKvpItem(valid.replace('TYPE="string"', 'TYPE=string')), 'MALFORMED_XML');
      expectKvpError(() => decodeKvpItem(valid.replace('"Data" TYPE', '"Data"TYPE')), 'MALFORMED_XML');
      expectKvpError(() => decodeKvpItem(valid.replace('TYPE="string"', 'TYPE="a<b"')), 'MALFORMED_XML');
    });

    it('tolerates unknown attributes such as xml:lang and EmbeddedObject', () => {
      const xml = valid.replace('TYPE="string"', 'TYPE="string" xml:lang="en" EmbeddedObject="object"');
      expect(decodeKvpItem(xml).data).toBe('host.example');
    });
  });
});
