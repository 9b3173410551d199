/**
 * Parsers for the values guests publish as intrinsic KVP items. The values come from tenants, so each
 * parser accepts only the documented shape and returns null (or drops the entry) for anything else;
 * none of them throws, uses a regular expression or does more than linear work.
 */

/** Longer values are not what any guest publishes (the wire caps values at 1023 units): junk. */
export const MAX_IDENTITY_VALUE_CHARS = 2048;

export type GuestArchitecture = 'x86' | 'amd64' | 'arm' | 'ia64' | 'arm64';

/** SYSTEM_INFO.wProcessorArchitecture (PROCESSOR_ARCHITECTURE_INTEL/ARM/IA64/AMD64/ARM64). */
const WINDOWS_ARCHITECTURES: ReadonlyMap<string, GuestArchitecture> = new Map([
  ['0', 'x86'],
  ['5', 'arm'],
  ['6', 'ia64'],
  ['9', 'amd64'],
  ['12', 'arm64'],
]);

/** `uname -m` as hv_kvp_daemon.c publishes it for Linux guests. */
const LINUX_ARCHITECTURES: ReadonlyMap<string, GuestArchitecture> = new Map([
  ['x86_64', 'amd64'],
  ['aarch64', 'arm64'],
  ['i386', 'x86'],
  ['i686', 'x86'],
  ['armv7l', 'arm'],
  ['ia64', 'ia64'],
]);

/** Removes the trailing CR, LF and NUL some producers leave (the Linux daemon's "...\n" included). */
export function trimValue(value: string): string {
  let end = value.length;
  while (end > 0) {
    const unit = value.charCodeAt(end - 1);
    if (unit !== 0x0a && unit !== 0x0d && unit !== 0) break;
    end--;
  }
  return end === value.length ? value : value.slice(0, end);
}

function isDigit(unit: number): boolean {
  return unit >= 0x30 && unit <= 0x39;
}

/** A decimal integer written without sign or leading zeros, of at most `maxDigits` digits; else null. */
export function parseDecimal(text: string, maxDigits: number): number | null {
  if (text.length === 0 || text.length > maxDigits) return null;
  if (text.length > 1 && text.charCodeAt(0) === 0x30) return null;
  for (let i = 0; i < text.length; i++) if (!isDigit(text.charCodeAt(i))) return null;
  return Number(text);
}

/** The architecture a Windows guest's numeric ProcessorArchitecture names; null for any other text. */
export function windowsArchitecture(value: string): GuestArchitecture | null {
  return WINDOWS_ARCHITECTURES.get(value) ?? null;
}

/** The architecture a Linux guest's `uname -m` ProcessorArchitecture names; null for any other text. */
export function linuxArchitecture(value: string): GuestArchitecture | null {
  return LINUX_ARCHITECTURES.get(value) ?? null;
}

/** Dotted-quad IPv4, each part 0..255 without leading zeros (which some parsers read as octal). */
export function isIpv4(text: string): boolean {
  const parts = text.split('.');
  return parts.length === 4 && parts.every((part) => parseDecimal(part, 3) !== null && Number(part) <= 255);
}

function isHexGroup(group: string): boolean {
  if (group.length === 0 || group.length > 4) return false;
  for (let i = 0; i < group.length; i++) {
    const unit = group.charCodeAt(i) | 0x20;
    if (!isDigit(group.charCodeAt(i)) && !(unit >= 0x61 && unit <= 0x66)) return false;
  }
  return true;
}

/** Counts the 16-bit groups of `groups` (a trailing dotted IPv4 counts two); -1 when one is invalid. */
function countGroups(groups: readonly string[], ipv4TailAllowed: boolean): number {
  let count = 0;
  for (let i = 0; i < groups.length; i++) {
    const group = groups[i] as string;
    if (ipv4TailAllowed && i === groups.length - 1 && group.includes('.')) {
      if (!isIpv4(group)) return -1;
      count += 2;
    } else if (isHexGroup(group)) count++;
    else return -1;
  }
  return count;
}

function isZone(zone: string): boolean {
  if (zone.length === 0 || zone.length > 32) return false;
  for (let i = 0; i < zone.length; i++) {
    const unit = zone.charCodeAt(i);
    const lower = unit | 0x20;
    if (
      !isDigit(unit) &&
      !(lower >= 0x61 && lower <= 0x7a) &&
      unit !== 0x2e &&
      unit !== 0x5f &&
      unit !== 0x2d
    )
      return false;
  }
  return true;
}

/** Colon-hexadecimal IPv6 (RFC 4291 text forms), optionally with a `%zone` suffix as Windows prints. */
export function isIpv6(text: string): boolean {
  const percent = text.indexOf('%');
  if (percent >= 0 && !isZone(text.slice(percent + 1))) return false;
  const address = percent >= 0 ? text.slice(0, percent) : text;
  if (address.length < 2 || address.length > 45) return false;
  const gap = address.indexOf('::');
  if (gap < 0) return countGroups(address.split(':'), true) === 8;
  if (address.indexOf('::', gap + 1) >= 0) return false;
  const head = address.slice(0, gap);
  const tail = address.slice(gap + 2);
  const headCount = head === '' ? 0 : countGroups(head.split(':'), false);
  const tailCount = tail === '' ? 0 : countGroups(tail.split(':'), true);
  return headCount >= 0 && tailCount >= 0 && headCount + tailCount <= 7;
}

/** The addresses of a `;`-separated list that have the right shape, in order, without duplicates. */
export function addressList(value: string | null, isAddress: (text: string) => boolean): string[] {
  if (value === null) return [];
  const addresses: string[] = [];
  for (const entry of value.split(';')) {
    const address = entry.trim();
    if (address.length > 0 && isAddress(address) && !addresses.includes(address)) addresses.push(address);
  }
  return addresses;
}

/** What hv_kvp_daemon.c publishes as FQDN when name resolution fails ("getaddrinfo failed\n"). */
const LINUX_FQDN_FAILURE = 'getaddrinfo failed';
const MAX_DNS_NAME = 253;
const MAX_DNS_LABEL = 63;

function isDnsLabel(label: string): boolean {
  if (label.length === 0 || label.length > MAX_DNS_LABEL) return false;
  if (label.startsWith('-') || label.endsWith('-')) return false;
  for (let i = 0; i < label.length; i++) {
    const unit = label.charCodeAt(i);
    const lower = unit | 0x20;
    if (!isDigit(unit) && !(lower >= 0x61 && lower <= 0x7a) && unit !== 0x2d && unit !== 0x5f) return false;
  }
  return true;
}

/**
 * The guest's DNS name when it has the shape of one (ASCII labels of letters, digits, '-', '_'; a
 * single label is accepted, as Windows reports workgroup machines); null otherwise.
 */
export function dnsName(value: string | null): string | null {
  if (value === null || value === LINUX_FQDN_FAILURE) return null;
  const name = value.endsWith('.') ? value.slice(0, -1) : value;
  if (name.length === 0 || name.length > MAX_DNS_NAME) return null;
  return name.split('.').every(isDnsLabel) ? name : null;
}
