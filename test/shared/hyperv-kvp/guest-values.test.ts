import {
  addressList,
  dnsName,
  isIpv4,
  isIpv6,
  linuxArchitecture,
  trimValue,
  windowsArchitecture,
} from 'hyperv-kvp';
import { describe, expect, it } from 'vitest';

describe('shared/hyperv-kvp/guest-values', () => {
  it('accepts dotted-quad IPv4 and refuses octal-looking, short, long and out-of-range forms', () => {
    expect(['0.0.0.0', '169.254.103.5', '255.255.255.255'].every(isIpv4)).toBe(true);
    expect(
      [
        '010.0.0.1',
        '1.2.3',
        '1.2.3.4.5',
        '256.1.1.1',
        '1.2.3.-4',
        ' 1.2.3.4',
        '1.2.3.4 ',
        'a.b.c.d',
        '',
      ].some(isIpv4),
    ).toBe(false);
  });

  it('accepts the RFC 4291 text forms of IPv6, with a Windows zone suffix', () => {
    const good = [
      '::',
      '::1',
      'fe80::5c2b:1d4f:9a1e:77b3%6',
      '2001:db8:0:0:0:0:2:1',
      '2001:DB8::8:800:200C:417A',
      '::ffff:192.0.2.128',
      '1::',
    ];
    expect(good.filter((address) => !isIpv6(address))).toEqual([]);
  });

  it('refuses malformed IPv6', () => {
    const bad = [
      ':',
      ':::',
      '1:2:3:4:5:6:7:8:9',
      '1::2::3',
      '12345::',
      'g::1',
      '::ffff:999.0.0.1',
      'fe80::1%',
      'fe80::1%zone with space',
      '1:2:3:4:5:6:7',
      '::1:2:3:4:5:6:7:8',
    ];
    expect(bad.filter(isIpv6)).toEqual([]);
  });

  it('splits address lists on ";", dropping empties, junk and repeats', () => {
    expect(addressList('10.0.0.5;;169.254.1.2; junk ;10.0.0.5;', isIpv4)).toEqual([
      '10.0.0.5',
      '169.254.1.2',
    ]);
    expect(addressList(null, isIpv4)).toEqual([]);
  });

  it("keeps a DNS-shaped FQDN, a single label, and drops the Linux daemon's failure text", () => {
    expect(dnsName('web-07.tenant-42.example.net')).toBe('web-07.tenant-42.example.net');
    expect(dnsName('AUTOBVT-4OVYXAB')).toBe('AUTOBVT-4OVYXAB');
    expect(dnsName('host.example.')).toBe('host.example');
    expect(dnsName('getaddrinfo failed')).toBeNull();
  });

  it('refuses names that are not DNS names', () => {
    const bad = [
      '',
      '.',
      'a..b',
      '-a.b',
      'a-.b',
      'a b',
      '<script>',
      'héllo.example',
      `${'a'.repeat(64)}.b`,
      `${'a.'.repeat(127)}ab`,
    ];
    expect(bad.map(dnsName).filter((name) => name !== null)).toEqual([]);
  });

  it('trims only trailing CR, LF and NUL', () => {
    expect(trimValue(' a b \r\n\u0000\n')).toBe(' a b ');
    expect(trimValue('\na')).toBe('\na');
  });

  it('maps SYSTEM_INFO architecture codes and uname -m names', () => {
    expect(windowsArchitecture('9')).toBe('amd64');
    expect(windowsArchitecture('09')).toBeNull();
    expect(linuxArchitecture('aarch64')).toBe('arm64');
    expect(linuxArchitecture('riscv64')).toBeNull();
  });
});
