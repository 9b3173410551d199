/**
 * Eligibility of one VM on the host the sweep found it on: shared/avma's `evaluateEligibility` (every
 * reason code of architecture §7, in contract order) fed with what the sweep saw. Host facts outside
 * the vocabulary are judged conservatively here, because `evaluateEligibility` refuses them.
 */
import {
  type HostEdition,
  type HostVersion,
  type GuestIdentity as KvpGuestIdentity,
  SERVER_VERSION_BUILD,
} from 'hyperv-kvp';
import {
  type Channel,
  type EligibilityResult,
  evaluateEligibility,
  type GuestIdentity,
  REASON_CODES,
  type ReasonCode,
} from '../../shared/avma/index.js';

export interface HostView {
  /** `null`: a release outside the vocabulary (see `build`). */
  readonly version: HostVersion | null;
  readonly build: number;
  /** `null`: neither Datacenter nor Standard (e.g. the free Hyper-V Server). */
  readonly edition: HostEdition | null;
  readonly activated: boolean;
}

export interface EligibilityFacts {
  readonly host: HostView;
  /** `null`: the VM published no intrinsic items (off, KVP off, or the integration service is down). */
  readonly identity: KvpGuestIdentity | null;
  readonly dataExchange: boolean;
  /** The channel the guest agent reported (validated), or `null` when it reported none. */
  readonly channel: Channel | null;
  readonly optedOut: boolean;
  /**
   * AVMA is blocked after the tenant replaced the AVMA key with its own: TENANT_KEY stays among the
   * reasons even after the guest's agent wiped its items and went quiet.
   */
  readonly tenantKey?: boolean;
}

/**
 * A host version `evaluateEligibility` accepts, and whether the host is too old regardless. A build
 * below 2012 R2's cannot run AVMA at all (HOST_TOO_OLD). A build above the newest known release is
 * judged as that release: UNCONFIRMED, but a newer host activating at least what 2025 activates is
 * what every release so far has done.
 */
function hostVersionFor(host: HostView): { version: HostVersion; tooOld: boolean } {
  if (host.version !== null) return { version: host.version, tooOld: false };
  if (host.build > SERVER_VERSION_BUILD['2025']) return { version: '2025', tooOld: false };
  return { version: '2012R2', tooOld: true };
}

function guestIdentity(identity: KvpGuestIdentity | null): GuestIdentity | null {
  if (identity === null) return null;
  return {
    os: identity.os,
    version: identity.version,
    edition: identity.edition,
    evaluation: identity.evaluation,
  };
}

/**
 * Every reason that applies and the AVMA key when eligible. Never throws: host facts outside the
 * vocabulary add HOST_TOO_OLD or HOST_NOT_DATACENTER instead of failing.
 */
export function vmEligibility(facts: EligibilityFacts): EligibilityResult {
  const { version, tooOld } = hostVersionFor(facts.host);
  const result = evaluateEligibility({
    host: { version, edition: facts.host.edition ?? 'standard', activated: facts.host.activated },
    guest: guestIdentity(facts.identity),
    dataExchange: facts.dataExchange,
    channel: facts.channel,
    optedOut: facts.optedOut,
  });
  const added: ReasonCode[] = [];
  if (tooOld) added.push('HOST_TOO_OLD');
  if (facts.tenantKey === true) added.push('TENANT_KEY');
  if (added.every((reason) => result.reasons.includes(reason))) return result;
  const reasons = new Set<ReasonCode>([...result.reasons, ...added]);
  return Object.freeze({
    eligible: false,
    key: null,
    reasons: Object.freeze(REASON_CODES.filter((reason) => reasons.has(reason))),
  });
}
