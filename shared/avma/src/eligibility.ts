/**
 * Per-VM AVMA eligibility with every reason that applies (contract: architecture §7 reason codes).
 * Requirements from Microsoft's AVMA page: Datacenter host, activated host, host version >= guest version,
 * Windows Server guest with a published AVMA key for its edition, Data Exchange (KVP) enabled. Evaluation
 * guests cannot take an AVMA key by `slmgr /ipk` (0xC004F069, avma-facts §6b). A guest holding the
 * tenant's own retail, OEM or MAK key is never overwritten, and a tenant can opt out.
 */
import {
  type Edition,
  type GuestOsFamily,
  type HostEdition,
  type HostVersion,
  isEdition,
  isHostVersion,
  isServerVersion,
  type ServerVersion,
} from 'hyperv-kvp';
import { avmaKeyFor } from './avma-keys.js';
import { AvmaError, quoteInput } from './errors.js';
import { hostActivatesGuest, isAvmaGuestVersion, type MatrixOptions } from './matrix.js';

/** Reason codes in their fixed reporting order (contract). */
export const REASON_CODES = [
  'HOST_NOT_DATACENTER',
  'HOST_NOT_ACTIVATED',
  'HOST_TOO_OLD',
  'GUEST_NOT_WINDOWS_SERVER',
  'GUEST_VERSION_UNSUPPORTED',
  'GUEST_EDITION_UNSUPPORTED',
  'GUEST_EVALUATION',
  'DATA_EXCHANGE_DISABLED',
  'GUEST_UNKNOWN',
  'TENANT_KEY',
  'OPTED_OUT',
] as const;
export type ReasonCode = (typeof REASON_CODES)[number];

/** The kind of key a guest holds, as the guest agent or slmgr reports it. */
export const CHANNELS = ['avma', 'gvlk', 'mak', 'retail', 'oem', 'none', 'unknown'] as const;
export type Channel = (typeof CHANNELS)[number];

/** Channels that mean the tenant brought its own licence. */
export const TENANT_CHANNELS: readonly Channel[] = Object.freeze(['mak', 'retail', 'oem']);

export interface GuestIdentity {
  readonly os: GuestOsFamily | 'unknown';
  /** Scenario vocabulary (`2019`, `1809`, ...); anything else counts as an unsupported version. */
  readonly version: string | null;
  readonly edition: Edition | null;
  /** `null` when the SKU did not tell; an unknown evaluation state does not block. */
  readonly evaluation: boolean | null;
}

export interface EligibilityInput {
  readonly host: {
    readonly version: HostVersion;
    readonly edition: HostEdition;
    readonly activated: boolean;
  };
  /** `null`: the VM reported no intrinsic KVP data. */
  readonly guest: GuestIdentity | null;
  readonly dataExchange: boolean;
  readonly channel?: Channel | null;
  readonly optedOut?: boolean;
}

export interface EligibilityResult {
  readonly eligible: boolean;
  /** The AVMA key for the guest's version and edition when eligible, else `null`. */
  readonly key: string | null;
  readonly reasons: readonly ReasonCode[];
}

function checkHost(host: EligibilityInput['host']): void {
  if (!isHostVersion(host.version)) {
    throw new AvmaError(
      'INVALID_ARGUMENT',
      `host version is ${quoteInput(host.version)}, expected 2012R2..2025`,
    );
  }
  if (host.edition !== 'datacenter' && host.edition !== 'standard') {
    throw new AvmaError(
      'INVALID_ARGUMENT',
      `host edition is ${quoteInput(host.edition)}, expected datacenter or standard`,
    );
  }
}

/** Version, edition and evaluation reasons of a Windows Server guest, plus the key when those pass. */
function serverGuestReasons(
  host: HostVersion,
  guest: GuestIdentity,
  options: MatrixOptions,
): { reasons: Set<ReasonCode>; key: string | null } {
  const reasons = new Set<ReasonCode>();
  let key: string | null = null;
  const version: ServerVersion | null =
    guest.version !== null && isServerVersion(guest.version) ? guest.version : null;
  if (guest.version === null || guest.edition === null) reasons.add('GUEST_UNKNOWN');
  if (guest.version !== null && (version === null || !isAvmaGuestVersion(version))) {
    reasons.add('GUEST_VERSION_UNSUPPORTED');
  }
  if (version !== null && isAvmaGuestVersion(version)) {
    if (!hostActivatesGuest(host, version, options)) reasons.add('HOST_TOO_OLD');
    if (guest.edition !== null) {
      key = isEdition(guest.edition) ? avmaKeyFor(version, guest.edition) : null;
      if (key === null) reasons.add('GUEST_EDITION_UNSUPPORTED');
    }
  }
  if (guest.evaluation === true) reasons.add('GUEST_EVALUATION');
  return { reasons, key };
}

/**
 * Decides whether AVMA can activate a VM on its host and returns ALL reasons that apply, in the fixed
 * `REASON_CODES` order; `key` is the AVMA key when eligible. A Windows client or Linux guest gets
 * GUEST_NOT_WINDOWS_SERVER and no version or edition reasons. Throws `AvmaError` INVALID_ARGUMENT only
 * for a host outside the vocabulary (host facts come from the operator, not the tenant); guest fields
 * are untrusted and never throw.
 */
export function evaluateEligibility(input: EligibilityInput, options: MatrixOptions = {}): EligibilityResult {
  checkHost(input.host);
  const reasons = new Set<ReasonCode>();
  let key: string | null = null;
  if (input.host.edition !== 'datacenter') reasons.add('HOST_NOT_DATACENTER');
  if (!input.host.activated) reasons.add('HOST_NOT_ACTIVATED');
  const guest = input.guest;
  if (guest === null || guest.os === 'unknown') {
    reasons.add('GUEST_UNKNOWN');
  } else if (guest.os !== 'windows-server') {
    reasons.add('GUEST_NOT_WINDOWS_SERVER');
  } else {
    const server = serverGuestReasons(input.host.version, guest, options);
    for (const reason of server.reasons) reasons.add(reason);
    key = server.key;
  }
  if (input.dataExchange !== true) reasons.add('DATA_EXCHANGE_DISABLED');
  if (input.channel != null && TENANT_CHANNELS.includes(input.channel)) reasons.add('TENANT_KEY');
  if (input.optedOut === true) reasons.add('OPTED_OUT');
  const ordered = REASON_CODES.filter((reason) => reasons.has(reason));
  const eligible = ordered.length === 0;
  return Object.freeze({ eligible, key: eligible ? key : null, reasons: Object.freeze(ordered) });
}
