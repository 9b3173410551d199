/**
 * The generic AVMA client keys, one per Windows Server version and edition.
 *
 * Source: MicrosoftDocs/windowsserverdocs `WindowsServerDocs/get-started/automatic-vm-activation.md`
 * (commit c598204f, ms.date 09/19/2023), tables "The following AVMA keys can be used for ...". That page
 * gives the 2019 key for versions 1809/1903/1909 and the 2016 key for 1709/1803. The Chinese machine
 * translation (seed 003) renders the 2019 Standard key as "TNK62-RXVTB-4P47B-2 D 623 4GF74"; the real key
 * has the fourth group `2D623`, which is what normalising that rendering yields.
 */
import type { Edition, ServerVersion } from 'hyperv-kvp';

/** Editions for which Microsoft publishes AVMA keys. */
export type AvmaEdition = Extract<Edition, 'datacenter' | 'standard' | 'essentials' | 'datacenter-azure'>;

export interface AvmaKeyEntry {
  /** The key in canonical 5x5 form. */
  readonly key: string;
  readonly edition: AvmaEdition;
  /** The long-term release the key is named after; a semi-annual release reuses it. */
  readonly primaryVersion: ServerVersion;
  /** Every release the key activates as a guest, in build order. */
  readonly versions: readonly ServerVersion[];
  readonly source: string;
}

const MS_AVMA_2023 =
  'MicrosoftDocs/windowsserverdocs WindowsServerDocs/get-started/automatic-vm-activation.md';
/**
 * UNCONFIRMED by a primary source: the stored copy of Microsoft's page predates 2025 and the live page's
 * `?tabs=server2025` tab could not be read. The three strings appear identically in independent public
 * scripts that cite that tab (avma-facts §1a note 1). Check once against the live page before shipping.
 */
const CONSENSUS_2025 =
  'learn.microsoft.com automatic-vm-activation?tabs=server2025 (UNCONFIRMED: quoted by third-party scripts)';

function entry(
  key: string,
  edition: AvmaEdition,
  primaryVersion: ServerVersion,
  versions: readonly ServerVersion[],
  source = MS_AVMA_2023,
): AvmaKeyEntry {
  return Object.freeze({ key, edition, primaryVersion, versions: Object.freeze([...versions]), source });
}

const SAC_2016: readonly ServerVersion[] = ['2016', '1709', '1803'];
const SAC_2019: readonly ServerVersion[] = ['1809', '2019', '1903', '1909'];

export const AVMA_KEYS: readonly AvmaKeyEntry[] = Object.freeze([
  entry('YQB4H-NKHHJ-Q6K4R-4VMY6-VCH67', 'datacenter', '2025', ['2025'], CONSENSUS_2025),
  entry('6NMQ9-T38WF-6MFGM-QYGYM-88J4F', 'datacenter-azure', '2025', ['2025'], CONSENSUS_2025),
  entry('WWVGQ-PNHV9-B89P4-8GGM9-9HPQ4', 'standard', '2025', ['2025'], CONSENSUS_2025),
  entry('W3GNR-8DDXR-2TFRP-H8P33-DV9BG', 'datacenter', '2022', ['2022']),
  entry('F7TB6-YKN8Y-FCC6R-KQ484-VMK3J', 'datacenter-azure', '2022', ['2022']),
  entry('YDFWN-MJ9JR-3DYRK-FXXRW-78VHK', 'standard', '2022', ['2022']),
  entry('H3RNG-8C32Q-Q8FRX-6TDXV-WMBMW', 'datacenter', '2019', SAC_2019),
  entry('TNK62-RXVTB-4P47B-2D623-4GF74', 'standard', '2019', SAC_2019),
  // Microsoft lists Essentials keys for 2019, 2016 and 2012 R2 only, and not for the semi-annual releases.
  entry('2CTP7-NHT64-BP62M-FV6GG-HFV28', 'essentials', '2019', ['2019']),
  entry('TMJ3Y-NTRTM-FJYXT-T22BY-CWG3J', 'datacenter', '2016', SAC_2016),
  entry('C3RCX-M6NRP-6CXC9-TW2F2-4RHYD', 'standard', '2016', SAC_2016),
  entry('B4YNW-62DX9-W8V6M-82649-MHBKQ', 'essentials', '2016', ['2016']),
  entry('Y4TGP-NPTV9-HTC2H-7MGQ3-DV4TW', 'datacenter', '2012R2', ['2012R2']),
  entry('DBGBW-NPF86-BJVTX-K3WKJ-MTB6V', 'standard', '2012R2', ['2012R2']),
  entry('K2XGM-NMBT3-2R6Q8-WF2FK-P36R2', 'essentials', '2012R2', ['2012R2']),
]);

/** The seed's machine-translated rendering of the 2019 Standard key; normalises to the real key. */
export const SEED_2019_STANDARD_RENDERING = 'TNK62-RXVTB-4P47B-2 D 623 4GF74';

/** Version -> edition -> key, derived from `AVMA_KEYS`. Versions without AVMA (2012, 2008 R2) are absent. */
export const AVMA_KEY_TABLE: Readonly<
  Partial<Record<ServerVersion, Readonly<Partial<Record<Edition, string>>>>>
> = Object.freeze(buildTable());

function buildTable(): Partial<Record<ServerVersion, Partial<Record<Edition, string>>>> {
  const table: Partial<Record<ServerVersion, Partial<Record<Edition, string>>>> = {};
  for (const avma of AVMA_KEYS) {
    for (const version of avma.versions) {
      const row = table[version] ?? {};
      row[avma.edition] = avma.key;
      table[version] = row;
    }
  }
  for (const row of Object.values(table)) Object.freeze(row);
  return table;
}

const BY_KEY: ReadonlyMap<string, AvmaKeyEntry> = new Map(AVMA_KEYS.map((avma) => [avma.key, avma]));
const BY_SUFFIX: ReadonlyMap<string, AvmaKeyEntry> = new Map(
  AVMA_KEYS.map((avma) => [avma.key.slice(-5), avma]),
);

/** The AVMA key for a guest version and edition, or `null` when Microsoft publishes none. Never throws. */
export function avmaKeyFor(version: ServerVersion, edition: Edition): string | null {
  return AVMA_KEY_TABLE[version]?.[edition] ?? null;
}

/** The table entry for a canonical 5x5 key, or `null` when it is not an AVMA key. Never throws. */
export function avmaKeyEntry(canonicalKey: string): AvmaKeyEntry | null {
  return BY_KEY.get(canonicalKey) ?? null;
}

/**
 * The AVMA key whose last five characters are `partialKey` (case-insensitive, surrounding blanks ignored),
 * as slmgr `/dli` and WMI `PartialProductKey` report it; `null` when no AVMA key ends that way. The
 * suffixes of the table are distinct, so the answer is unambiguous. Never throws.
 */
export function avmaKeyByPartialKey(partialKey: string): AvmaKeyEntry | null {
  if (typeof partialKey !== 'string' || partialKey.length > 16) return null;
  return BY_SUFFIX.get(partialKey.trim().toUpperCase()) ?? null;
}
