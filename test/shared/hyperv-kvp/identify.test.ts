import fc from 'fast-check';
import { decodeKvpItems, identifyGuest, type KvpItem, type KvpSource } from 'hyperv-kvp';
import { describe, expect, it } from 'vitest';
import { fixtureText, fixtureXmlArray } from './fixture-files.js';

const windows2019 = decodeKvpItems(fixtureXmlArray('windows-server-2019-datacenter-intrinsic.json'));
const ubuntu = decodeKvpItems(fixtureXmlArray('linux-ubuntu-2204-intrinsic.json'));

/** The Windows set with some values replaced (or removed, for null). */
function windowsWith(changes: Readonly<Record<string, string | null>>): KvpItem[] {
  const changed = windows2019
    .filter((item) => changes[item.name] !== null)
    .map((item) => (item.name in changes ? { ...item, data: changes[item.name] as string } : item));
  const added = Object.entries(changes)
    .filter(([name, data]) => data !== null && !windows2019.some((item) => item.name === name))
    .map(([name, data]) => ({ name, data: data as string, source: 2 as const }));
  return [...changed, ...added];
}

describe('shared/hyperv-kvp/identify', () => {
  it('only relies on item names Microsoft documents (fixture guard)', () => {
    const documented = fixtureText('msvm-kvpexchangedataitem-keys.txt').trim().split('\n');
    expect(windows2019.map((item) => item.name).sort()).toEqual([...documented].sort());
  });

  it('identifies a Windows Server 2019 Datacenter guest', () => {
    expect(identifyGuest(windows2019)).toEqual({
      os: 'windows-server',
      version: '2019',
      build: 17763,
      edition: 'datacenter',
      evaluation: false,
      fqdn: 'WIN-7K2N4Q0LD3R.contoso.local',
      ipv4: ['192.168.10.24'],
      ipv6: ['fe80::8d4f:2b13:77a9:1c2e'],
      architecture: 'amd64',
    });
  });

  it("identifies a Linux guest by the daemon's item set, without a version, edition or FQDN", () => {
    expect(identifyGuest(ubuntu)).toEqual({
      os: 'linux',
      version: null,
      build: null,
      edition: null,
      evaluation: null,
      fqdn: null,
      ipv4: ['10.0.0.4'],
      ipv6: ['fe80::222:48ff:fe7a:1b2c'],
      architecture: 'amd64',
    });
  });

  it('tells Server 1809 from 2019 on build 17763 by the semi-annual core SKU', () => {
    expect(identifyGuest(windowsWith({ OSEditionId: '145' }))).toMatchObject({
      version: '1809',
      edition: 'datacenter',
    });
    expect(identifyGuest(windowsWith({ OSEditionId: '148' }))).toMatchObject({
      version: '2019',
      edition: 'standard',
    });
  });

  it('reports evaluation editions', () => {
    expect(identifyGuest(windowsWith({ OSEditionId: '80' }))).toMatchObject({
      edition: 'datacenter',
      evaluation: true,
    });
  });

  it('takes ProductType 2 (domain controller) as a server and 1 as a client', () => {
    expect(identifyGuest(windowsWith({ ProductType: '2' })).os).toBe('windows-server');
    const client = identifyGuest(
      windowsWith({ ProductType: '1', OSBuildNumber: '22631', OSVersion: '10.0.22631', OSEditionId: '48' }),
    );
    expect(client).toMatchObject({ os: 'windows-client', version: '11', build: 22631, edition: 'pro' });
  });

  it('does not give a client an edition from a server SKU, or a server a client one', () => {
    expect(identifyGuest(windowsWith({ ProductType: '1', OSEditionId: '8' })).edition).toBeNull();
    expect(identifyGuest(windowsWith({ OSEditionId: '48' }))).toMatchObject({
      edition: null,
      evaluation: null,
    });
  });

  it('reads the build from OSVersion when OSBuildNumber is missing, and gives up when they disagree', () => {
    expect(identifyGuest(windowsWith({ OSBuildNumber: null, OSVersion: '10.0.20348' }))).toMatchObject({
      build: 20348,
      version: '2022',
    });
    expect(identifyGuest(windowsWith({ OSBuildNumber: '20348' }))).toMatchObject({
      build: null,
      version: null,
    });
  });

  it('trims trailing CR, LF and NUL from values', () => {
    const identity = identifyGuest(
      windowsWith({ OSBuildNumber: '17763\r\n', ProductType: '3\u0000', OSEditionId: '7\n' }),
    );
    expect(identity).toMatchObject({ os: 'windows-server', build: 17763, edition: 'standard' });
  });

  it('keeps unknown values as null instead of guessing', () => {
    const identity = identifyGuest(
      windowsWith({
        OSEditionId: '9999',
        ProcessorArchitecture: '7',
        OSBuildNumber: '99999',
        OSVersion: null,
      }),
    );
    expect(identity).toMatchObject({
      edition: null,
      evaluation: null,
      architecture: null,
      build: 99999,
      version: null,
    });
    expect(identifyGuest(windowsWith({ ProductType: '4' })).os).toBe('unknown');
    expect(identifyGuest([]).os).toBe('unknown');
  });

  it('refuses number-like junk: signs, spaces, exponents, hex, leading zeros', () => {
    for (const junk of ['+3', ' 3', '3e0', '0x3', '03', '3.0'])
      expect(identifyGuest(windowsWith({ ProductType: junk })).os).toBe('unknown');
    for (const junk of ['+17763', '017763', '1.7763e4'])
      expect(identifyGuest(windowsWith({ OSBuildNumber: junk, OSVersion: null })).build).toBeNull();
  });

  it('looks only at intrinsic (Source 2) items, so guest-written items cannot pose as them', () => {
    const spoof: KvpItem = { name: 'OSEditionId', data: '8', source: 1 };
    expect(identifyGuest([...windowsWith({ OSEditionId: null }), spoof]).edition).toBeNull();
  });

  it('reads a name published twice with different values as unknown', () => {
    const twice = [...windows2019, { name: 'OSEditionId', data: '7', source: 2 as const }];
    expect(identifyGuest(twice).edition).toBeNull();
  });

  it('needs two Linux traits, and no Windows-only item, to call a guest Linux', () => {
    const archOnly = [{ name: 'ProcessorArchitecture', data: 'x86_64', source: 2 as const }];
    expect(identifyGuest(archOnly).os).toBe('unknown');
    expect(identifyGuest([...ubuntu, { name: 'SuiteMask', data: '272', source: 2 }]).os).toBe('unknown');
    expect(identifyGuest(ubuntu.filter((item) => item.name !== 'OSName')).os).toBe('linux');
  });

  it('maps numeric and uname architectures', () => {
    const arch = (value: string, set = windows2019) =>
      identifyGuest(
        set.map((item) => (item.name === 'ProcessorArchitecture' ? { ...item, data: value } : item)),
      ).architecture;
    expect(['0', '5', '6', '9', '12'].map((value) => arch(value))).toEqual([
      'x86',
      'arm',
      'ia64',
      'amd64',
      'arm64',
    ]);
    expect(['x86_64', 'aarch64', 'i686', 'i386'].map((value) => arch(value, ubuntu))).toEqual([
      'amd64',
      'arm64',
      'x86',
      'x86',
    ]);
    expect(arch('x86_64')).toBeNull();
  });

  it('never throws on hostile values and always returns the documented shape', () => {
    const names = [
      'ProductType',
      'OSEditionId',
      'OSBuildNumber',
      'OSVersion',
      'ProcessorArchitecture',
      'NetworkAddressIPv4',
      'NetworkAddressIPv6',
      'FullyQualifiedDomainName',
      'OSName',
    ];
    const hostileItem = fc.record({
      name: fc.constantFrom(...names),
      data: fc.oneof(
        fc.string({ unit: 'binary', maxLength: 60 }),
        fc.constantFrom('x'.repeat(100_000), '<script>', '1'.repeat(400), ';;;;', '::::'),
      ),
      source: fc.constantFrom<KvpSource>(1, 2),
    });
    fc.assert(
      fc.property(fc.array(hostileItem, { maxLength: 12 }), (items) => {
        const identity = identifyGuest(items);
        expect(['windows-server', 'windows-client', 'linux', 'unknown']).toContain(identity.os);
        expect(identity.build === null || Number.isSafeInteger(identity.build)).toBe(true);
        expect(
          Object.isFrozen(identity) && Object.isFrozen(identity.ipv4) && Object.isFrozen(identity.ipv6),
        ).toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});
