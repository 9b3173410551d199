/**
 * KMS client setup keys (GVLKs) for Windows Server 2008 R2 through 2025, quoted from Microsoft's
 * "Key Management Services (KMS) client activation and product keys" page. Product names are the page's
 * "Operating system edition" cells with line breaks written as " / ".
 */
import type { GvlkEntry } from './gvlk.js';
import { gvlk } from './gvlk-entry.js';

const PAGE = 'MicrosoftDocs/windowsserverdocs WindowsServerDocs/get-started/kms-client-activation-keys.md';
/** Commit 0539a6bf (ms.date 10/01/2024): the first stored version with the 2025 tab. */
export const MS_KMS_2024 = `${PAGE} @0539a6bf (ms.date 10/01/2024)`;
/** Commit e2fb59c9 (ms.date 09/05/2023): still lists 2012 N, Single Language and Country Specific. */
export const MS_KMS_2023 = `${PAGE} @e2fb59c9 (ms.date 09/05/2023)`;
/** Seed 001: the zh-CN Windows 7 / Server 2008 R2 Volume Activation Deployment Guide, table 6. */
export const SEED_001_TABLE_6 = 'seed 001 (Volume Activation Deployment Guide, zh-CN), table 6';

const SAC_2019 = ['1809', '1903', '1909'] as const;

export const SERVER_GVLKS: readonly GvlkEntry[] = Object.freeze([
  gvlk('TVRH6-WHNXV-R9WG3-9XRFY-MY832', 'Windows Server 2025 Standard', ['2025'], 'standard', MS_KMS_2024),
  gvlk(
    'D764K-2NDRG-47T6Q-P8T8W-YP6DF',
    'Windows Server 2025 Datacenter',
    ['2025'],
    'datacenter',
    MS_KMS_2024,
  ),
  gvlk(
    'XGN3F-F394H-FD2MY-PP6FD-8MCRC',
    'Windows Server 2025 Datacenter: Azure Edition',
    ['2025'],
    'datacenter-azure',
    MS_KMS_2024,
  ),
  gvlk('VDYBN-27WPP-V4HQT-9VMD4-VMK7H', 'Windows Server 2022 Standard', ['2022'], 'standard', MS_KMS_2024),
  gvlk(
    'WX4NM-KYWYW-QJJR4-XV3QB-6VM33',
    'Windows Server 2022 Datacenter',
    ['2022'],
    'datacenter',
    MS_KMS_2024,
  ),
  gvlk(
    'NTBV8-9K7Q8-V27C6-M2BTV-KHMXV',
    'Windows Server 2022 Datacenter: Azure Edition',
    ['2022'],
    'datacenter-azure',
    MS_KMS_2024,
  ),
  gvlk('N69G4-B89J2-4G8F4-WWYCC-J464C', 'Windows Server 2019 Standard', ['2019'], 'standard', MS_KMS_2024),
  gvlk(
    'WMDGN-G9PQG-XVVXX-R3X43-63DFG',
    'Windows Server 2019 Datacenter',
    ['2019'],
    'datacenter',
    MS_KMS_2024,
  ),
  gvlk(
    'WVDHN-86M7X-466P6-VHXV7-YY726',
    'Windows Server 2019 Essentials',
    ['2019'],
    'essentials',
    MS_KMS_2024,
  ),
  gvlk('WC2BQ-8NRM3-FDDYY-2BFGV-KHKQY', 'Windows Server 2016 Standard', ['2016'], 'standard', MS_KMS_2024),
  gvlk(
    'CB7KF-BWN84-R7R2Y-793K2-8XDDG',
    'Windows Server 2016 Datacenter',
    ['2016'],
    'datacenter',
    MS_KMS_2024,
  ),
  gvlk(
    'JCKRF-N37P4-C2D82-9YXRT-4M63B',
    'Windows Server 2016 Essentials',
    ['2016'],
    'essentials',
    MS_KMS_2024,
  ),
  // "Windows Server, versions 20H2, 2004, 1909, 1903, and 1809": 2004 and 20H2 are outside the vocabulary.
  gvlk('N2KJX-J94YW-TQVFB-DG9YT-724CC', 'Windows Server Standard', SAC_2019, 'standard', MS_KMS_2024),
  gvlk('6NMRW-2C8FM-D24W7-TQWMY-CWH2D', 'Windows Server Datacenter', SAC_2019, 'datacenter', MS_KMS_2024),
  gvlk('PTXN8-JFHJM-4WC78-MPCBR-9W4KR', 'Windows Server Standard', ['1803'], 'standard', MS_KMS_2024),
  gvlk('2HXDN-KRXHB-GPYC7-YCKFJ-7FVDG', 'Windows Server Datacenter', ['1803'], 'datacenter', MS_KMS_2024),
  gvlk('DPCNP-XQFKJ-BJF7R-FRC8D-GF6G4', 'Windows Server Standard', ['1709'], 'standard', MS_KMS_2024),
  gvlk('6Y6KB-N82V8-D8CQV-23MJW-BWTG6', 'Windows Server Datacenter', ['1709'], 'datacenter', MS_KMS_2024),
  gvlk(
    'D2N9P-3P6X9-2R39C-7RTCD-MDVJX',
    'Windows Server 2012 R2 Standard',
    ['2012R2'],
    'standard',
    MS_KMS_2024,
  ),
  gvlk(
    'W3GGN-FT8W3-Y4M27-J84CP-Q3VJ9',
    'Windows Server 2012 R2 Datacenter',
    ['2012R2'],
    'datacenter',
    MS_KMS_2024,
  ),
  gvlk(
    'KNC87-3J2TX-XB4WP-VCPJV-M4FWM',
    'Windows Server 2012 R2 Essentials',
    ['2012R2'],
    'essentials',
    MS_KMS_2024,
  ),
  // The four "core" keys are also the Windows 8 Core keys (SystemRage/py-kms wiki/Windows-GVLK-Keys.md lists
  // "Windows Server 2012 / Windows 8 Core"); Microsoft dropped these rows from the page in 2024.
  gvlk('BN3D2-R7TKB-3YPBD-8DRP2-27GG4', 'Windows Server 2012', ['2012', '8'], 'core', MS_KMS_2023),
  gvlk('8N2M2-HWPGY-7PGT9-HGDD8-GVGGY', 'Windows Server 2012 N', ['2012', '8'], 'core-n', MS_KMS_2023),
  gvlk(
    '2WN2H-YGCQR-KFX6K-CD6TF-84YXQ',
    'Windows Server 2012 Single Language',
    ['2012', '8'],
    'core-single-language',
    MS_KMS_2023,
  ),
  gvlk(
    '4K36P-JN4VD-GDC6V-KDT89-DYFKP',
    'Windows Server 2012 Country Specific',
    ['2012', '8'],
    'core-country-specific',
    MS_KMS_2023,
  ),
  gvlk('XC9B7-NBPP2-83J2H-RHMBY-92BT4', 'Windows Server 2012 Standard', ['2012'], 'standard', MS_KMS_2024),
  gvlk(
    'HM7DN-YVMH3-46JC3-XYTG7-CYQJJ',
    'Windows Server 2012 MultiPoint Standard',
    ['2012'],
    'multipoint-standard',
    MS_KMS_2024,
  ),
  gvlk(
    'XNH6W-2V9GX-RGJ4K-Y8X6F-QGJ2G',
    'Windows Server 2012 MultiPoint Premium',
    ['2012'],
    'multipoint-premium',
    MS_KMS_2024,
  ),
  gvlk(
    '48HP8-DN98B-MYWDG-T2DCC-8W83P',
    'Windows Server 2012 Datacenter',
    ['2012'],
    'datacenter',
    MS_KMS_2024,
  ),
  gvlk(
    'HTDQM-NBMMG-KGYDT-2DTKT-J2MPV',
    'Windows Server 2012 Essentials',
    ['2012'],
    'essentials',
    MS_KMS_2024,
  ),
  gvlk('6TPJF-RBVHG-WBW2R-86QPH-6RTM4', 'Windows Server 2008 R2 Web', ['2008R2'], 'web', MS_KMS_2024),
  gvlk('TT8MH-CG224-D3D7Q-498W2-9QCTX', 'Windows Server 2008 R2 HPC edition', ['2008R2'], 'hpc', MS_KMS_2024),
  // The 2009 guide (seed 001) gives a different HPC key than Microsoft's current page; both are published.
  gvlk(
    'FKJQ8-TMCVP-FRMR7-4WR42-3JCD7',
    'Windows Server 2008 R2 HPC Edition',
    ['2008R2'],
    'hpc',
    SEED_001_TABLE_6,
  ),
  gvlk(
    'YC6KT-GKW9T-YTKYR-T4X34-R7VHC',
    'Windows Server 2008 R2 Standard',
    ['2008R2'],
    'standard',
    MS_KMS_2024,
  ),
  gvlk(
    '489J6-VHDMP-X63PK-3K798-CPX3Y',
    'Windows Server 2008 R2 Enterprise',
    ['2008R2'],
    'enterprise',
    MS_KMS_2024,
  ),
  gvlk(
    '74YFP-3QFB3-KQT8W-PMXWJ-7M648',
    'Windows Server 2008 R2 Datacenter',
    ['2008R2'],
    'datacenter',
    MS_KMS_2024,
  ),
  gvlk(
    'GT63C-RJFQ3-4GMB6-BRFB9-CB83V',
    'Windows Server 2008 R2 for Itanium-based Systems',
    ['2008R2'],
    'itanium',
    MS_KMS_2024,
  ),
]);
