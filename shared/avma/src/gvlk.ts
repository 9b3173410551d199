/**
 * KMS client setup keys (Generic Volume License Keys). The agent needs them to recognise a guest that holds
 * a KMS client key (install policy, architecture §7) and to catch a GVLK shipped as an AVMA key.
 */
import type { ServerVersion } from 'hyperv-kvp';
import { CLIENT_GVLKS } from './gvlk-client.js';
import { SERVER_GVLKS } from './gvlk-server.js';

/** Windows client releases that have GVLKs, as Microsoft's page labels them. */
export const WINDOWS_CLIENT_RELEASES = ['7', '8', '8.1', '10', '11'] as const;
export type WindowsClientRelease = (typeof WINDOWS_CLIENT_RELEASES)[number];

/** A server version in the scenario vocabulary, or a client release label. */
export type GvlkVersion = ServerVersion | WindowsClientRelease;

/** Edition labels for GVLKs; the server subset coincides with the scenario `Edition` vocabulary. */
export const GVLK_EDITIONS = [
  'datacenter',
  'standard',
  'essentials',
  'datacenter-azure',
  'enterprise',
  'web',
  'hpc',
  'itanium',
  'multipoint-standard',
  'multipoint-premium',
  'core',
  'core-n',
  'core-single-language',
  'core-country-specific',
  'pro',
  'pro-n',
  'pro-e',
  'pro-workstations',
  'pro-workstations-n',
  'pro-education',
  'pro-education-n',
  'education',
  'education-n',
  'enterprise-n',
  'enterprise-e',
  'enterprise-g',
  'enterprise-g-n',
  'enterprise-ltsc',
  'enterprise-n-ltsc',
  'enterprise-ltsb',
  'enterprise-n-ltsb',
  'iot-enterprise-ltsc',
] as const;
export type GvlkEdition = (typeof GVLK_EDITIONS)[number];

export interface GvlkEntry {
  /** The key in canonical 5x5 form. */
  readonly key: string;
  /** Microsoft's "Operating system edition" text for the row. */
  readonly product: string;
  /** Primary version: the first the row names. */
  readonly version: GvlkVersion;
  readonly versions: readonly GvlkVersion[];
  readonly edition: GvlkEdition;
  /** Where the row was quoted from. */
  readonly source: string;
}

/** Every GVLK the table knows, servers first. */
export const GVLKS: readonly GvlkEntry[] = Object.freeze([...SERVER_GVLKS, ...CLIENT_GVLKS]);

const BY_KEY: ReadonlyMap<string, GvlkEntry> = new Map(GVLKS.map((row) => [row.key, row]));

/** The GVLK row for a canonical 5x5 key, or `null` when the key is not a known GVLK. Never throws. */
export function gvlkEntry(canonicalKey: string): GvlkEntry | null {
  return BY_KEY.get(canonicalKey) ?? null;
}

/**
 * The GVLK for a server version and edition (e.g. the key to install when moving a guest off AVMA to KMS,
 * as Microsoft's Azure article advises), or `null` when none is listed. Never throws.
 */
export function gvlkFor(version: ServerVersion, edition: GvlkEdition): string | null {
  const row = SERVER_GVLKS.find((entry) => entry.edition === edition && entry.versions.includes(version));
  return row?.key ?? null;
}
