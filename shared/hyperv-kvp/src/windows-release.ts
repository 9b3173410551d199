/**
 * Windows releases and editions as a Hyper-V guest reports them through its intrinsic KVP items
 * (`OSBuildNumber`, `ProductType`, `OSEditionId`), in the vocabulary of the lab scenario format
 * (architecture §5). Sources: hcsshim `osversion/windowsbuilds.go` (14393, 17763, 20348), GitHub
 * runner images (26100), sdk-api `GetProductInfo` and winnt.h `PRODUCT_*` (SKUs).
 */

/** Windows Server releases, oldest first; semi-annual channel releases sit in build order. */
export const SERVER_VERSIONS = [
  '2008R2',
  '2012',
  '2012R2',
  '2016',
  '1709',
  '1803',
  '1809',
  '2019',
  '1903',
  '1909',
  '2022',
  '2025',
] as const;
export type ServerVersion = (typeof SERVER_VERSIONS)[number];

/** Host versions the product supports (AVMA exists from 2012 R2 on). */
export const HOST_VERSIONS = ['2012R2', '2016', '2019', '2022', '2025'] as const;
export type HostVersion = (typeof HOST_VERSIONS)[number];

export const CLIENT_VERSIONS = ['10', '11'] as const;
export type ClientVersion = (typeof CLIENT_VERSIONS)[number];

export const GUEST_OS_FAMILIES = ['windows-server', 'windows-client', 'linux'] as const;
export type GuestOsFamily = (typeof GUEST_OS_FAMILIES)[number];

export const EDITIONS = [
  'datacenter',
  'standard',
  'essentials',
  'datacenter-azure',
  'pro',
  'enterprise',
] as const;
export type Edition = (typeof EDITIONS)[number];

export const HOST_EDITIONS = ['datacenter', 'standard'] as const;
export type HostEdition = (typeof HOST_EDITIONS)[number];

/**
 * `OSVERSIONINFOEX.wProductType`: 1 workstation, 2 domain controller, 3 server. Client and server
 * share build numbers (17763 is both Windows 10 1809 and Server 2019), so this decides the family.
 */
export const PRODUCT_TYPE = { VER_NT_WORKSTATION: 1, VER_NT_DOMAIN_CONTROLLER: 2, VER_NT_SERVER: 3 } as const;

/**
 * Server build numbers. 17763 is shared by Server 2019 (LTSC) and Server 1809 (semi-annual, Server Core
 * only): the SKU decides (145/146 are the semi-annual core SKUs). 16299, 17134, 18362 and 18363 were
 * semi-annual only.
 */
export const SERVER_BUILDS: Readonly<Record<number, ServerVersion>> = Object.freeze({
  7601: '2008R2',
  9200: '2012',
  9600: '2012R2',
  14393: '2016',
  16299: '1709',
  17134: '1803',
  17763: '2019',
  18362: '1903',
  18363: '1909',
  20348: '2022',
  26100: '2025',
});

/** The build each server version shipped with; 1809 and 2019 share 17763. */
export const SERVER_VERSION_BUILD: Readonly<Record<ServerVersion, number>> = Object.freeze({
  '2008R2': 7601,
  '2012': 9200,
  '2012R2': 9600,
  '2016': 14393,
  '1709': 16299,
  '1803': 17134,
  '1809': 17763,
  '2019': 17763,
  '1903': 18362,
  '1909': 18363,
  '2022': 20348,
  '2025': 26100,
});

/** Windows 10 builds run 10240..19045; Windows 11 starts at 22000 (21H2). */
export const WINDOWS_11_FIRST_BUILD = 22000;
export const WINDOWS_10_FIRST_BUILD = 10240;

/** GetProductInfo / `OperatingSystemSKU` values, named after winnt.h. */
export const PRODUCT_SKU = {
  PRODUCT_ENTERPRISE: 4,
  PRODUCT_STANDARD_SERVER: 7,
  PRODUCT_DATACENTER_SERVER: 8,
  PRODUCT_ENTERPRISE_SERVER: 10,
  PRODUCT_DATACENTER_SERVER_CORE: 12,
  PRODUCT_STANDARD_SERVER_CORE: 13,
  PRODUCT_ENTERPRISE_SERVER_CORE: 14,
  PRODUCT_PROFESSIONAL: 48,
  PRODUCT_SB_SOLUTION_SERVER: 50,
  PRODUCT_STANDARD_EVALUATION_SERVER: 79,
  PRODUCT_DATACENTER_EVALUATION_SERVER: 80,
  PRODUCT_DATACENTER_A_SERVER_CORE: 145,
  PRODUCT_STANDARD_A_SERVER_CORE: 146,
  PRODUCT_DATACENTER_WS_SERVER_CORE: 147,
  PRODUCT_STANDARD_WS_SERVER_CORE: 148,
  PRODUCT_DATACENTER_EVALUATION_SERVER_CORE: 159,
  PRODUCT_STANDARD_EVALUATION_SERVER_CORE: 160,
  PRODUCT_DATACENTER_SERVER_AZURE_EDITION: 407,
  PRODUCT_DATACENTER_SERVER_CORE_AZURE_EDITION: 408,
} as const;

export interface SkuMeaning {
  readonly edition: Edition;
  readonly evaluation: boolean;
  /** Semi-annual channel core SKU: distinguishes 1809 from 2019 on build 17763. */
  readonly semiAnnual: boolean;
}

function sku(edition: Edition, evaluation = false, semiAnnual = false): SkuMeaning {
  return Object.freeze({ edition, evaluation, semiAnnual });
}

/**
 * What each SKU means for licensing. Server Core installs of 2012 and later report 7/8 (GetProductInfo
 * docs); 147/148 appear in `Win32_OperatingSystem` for Server Core, so both are accepted. 10/14
 * (Enterprise) exist only up to 2008 R2. Unlisted SKUs are not guessed.
 */
export const SKU_MEANINGS: ReadonlyMap<number, SkuMeaning> = new Map([
  [PRODUCT_SKU.PRODUCT_ENTERPRISE, sku('enterprise')],
  [PRODUCT_SKU.PRODUCT_PROFESSIONAL, sku('pro')],
  [PRODUCT_SKU.PRODUCT_STANDARD_SERVER, sku('standard')],
  [PRODUCT_SKU.PRODUCT_DATACENTER_SERVER, sku('datacenter')],
  [PRODUCT_SKU.PRODUCT_ENTERPRISE_SERVER, sku('enterprise')],
  [PRODUCT_SKU.PRODUCT_DATACENTER_SERVER_CORE, sku('datacenter')],
  [PRODUCT_SKU.PRODUCT_STANDARD_SERVER_CORE, sku('standard')],
  [PRODUCT_SKU.PRODUCT_ENTERPRISE_SERVER_CORE, sku('enterprise')],
  [PRODUCT_SKU.PRODUCT_SB_SOLUTION_SERVER, sku('essentials')],
  [PRODUCT_SKU.PRODUCT_STANDARD_EVALUATION_SERVER, sku('standard', true)],
  [PRODUCT_SKU.PRODUCT_DATACENTER_EVALUATION_SERVER, sku('datacenter', true)],
  [PRODUCT_SKU.PRODUCT_DATACENTER_A_SERVER_CORE, sku('datacenter', false, true)],
  [PRODUCT_SKU.PRODUCT_STANDARD_A_SERVER_CORE, sku('standard', false, true)],
  [PRODUCT_SKU.PRODUCT_DATACENTER_WS_SERVER_CORE, sku('datacenter')],
  [PRODUCT_SKU.PRODUCT_STANDARD_WS_SERVER_CORE, sku('standard')],
  [PRODUCT_SKU.PRODUCT_DATACENTER_EVALUATION_SERVER_CORE, sku('datacenter', true)],
  [PRODUCT_SKU.PRODUCT_STANDARD_EVALUATION_SERVER_CORE, sku('standard', true)],
  [PRODUCT_SKU.PRODUCT_DATACENTER_SERVER_AZURE_EDITION, sku('datacenter-azure')],
  [PRODUCT_SKU.PRODUCT_DATACENTER_SERVER_CORE_AZURE_EDITION, sku('datacenter-azure')],
]);

/** Build order of two server versions (negative when `a` is older). 1809 and 2019 compare equal. */
export function compareServerVersions(a: ServerVersion, b: ServerVersion): number {
  return SERVER_VERSION_BUILD[a] - SERVER_VERSION_BUILD[b];
}

export function isServerVersion(value: string): value is ServerVersion {
  return (SERVER_VERSIONS as readonly string[]).includes(value);
}

export function isHostVersion(value: string): value is HostVersion {
  return (HOST_VERSIONS as readonly string[]).includes(value);
}

export function isEdition(value: string): value is Edition {
  return (EDITIONS as readonly string[]).includes(value);
}

/** Server version from a build number and SKU; `null` for a build this table does not know. */
export function serverVersionFromBuild(build: number, skuId: number | null): ServerVersion | null {
  const version = SERVER_BUILDS[build];
  if (version === undefined) return null;
  if (version === '2019' && skuId !== null && SKU_MEANINGS.get(skuId)?.semiAnnual === true) return '1809';
  return version;
}

/** Client version from a build number; Windows 7/8 (before 10240) are outside the vocabulary. */
export function clientVersionFromBuild(build: number): ClientVersion | null {
  if (build >= WINDOWS_11_FIRST_BUILD) return '11';
  if (build >= WINDOWS_10_FIRST_BUILD) return '10';
  return null;
}
