import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeKvpItem } from 'hyperv-kvp';
import { describe, expect, it } from 'vitest';
import { avma, isOneLineError } from '../cli-harness.js';

// Microsoft's sample item (MicrosoftDocs/win32 getting-the-virtual-system-dns-name.md), `//` prefixes stripped.
const FQDN_ITEM = `<INSTANCE CLASSNAME="Msvm_KvpExchangeDataItem">
      <PROPERTY NAME="Caption" PROPAGATED="true" TYPE="string"></PROPERTY>
      <PROPERTY NAME="Data" TYPE="string">
         <VALUE>AUTOBVT-4OVYXAB</VALUE>
      </PROPERTY>
      <PROPERTY NAME="Description" PROPAGATED="true" TYPE="string"></PROPERTY>
      <PROPERTY NAME="ElementName" PROPAGATED="true" TYPE="string"></PROPERTY>
      <PROPERTY NAME="Name" TYPE="string">
         <VALUE>FullyQualifiedDomainName</VALUE>
      </PROPERTY>
      <PROPERTY NAME="Source" TYPE="uint16">
          <VALUE>2</VALUE>
      </PROPERTY>
</INSTANCE>`;

/** The intrinsic items a Windows Server 2019 Datacenter guest publishes (documented names, values illustrative). */
function server2019Items(): string[] {
  const items: Record<string, string> = {
    FullyQualifiedDomainName: 'web01.contoso.local',
    OSName: 'Windows Server 2019 Datacenter',
    OSVersion: '10.0.17763',
    OSMajorVersion: '10',
    OSMinorVersion: '0',
    OSBuildNumber: '17763',
    OSPlatformId: '2',
    ProductType: '3',
    OSEditionId: '8',
    ProcessorArchitecture: '9',
    NetworkAddressIPv4: '10.0.0.5;169.254.1.2',
    NetworkAddressIPv6: 'fe80::1c2d:3e4f:5a6b:7c8d',
  };
  return Object.entries(items).map(([name, data]) => encodeKvpItem({ name, data, source: 2 }));
}

describe('agent/cli/commands/kvp-commands', () => {
  it('decodes a JSON array of CIM-XML strings, as ConvertTo-Json prints them', async () => {
    const run = await avma(['kvp', 'decode'], JSON.stringify([FQDN_ITEM]));
    expect(run.code).toBe(0);
    expect(run.json()).toEqual([{ name: 'FullyQualifiedDomainName', data: 'AUTOBVT-4OVYXAB', source: 2 }]);
  });

  it('decodes a bare JSON string, which is how PowerShell prints a one-item array', async () => {
    const run = await avma(['kvp', 'decode', '-'], JSON.stringify(FQDN_ITEM));
    expect(run.json()).toEqual([{ name: 'FullyQualifiedDomainName', data: 'AUTOBVT-4OVYXAB', source: 2 }]);
  });

  it('decodes raw XML holding several INSTANCE elements from a file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'avma-cli-'));
    const file = join(dir, 'items.xml');
    await writeFile(
      file,
      `\uFEFF${FQDN_ITEM}\n${encodeKvpItem({ name: 'Status', data: 'Ready & waiting', source: 1 })}\n`,
    );
    const run = await avma(['kvp', 'decode', file]);
    expect(run.json()).toEqual([
      { name: 'FullyQualifiedDomainName', data: 'AUTOBVT-4OVYXAB', source: 2 },
      { name: 'Status', data: 'Ready & waiting', source: 1 },
    ]);
  });

  it('refuses a hostile item in one line naming the item index', async () => {
    const hostile = FQDN_ITEM.replace('<INSTANCE', '<!DOCTYPE x [<!ENTITY a "b">]><INSTANCE');
    const run = await avma(['kvp', 'decode'], JSON.stringify([FQDN_ITEM, hostile]));
    expect(isOneLineError(run)).toBe(true);
    expect(run.stderr).toMatch(/item 1/);
  });

  it('refuses empty input, a missing file and JSON that is not a list of strings', async () => {
    const empty = await avma(['kvp', 'decode'], '  \n');
    expect(isOneLineError(empty)).toBe(true);
    expect(empty.stderr).toContain('standard input is empty');
    const missing = await avma(['kvp', 'decode', '/nonexistent/items.json']);
    expect(isOneLineError(missing)).toBe(true);
    expect(missing.stderr).toContain('no such file');
    const numbers = await avma(['kvp', 'decode'], '[1, 2]');
    expect(isOneLineError(numbers)).toBe(true);
    expect(numbers.stderr).toContain('element 0');
  });

  it('refuses input that is not UTF-8, from standard input or a file, naming the byte offset', async () => {
    // A Latin-1 "é" (0xE9) where UTF-8 needs two bytes: decoding it leniently would invent U+FFFD.
    const json = Buffer.from(JSON.stringify([FQDN_ITEM]), 'utf8');
    const offset = json.indexOf('AUTOBVT');
    json[offset] = 0xe9;
    const piped = await avma(['kvp', 'decode'], json);
    expect(isOneLineError(piped)).toBe(true);
    expect(piped.stderr).toMatch(
      new RegExp(`^avma kvp decode: standard input is not valid UTF-8 \\(byte offset ${offset}\\)`),
    );
    const dir = await mkdtemp(join(tmpdir(), 'avma-cli-'));
    const file = join(dir, 'items.json');
    await writeFile(file, Buffer.concat([Buffer.from('\uFEFF', 'utf8'), json]));
    const identified = await avma(['kvp', 'identify', file]);
    expect(isOneLineError(identified)).toBe(true);
    expect(identified.stderr).toContain(`file ${file} is not valid UTF-8 (byte offset ${offset + 3})`);
  });

  it('still reads UTF-8 bytes from standard input, multi-byte characters and a byte-order mark included', async () => {
    const item = encodeKvpItem({ name: 'Status', data: 'café 😀', source: 1 });
    const run = await avma(['kvp', 'decode'], Buffer.from(`\uFEFF${JSON.stringify([item])}`, 'utf8'));
    expect(run.json()).toEqual([{ name: 'Status', data: 'café 😀', source: 1 }]);
  });

  it('identifies a Windows Server 2019 Datacenter guest from its intrinsic items', async () => {
    const run = await avma(['kvp', 'identify'], JSON.stringify(server2019Items()));
    expect(run.code).toBe(0);
    expect(run.json()).toEqual({
      os: 'windows-server',
      version: '2019',
      build: 17763,
      edition: 'datacenter',
      evaluation: false,
      fqdn: 'web01.contoso.local',
      ipv4: ['10.0.0.5', '169.254.1.2'],
      ipv6: ['fe80::1c2d:3e4f:5a6b:7c8d'],
      architecture: 'amd64',
    });
  });

  it('identifies from the output of kvp decode, so the two commands pipe together', async () => {
    const decoded = await avma(['kvp', 'decode'], JSON.stringify(server2019Items()));
    const run = await avma(['kvp', 'identify'], decoded.stdout);
    expect(run.json<{ version: string }>().version).toBe('2019');
  });

  it('refuses decoded items that CIM-XML could not carry, naming the element and what was wrong', async () => {
    const good = { name: 'OSName', data: 'Windows Server 2019 Datacenter', source: 2 };
    const cases: [object, string][] = [
      [
        { name: 'OSBuildNumber', data: '1'.repeat(1024), source: 2 },
        'value is 1024 UTF-16 units, expected at most 1023 (wire limit)',
      ],
      [
        { name: 'K'.repeat(256), data: '', source: 2 },
        'key is 256 UTF-16 units, expected at most 255 (wire limit)',
      ],
      [
        { name: 'OSName', data: 'Windows\u0000', source: 2 },
        'Data contains U+0000 at index 7; expected no NUL',
      ],
      [{ name: 'OS\ud800', data: '', source: 2 }, 'Name contains lone surrogate U+D800 at index 2'],
      [{ name: '', data: 'x', source: 2 }, 'Name is empty; expected a non-empty key'],
    ];
    for (const [bad, reason] of cases) {
      const run = await avma(['kvp', 'identify'], JSON.stringify([good, bad]));
      expect(isOneLineError(run)).toBe(true);
      expect(run.stderr).toBe(`avma kvp identify: element 1: ${reason}\n`);
    }
  });

  it('encodes an item that decodes back to exactly the same key and value', async () => {
    const data = 'a & b <c> "d" \'e\'\r\nline2\t$(whoami)';
    const encoded = await avma(['kvp', 'encode', '--name', 'AvmaAgent.Key', '--data', data]);
    expect(encoded.code).toBe(0);
    const decoded = await avma(['kvp', 'decode'], encoded.stdout);
    expect(decoded.json()).toEqual([{ name: 'AvmaAgent.Key', data, source: 0 }]);
  });

  it('refuses a Source outside 0..4 and a missing --data', async () => {
    const source = await avma(['kvp', 'encode', '--name', 'x', '--data', 'y', '--source', '5']);
    expect(isOneLineError(source)).toBe(true);
    expect(source.stderr).toContain('--source');
    const data = await avma(['kvp', 'encode', '--name', 'x']);
    expect(isOneLineError(data)).toBe(true);
    expect(data.stderr).toContain('missing --data');
  });

  it('refuses to encode a value over the wire limit', async () => {
    const run = await avma(['kvp', 'encode', '--name', 'x', '--data', 'v'.repeat(1024)]);
    expect(isOneLineError(run)).toBe(true);
  });
});
