/**
 * What a lab guest's operating system looks like from the inside: build, SKU (`OSEditionId`),
 * `ProductType`, product name, and the Linux daemon's values. These feed the intrinsic KVP items, so
 * the agent identifies lab guests exactly as it identifies real ones.
 *
 * Sources: builds and SKUs from hyperv-kvp's windows-release.ts (hcsshim, winnt.h `PRODUCT_*`);
 * `ProductType` from `OSVERSIONINFOEX.wProductType`; Linux values from torvalds/linux
 * tools/hv/hv_kvp_daemon.c (`OSVersion` is `uname -r` cut at the first '-', `OSBuildNumber` the full
 * release, `OSName` the os-release NAME, `OSMajorVersion` its VERSION_ID). Product names, suite masks
 * and integration-services versions are illustrative (no public dump of a whole 2016+ guest was found).
 */
import {
  type ClientVersion,
  type Edition,
  PRODUCT_SKU,
  PRODUCT_TYPE,
  SERVER_VERSION_BUILD,
  type ServerVersion,
} from 'hyperv-kvp';

/** Semi-annual channel releases ship as Server Core only, with their own SKUs (145/146). */
export const SEMI_ANNUAL_VERSIONS: readonly ServerVersion[] = Object.freeze([
  '1709',
  '1803',
  '1809',
  '1903',
  '1909',
]);

/** Windows 10 22H2 and Windows 11 23H2, the last builds of each (illustrative choice). */
export const CLIENT_BUILDS: Readonly<Record<ClientVersion, number>> = Object.freeze({
  '10': 19045,
  '11': 22631,
});

/** `OSVERSIONINFOEX.wSuiteMask` bits (winnt.h). */
export const VER_SUITE = Object.freeze({
  VER_SUITE_TERMINAL: 0x10,
  VER_SUITE_DATACENTER: 0x80,
  VER_SUITE_SINGLEUSERTS: 0x100,
});

/** `SYSTEM_INFO.wProcessorArchitecture` for x64 guests, the only architecture the lab models. */
export const PROCESSOR_ARCHITECTURE_AMD64 = 9;
/** `OSVERSIONINFOEX.dwPlatformId`: VER_PLATFORM_WIN32_NT, "a supported Windows system". */
export const VER_PLATFORM_WIN32_NT = 2;

export interface WindowsOsFacts {
  readonly build: number;
  readonly major: number;
  readonly minor: number;
  readonly sku: number;
  readonly productType: number;
  readonly productName: string;
  readonly csdVersion: string;
  readonly servicePackMajor: number;
  readonly suiteMask: number;
}

function versionNumbers(build: number): { major: number; minor: number } {
  if (build >= 10240) return { major: 10, minor: 0 };
  if (build === 9600) return { major: 6, minor: 3 };
  if (build === 9200) return { major: 6, minor: 2 };
  return { major: 6, minor: 1 };
}

function serverSku(version: ServerVersion, edition: Edition, evaluation: boolean): number {
  const semiAnnual = SEMI_ANNUAL_VERSIONS.includes(version);
  switch (edition) {
    case 'datacenter':
      if (evaluation) return PRODUCT_SKU.PRODUCT_DATACENTER_EVALUATION_SERVER;
      return semiAnnual
        ? PRODUCT_SKU.PRODUCT_DATACENTER_A_SERVER_CORE
        : PRODUCT_SKU.PRODUCT_DATACENTER_SERVER;
    case 'standard':
      if (evaluation) return PRODUCT_SKU.PRODUCT_STANDARD_EVALUATION_SERVER;
      return semiAnnual ? PRODUCT_SKU.PRODUCT_STANDARD_A_SERVER_CORE : PRODUCT_SKU.PRODUCT_STANDARD_SERVER;
    case 'essentials':
      return PRODUCT_SKU.PRODUCT_SB_SOLUTION_SERVER;
    case 'datacenter-azure':
      return PRODUCT_SKU.PRODUCT_DATACENTER_SERVER_AZURE_EDITION;
    case 'pro':
    case 'enterprise':
      // Client editions never run as a server guest; the scenario schema refuses the combination.
      return edition === 'pro' ? PRODUCT_SKU.PRODUCT_PROFESSIONAL : PRODUCT_SKU.PRODUCT_ENTERPRISE;
  }
}

const EDITION_WORDS: Readonly<Record<Edition, string>> = Object.freeze({
  datacenter: 'Datacenter',
  standard: 'Standard',
  essentials: 'Essentials',
  'datacenter-azure': 'Datacenter: Azure Edition',
  pro: 'Pro',
  enterprise: 'Enterprise',
});

function serverProductName(version: ServerVersion, edition: Edition, evaluation: boolean): string {
  // Semi-annual releases name no year ("Windows Server Datacenter"); evaluations append "Evaluation".
  const release = SEMI_ANNUAL_VERSIONS.includes(version) ? '' : ` ${version.replace(/R2$/, ' R2')}`;
  return `Windows Server${release} ${EDITION_WORDS[edition]}${evaluation ? ' Evaluation' : ''}`;
}

/** OS facts of a Windows Server guest. Never throws for vocabulary values. */
export function windowsServerFacts(
  version: ServerVersion,
  edition: Edition,
  evaluation: boolean,
): WindowsOsFacts {
  const build = SERVER_VERSION_BUILD[version];
  const suiteMask =
    VER_SUITE.VER_SUITE_TERMINAL |
    VER_SUITE.VER_SUITE_SINGLEUSERTS |
    (edition === 'datacenter' || edition === 'datacenter-azure' ? VER_SUITE.VER_SUITE_DATACENTER : 0);
  return Object.freeze({
    build,
    ...versionNumbers(build),
    sku: serverSku(version, edition, evaluation),
    productType: PRODUCT_TYPE.VER_NT_SERVER,
    productName: serverProductName(version, edition, evaluation),
    // 2008 R2 guests are modelled with SP1 (build 7601 is the SP1 build).
    csdVersion: version === '2008R2' ? 'Service Pack 1' : '',
    servicePackMajor: version === '2008R2' ? 1 : 0,
    suiteMask,
  });
}

/**
 * OS facts of a Windows 10/11 guest. Windows 11 keeps "Windows 10" in the registry `ProductName` that
 * `OSName` is read from (widely reported, UNCONFIRMED); the build tells them apart.
 */
export function windowsClientFacts(version: ClientVersion, edition: Edition): WindowsOsFacts {
  const build = CLIENT_BUILDS[version];
  return Object.freeze({
    build,
    major: 10,
    minor: 0,
    sku: edition === 'enterprise' ? PRODUCT_SKU.PRODUCT_ENTERPRISE : PRODUCT_SKU.PRODUCT_PROFESSIONAL,
    productType: PRODUCT_TYPE.VER_NT_WORKSTATION,
    productName: `Windows 10 ${EDITION_WORDS[edition]}`,
    csdVersion: '',
    servicePackMajor: 0,
    suiteMask: VER_SUITE.VER_SUITE_SINGLEUSERTS,
  });
}

export interface LinuxOsFacts {
  /** os-release NAME. */
  readonly name: string;
  /** os-release VERSION_ID. */
  readonly versionId: string;
  /** `uname -r`. */
  readonly kernelRelease: string;
  /** `uname -m`. */
  readonly machine: string;
  /** In-kernel hv_utils registers `HV_DRV_VERSION` "3.1" (drivers/hv/hv_kvp.c). */
  readonly integrationServicesVersion: string;
}

/** Kernel releases of Ubuntu LTS images (illustrative); other versions get the newest listed. */
const UBUNTU_KERNELS: Readonly<Record<string, string>> = Object.freeze({
  '20.04': '5.4.0-169-generic',
  '22.04': '5.15.0-91-generic',
  '24.04': '6.8.0-31-generic',
});
export const DEFAULT_LINUX_VERSION = '22.04';

/** OS facts of a Linux guest (modelled as Ubuntu on x86_64). Never throws. */
export function linuxFacts(versionId: string): LinuxOsFacts {
  return Object.freeze({
    name: 'Ubuntu',
    versionId,
    kernelRelease: UBUNTU_KERNELS[versionId] ?? '6.8.0-31-generic',
    machine: 'x86_64',
    integrationServicesVersion: '3.1',
  });
}
