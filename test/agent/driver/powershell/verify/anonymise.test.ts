import { encodeKvpItem } from 'hyperv-kvp';
import { describe, expect, it } from 'vitest';
import { Anonymiser } from '../../../../../agent/driver/powershell/verify/anonymise.js';

describe('agent/driver/powershell/verify/anonymise', () => {
  it('replaces the same original by the same stand-in everywhere, whatever its case', () => {
    const anonymiser = new Anonymiser();
    expect(anonymiser.name('HV01', 'host')).toBe('host-1');
    expect(anonymiser.name('hv01', 'host')).toBe('host-1');
    expect(anonymiser.text('Node HV01 and hv01.contoso.com; not hv010')).toBe(
      'Node host-1 and host-1.contoso.com; not hv010',
    );
  });

  it('never rewrites a stand-in again, even when it looks like another original address', () => {
    const anonymiser = new Anonymiser();
    expect(anonymiser.address('192.0.2.2')).toBe('192.0.2.1');
    expect(anonymiser.address('10.0.0.5')).toBe('192.0.2.2');
    expect(anonymiser.text('10.0.0.5;192.0.2.2')).toBe('192.0.2.2;192.0.2.1');
  });

  it('maps GUIDs consistently, keeps their case style, and keeps the public component GUIDs', () => {
    const anonymiser = new Anonymiser();
    const text =
      'A1576C71-F505-4D1B-9B78-2CFD971B0F31 a1576c71-f505-4d1b-9b78-2cfd971b0f31 Microsoft:2A34B1C2-FD73-4043-8A5B-DD2159BC743F';
    expect(anonymiser.text(text)).toBe(
      '00000000-0000-4000-8000-000000000001 00000000-0000-4000-8000-000000000001 Microsoft:2A34B1C2-FD73-4043-8A5B-DD2159BC743F',
    );
  });

  it('redacts the data of tenant items but keeps the agent protocol items and the XML formatting', () => {
    const anonymiser = new Anonymiser();
    anonymiser.name('web01', 'vm');
    const tenant =
      '<INSTANCE CLASSNAME="Msvm_KvpExchangeDataItem">\n  <PROPERTY NAME="Data" TYPE="string"><VALUE>p@ss &amp; word</VALUE></PROPERTY>\n  <PROPERTY NAME="Name" TYPE="string"><VALUE>Secret</VALUE></PROPERTY>\n  <PROPERTY NAME="Source" TYPE="uint16"><VALUE>1</VALUE></PROPERTY>\n</INSTANCE>';
    expect(anonymiser.item(tenant, true)).toBe(tenant.replace('p@ss &amp; word', 'redacted (11 characters)'));
    const agent = encodeKvpItem({ name: 'AvmaAgent.Status', data: '{"host":"web01"}', source: 1 });
    expect(anonymiser.item(agent, true)).toBe(agent.replace('web01', 'vm-1'));
    expect(anonymiser.item('<not xml', true)).toContain('redacted (8 characters)');
  });
});
