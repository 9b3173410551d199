/**
 * Which guest versions an AVMA host version can activate.
 *
 * Microsoft's matrix (automatic-vm-activation.md, 09/2023) has rows 2022, 2019, 2016 and 2012 R2 and columns
 * 2022, 2019, 2016 and 2012 R2: a host activates its own version and older ones, down to 2012 R2.
 * - The 2025 host row is UNCONFIRMED (no retrievable Microsoft text); it follows the same pattern.
 * - Semi-annual releases (1709..1909) are absent from Microsoft's matrix: UNCONFIRMED. The architecture
 *   rule is build order (`compareServerVersions`), so a 2019 host (17763) does not activate 1903/1909
 *   (18362/18363) and a 2016 host (14393) does not activate 1709/1803. The alternative reading, that a
 *   release is activated wherever its shared AVMA key's long-term release is ('key-family'), is available
 *   as an option.
 * - 2012 and 2008 R2 guests are never eligible (AVMA starts with 2012 R2 guests).
 */
import {
  compareServerVersions,
  HOST_VERSIONS,
  type HostVersion,
  SERVER_VERSIONS,
  type ServerVersion,
} from 'hyperv-kvp';

export type SemiAnnualRule = 'build-order' | 'key-family';

export interface MatrixOptions {
  /** How semi-annual guests are placed; default 'build-order' (architecture §7). */
  readonly semiAnnual?: SemiAnnualRule;
}

/** The oldest guest AVMA activates. */
export const OLDEST_AVMA_GUEST: ServerVersion = '2012R2';

/** Long-term release whose AVMA key each semi-annual release uses (automatic-vm-activation.md). */
const KEY_FAMILY: Readonly<Partial<Record<ServerVersion, ServerVersion>>> = Object.freeze({
  '1709': '2016',
  '1803': '2016',
  '1809': '2019',
  '1903': '2019',
  '1909': '2019',
});

/** True when a guest version is one AVMA can activate on some host (2012 R2 and later). Never throws. */
export function isAvmaGuestVersion(guest: ServerVersion): boolean {
  return compareServerVersions(guest, OLDEST_AVMA_GUEST) >= 0;
}

/**
 * True when a Datacenter host of `host` version activates a guest of `guest` version, under the chosen
 * semi-annual rule. Edition, activation and Data Exchange are `evaluateEligibility`'s business. Never throws.
 */
export function hostActivatesGuest(
  host: HostVersion,
  guest: ServerVersion,
  options: MatrixOptions = {},
): boolean {
  if (!isAvmaGuestVersion(guest)) return false;
  const placed = options.semiAnnual === 'key-family' ? (KEY_FAMILY[guest] ?? guest) : guest;
  return compareServerVersions(placed, host) <= 0;
}

/** The guest versions a host version activates, in build order. Never throws. */
export function guestVersionsForHost(
  host: HostVersion,
  options: MatrixOptions = {},
): readonly ServerVersion[] {
  return Object.freeze(SERVER_VERSIONS.filter((guest) => hostActivatesGuest(host, guest, options)));
}

/** The matrix under the default (build-order) rule, host version -> guest versions. */
export const AVMA_MATRIX: Readonly<Record<HostVersion, readonly ServerVersion[]>> = Object.freeze(
  Object.fromEntries(HOST_VERSIONS.map((host) => [host, guestVersionsForHost(host)])) as Record<
    HostVersion,
    readonly ServerVersion[]
  >,
);
