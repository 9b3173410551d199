import {
  addressList,
  dnsName,
  type GuestArchitecture,
  isIpv4,
  isIpv6,
  linuxArchitecture,
  MAX_IDENTITY_VALUE_CHARS,
  parseDecimal,
  trimValue,
  windowsArchitecture,
} from './guest-values.js';
import { KVP_SOURCE, type KvpItem } from './item.js';
import {
  type ClientVersion,
  clientVersionFromBuild,
  type Edition,
  PRODUCT_SKU,
  PRODUCT_TYPE,
  type ServerVersion,
  SKU_MEANINGS,
  serverVersionFromBuild,
} from './windows-release.js';

/**
 * A guest's identity from its intrinsic items (GuestIntrinsicExchangeItems, Source 2). Everything here
 * comes from the tenant's OS, so nothing is trusted and nothing is guessed: a missing, malformed,
 * contradictory or unknown value becomes null (or is dropped from a list).
 */

export type GuestOs = 'windows-server' | 'windows-client' | 'linux' | 'unknown';

export interface GuestIdentity {
  readonly os: GuestOs;
  /** Release from the build (and SKU, for 1809 vs 2019); null for Linux and unknown builds. */
  readonly version: ServerVersion | ClientVersion | null;
  /** Windows build number (OSBuildNumber, or the third part of OSVersion); null for Linux. */
  readonly build: number | null;
  readonly edition: Edition | null;
  readonly evaluation: boolean | null;
  readonly fqdn: string | null;
  readonly ipv4: readonly string[];
  readonly ipv6: readonly string[];
  readonly architecture: GuestArchitecture | null;
}

/** Items only Windows guests publish (Msvm_KvpExchangeDataItem key list; hv_kvp_daemon.c has none). */
const WINDOWS_ONLY_ITEMS = [
  'ProductType',
  'OSEditionId',
  'SuiteMask',
  'CSDVersion',
  'ServicePackMajor',
  'ServicePackMinor',
  'RDPAddressIPv4',
  'RDPAddressIPv6',
] as const;

/** SKUs that are client editions; the rest of SKU_MEANINGS are server editions. */
const CLIENT_SKUS: ReadonlySet<number> = new Set([
  PRODUCT_SKU.PRODUCT_ENTERPRISE,
  PRODUCT_SKU.PRODUCT_PROFESSIONAL,
]);
const MAX_BUILD_DIGITS = 6;
const MAX_SKU_DIGITS = 4;

/**
 * The intrinsic values by name, trimmed. A name published twice with different values is ambiguous
 * and reads as absent; a value longer than any guest publishes reads as absent.
 */
function intrinsicValues(items: readonly KvpItem[]): ReadonlyMap<string, string | null> {
  const values = new Map<string, string | null>();
  for (const item of items) {
    if (item.source !== KVP_SOURCE.GUEST_INTRINSIC_EXCHANGE_ITEMS) continue;
    const value = item.data.length > MAX_IDENTITY_VALUE_CHARS ? null : trimValue(item.data);
    const previous = values.get(item.name);
    values.set(item.name, previous === undefined || previous === value ? value : null);
  }
  return values;
}

function present(values: ReadonlyMap<string, string | null>, name: string): string | null {
  const value = values.get(name);
  return value === undefined || value === null || value.length === 0 ? null : value;
}

/** hv_kvp_daemon.c's OSBuildNumber is `uname -r` and its OSVersion the same cut at the first '-'. */
function isKernelRelease(build: string | null, version: string | null): boolean {
  if (build === null || !build.includes('.') || parseDecimal(build, MAX_BUILD_DIGITS) !== null) return false;
  return version === null || build.startsWith(version);
}

/** Linux by the daemon's item set: no Windows-only items and at least two Linux-shaped values. */
function looksLikeLinux(values: ReadonlyMap<string, string | null>): boolean {
  if (WINDOWS_ONLY_ITEMS.some((name) => present(values, name) !== null)) return false;
  const architecture = present(values, 'ProcessorArchitecture');
  const osName = present(values, 'OSName');
  const markers = [
    architecture !== null && linuxArchitecture(architecture) !== null,
    isKernelRelease(present(values, 'OSBuildNumber'), present(values, 'OSVersion')),
    osName !== null && !osName.toLowerCase().includes('windows'),
  ];
  return markers.filter(Boolean).length >= 2;
}

function guestOs(values: ReadonlyMap<string, string | null>): GuestOs {
  const productType = present(values, 'ProductType');
  if (productType === null) return looksLikeLinux(values) ? 'linux' : 'unknown';
  const type = parseDecimal(productType, 1);
  if (type === PRODUCT_TYPE.VER_NT_WORKSTATION) return 'windows-client';
  if (type === PRODUCT_TYPE.VER_NT_DOMAIN_CONTROLLER || type === PRODUCT_TYPE.VER_NT_SERVER)
    return 'windows-server';
  return 'unknown';
}

/** The build from OSBuildNumber or OSVersion "major.minor.build"; null when absent or contradictory. */
function windowsBuild(values: ReadonlyMap<string, string | null>): number | null {
  const fromNumber = parseDecimal(present(values, 'OSBuildNumber') ?? '', MAX_BUILD_DIGITS);
  const parts = (present(values, 'OSVersion') ?? '').split('.');
  const fromVersion =
    parts.length === 3 && parts.every((part) => parseDecimal(part, MAX_BUILD_DIGITS) !== null)
      ? parseDecimal(parts[2] as string, MAX_BUILD_DIGITS)
      : null;
  if (fromNumber !== null && fromVersion !== null && fromNumber !== fromVersion) return null;
  return fromNumber ?? fromVersion;
}

interface EditionFacts {
  readonly sku: number | null;
  readonly edition: Edition | null;
  readonly evaluation: boolean | null;
}

function editionFacts(values: ReadonlyMap<string, string | null>, os: GuestOs): EditionFacts {
  const sku = parseDecimal(present(values, 'OSEditionId') ?? '', MAX_SKU_DIGITS);
  const meaning = sku === null ? undefined : SKU_MEANINGS.get(sku);
  const fitsFamily =
    sku !== null &&
    (os === 'windows-client' ? CLIENT_SKUS.has(sku) : os === 'windows-server' && !CLIENT_SKUS.has(sku));
  if (meaning === undefined || !fitsFamily) return { sku, edition: null, evaluation: null };
  return { sku, edition: meaning.edition, evaluation: meaning.evaluation };
}

function architectureOf(values: ReadonlyMap<string, string | null>, os: GuestOs): GuestArchitecture | null {
  const value = present(values, 'ProcessorArchitecture');
  if (value === null) return null;
  if (os === 'linux') return linuxArchitecture(value);
  if (os === 'unknown') return windowsArchitecture(value) ?? linuxArchitecture(value);
  return windowsArchitecture(value);
}

function releaseOf(
  os: GuestOs,
  build: number | null,
  sku: number | null,
): ServerVersion | ClientVersion | null {
  if (build === null) return null;
  if (os === 'windows-server') return serverVersionFromBuild(build, sku);
  if (os === 'windows-client') return clientVersionFromBuild(build);
  return null;
}

/**
 * The identity of a guest from its intrinsic items (only Source 2 items are considered; others are
 * ignored). Never throws: values that are missing, malformed, contradictory or unknown are null, and
 * list entries that are not addresses are dropped. The result and its lists are frozen.
 */
export function identifyGuest(items: readonly KvpItem[]): GuestIdentity {
  const values = intrinsicValues(items);
  const os = guestOs(values);
  const windows = os === 'windows-server' || os === 'windows-client';
  const build = os === 'linux' ? null : windowsBuild(values);
  const facts = windows ? editionFacts(values, os) : { sku: null, edition: null, evaluation: null };
  return Object.freeze({
    os,
    version: releaseOf(os, build, facts.sku),
    build,
    edition: facts.edition,
    evaluation: facts.evaluation,
    fqdn: dnsName(present(values, 'FullyQualifiedDomainName')),
    ipv4: Object.freeze(addressList(present(values, 'NetworkAddressIPv4'), isIpv4)),
    ipv6: Object.freeze(addressList(present(values, 'NetworkAddressIPv6'), isIpv6)),
    architecture: architectureOf(values, os),
  });
}
