import { readFileSync } from 'node:fs';
import { decodeKvpItems, identifyGuest } from 'hyperv-kvp';
import { describe, expect, it } from 'vitest';
import { LabDriver } from '../../../agent/driver/lab/lab-driver.js';
import { hostParameterItems, OS_FACT_ITEM_NAMES } from '../../../agent/lab/intrinsic-items.js';
import { host, labOf, server, vm } from './lab-test-kit.js';

const fixture = (name: string) =>
  readFileSync(new URL(`../../fixtures/lab/${name}`, import.meta.url), 'utf8');

/** Names in the Key column of Microsoft's Msvm_KvpExchangeDataItem page. */
const DOCUMENTED_WINDOWS_NAMES = [
  ...fixture('msvm-kvpexchangedataitem-names.md').matchAll(/"(\w+)"<\/dt>/g),
].map((match) => match[1]);
/** Keys of hv_kvp_daemon's `enum key_index`. */
const DAEMON_KEYS = [...fixture('hv-kvp-daemon-key-index.c').matchAll(/^\t(\w+)/gm)].map((match) => match[1]);
const POOL3_DUMP: Record<string, string> = JSON.parse(fixture('pool3-hyperkv-readme.json'));

async function listedItems() {
  const lab = await labOf({
    hosts: [host('HV01', '2019')],
    vms: [
      vm('dc19', 'HV01', server('2019', 'datacenter'), { tenant: 'contoso' }),
      vm('eval16', 'HV01', server('2016', 'standard', 'none', 'licensed', { evaluation: true })),
      vm('sac', 'HV01', server('1809', 'standard')),
      vm('desk', 'HV01', {
        os: 'windows-client',
        version: '11',
        edition: 'pro',
        key: 'gvlk',
        licenseStatus: 'licensed',
      }),
      vm('lnx', 'HV01', { os: 'linux', version: '24.04', fqdn: 'lnx.example.com', ipv4: ['192.0.2.7'] }),
    ],
  });
  const listed = await new LabDriver(lab, 'HV01').listVms();
  return Object.fromEntries(listed.map((raw) => [raw.name, decodeKvpItems(raw.intrinsicItems)]));
}

describe('agent/lab/intrinsic-items', () => {
  // The lab keeps one copy of an OS-fact item's text for all VMs: an item whose value differs between
  // VMs of one OS in that set would make the copy grow with the fleet.
  it('gives every VM of one OS the same OS-fact items, and each VM its own name and addresses', async () => {
    const lab = await labOf({
      hosts: [host('HV01', '2019')],
      vms: [
        vm('a', 'HV01', server('2019', 'datacenter')),
        vm('b', 'HV01', server('2019', 'datacenter')),
        vm('l1', 'HV01', { os: 'linux', version: '24.04', fqdn: 'l1.example.com', ipv4: ['192.0.2.7'] }),
        vm('l2', 'HV01', { os: 'linux', version: '24.04', fqdn: 'l2.example.com', ipv4: ['192.0.2.8'] }),
      ],
    });
    const listed = await new LabDriver(lab, 'HV01').listVms();
    const items = Object.fromEntries(listed.map((raw) => [raw.name, decodeKvpItems(raw.intrinsicItems)]));
    for (const [one, other] of [
      ['a', 'b'],
      ['l1', 'l2'],
    ] as const) {
      const values = (name: string) => new Map(items[name]?.map((item) => [item.name, item.data]));
      const [x, y] = [values(one), values(other)];
      const differing = [...x.keys()].filter((name) => x.get(name) !== y.get(name));
      expect(differing.filter((name) => OS_FACT_ITEM_NAMES.has(name))).toEqual([]);
      expect(differing).toContain('FullyQualifiedDomainName');
      expect(differing).toContain('NetworkAddressIPv4');
    }
  });

  it('publishes exactly the intrinsic items Microsoft documents for a Windows guest', async () => {
    const items = await listedItems();
    expect(DOCUMENTED_WINDOWS_NAMES).toHaveLength(19);
    expect(items.dc19?.map((item) => item.name).sort()).toEqual([...DOCUMENTED_WINDOWS_NAMES].sort());
  });

  it("publishes exactly the Linux daemon's ten keys for a Linux guest, with its value formats", async () => {
    const items = await listedItems();
    expect(items.lnx?.map((item) => item.name)).toEqual(DAEMON_KEYS);
    const value = (name: string) => items.lnx?.find((item) => item.name === name)?.data;
    expect(value('OSBuildNumber')).toBe('6.8.0-31-generic');
    expect(value('OSVersion')).toBe('6.8.0');
    expect(value('ProcessorArchitecture')).toBe('x86_64');
  });

  it('is identified by hyperv-kvp exactly as the scenario describes each guest', async () => {
    const items = await listedItems();
    const identity = (name: string) => identifyGuest(items[name] ?? []);
    expect(identity('dc19')).toMatchObject({
      os: 'windows-server',
      version: '2019',
      build: 17763,
      edition: 'datacenter',
      evaluation: false,
    });
    expect(identity('dc19').fqdn).toBe('dc19.contoso.local');
    expect(identity('eval16')).toMatchObject({
      os: 'windows-server',
      version: '2016',
      edition: 'standard',
      evaluation: true,
    });
    expect(identity('sac')).toMatchObject({ os: 'windows-server', version: '1809', edition: 'standard' });
    expect(identity('desk')).toMatchObject({ os: 'windows-client', version: '11', edition: 'pro' });
    expect(identity('lnx')).toMatchObject({
      os: 'linux',
      fqdn: 'lnx.example.com',
      ipv4: ['192.0.2.7'],
      architecture: 'amd64',
    });
  });

  it('writes the host parameters with the keys and formats of a real pool-3 dump', async () => {
    const lab = await labOf({
      hosts: [host('thehost', '2022', 'datacenter', { fqdn: 'thehost.example.com' })],
    });
    const pairs = hostParameterItems(
      lab.host('thehost'),
      '461b2364-3901-4349-b3c2-fa4821cbeefe',
      'my-guest-vm',
    );
    expect(Object.fromEntries(pairs)).toEqual(POOL3_DUMP);
  });

  it('writes a Standard 2012 R2 host as edition 7, version 6.3', async () => {
    const lab = await labOf({ hosts: [host('HV01', '2012R2', 'standard')] });
    const params = Object.fromEntries(hostParameterItems(lab.host('HV01'), 'id', 'vm'));
    expect(params).toMatchObject({
      HostingSystemEditionId: '7',
      HostingSystemOsMajor: '6',
      HostingSystemOsMinor: '3',
    });
  });
});

describe('agent/lab/intrinsic-items: what a hostile tenant publishes as its FQDN', () => {
  const HOSTILE_FQDNS = [
    '<img src=x onerror=alert(1)>',
    '"><svg onload=alert(1)>&amp;',
    'javascript:alert(1)',
    '\u202emoc.elpmaxe',
    'x'.repeat(1022),
  ];

  it('publishes it byte for byte, XML-escaped on the wire', async () => {
    const lab = await labOf({
      hosts: [host('HV01', '2022')],
      vms: HOSTILE_FQDNS.map((fqdn, i) =>
        vm(`vm${i}`, 'HV01', server('2022', 'datacenter', 'avma', 'licensed', { fqdn })),
      ),
    });
    const listed = await new LabDriver(lab, 'HV01').listVms();
    for (const [i, fqdn] of HOSTILE_FQDNS.entries()) {
      const raw = listed.find((vmRaw) => vmRaw.name === `vm${i}`);
      const items = decodeKvpItems(raw?.intrinsicItems ?? []);
      expect(items.find((item) => item.name === 'FullyQualifiedDomainName')?.data).toBe(fqdn);
      expect(raw?.intrinsicItems.join('')).not.toContain('<img');
    }
  });

  it('refuses what no guest can publish: beyond the KVP value limits, or NUL', async () => {
    const { validateScenario } = await import('../../../agent/lab/scenario-loader.js');
    const scenario = (fqdn: string) => ({
      start: '2026-11-01T00:00:00Z',
      hosts: [host('HV01', '2022')],
      vms: [vm('vm0', 'HV01', server('2022', 'datacenter', 'avma', 'licensed', { fqdn }))],
    });
    expect(() => validateScenario(scenario('é'.repeat(600)))).toThrow(
      /vms\[0\]\.guest\.fqdn: the value is 1200 UTF-8 bytes/,
    );
    expect(() => validateScenario(scenario('x'.repeat(1023)))).toThrow(/vms\[0\]\.guest\.fqdn/);
    expect(() => validateScenario(scenario('a\u0000b'))).toThrow(
      /vms\[0\]\.guest\.fqdn: expected text without NUL/,
    );
  });
});
