/**
 * A VM's licence state as a conclusion from evidence, never from the guest's word alone.
 *
 * Evidence ranks: the host's own Application log (12310, attributed to the VM) is trusted; the guest
 * agent's `AvmaAgent.Status` (and its forwarded 12309) is a tenant-written claim. The rules:
 * - a host 12310 reporting AVMA success within the window: licensed through AVMA (`host`, or
 *   `host+guest` when the guest agrees), even for a VM that runs no guest agent;
 * - a guest claiming AVMA activation with no such 12310: nothing is concluded (`none`) and the VM gets
 *   GUEST_CLAIM_UNCORROBORATED, so no view or report counts it as AVMA-activated;
 * - a guest claiming another channel (its own retail/OEM/MAK or a KMS client key) or a licence state
 *   short of licensed: shown as the guest's claim (`guest`). That direction never adds to an AVMA
 *   count, and the host cannot see a key replacement any other way; it wins over an older 12310;
 * - a 12310 reporting a failure (Invalid Data, Activation Denied, ...): channel AVMA, licence unknown
 *   (`host`), or with the guest's agreeing claim (`host+guest`);
 * - a VM blocked after a key replacement whose agent has gone quiet (it wipes its items on purpose)
 *   keeps its last known channel, from the last status before the wipe (licence: unknown).
 *
 * The window is how long one AVMA activation stays valid: 7 days, quoted widely but UNCONFIRMED (lab
 * setting `avmaValidityMinutes`, config `evidence.hostWindowHours`).
 */
import type { Channel } from '../../shared/avma/index.js';
import { type AgentStatus, quoteUntrusted } from '../../shared/protocol/index.js';
import type {
  Evidence,
  HostAvmaSighting,
  LastObservation,
  ObservedLicenseStatus,
  Problem,
} from '../store/index.js';
import { problem } from './problems.js';

/** Default corroboration window: the AVMA activation validity (UNCONFIRMED, see above). */
export const DEFAULT_HOST_EVIDENCE_WINDOW_MS = 7 * 24 * 60 * 60 * 1000;

export interface HostEvidence {
  /** The latest 12310 attributed to the VM (stored or read this sweep), or `null`. */
  readonly lastEvent: HostAvmaSighting | null;
  /** The latest 12310 reporting AVMA success for the VM, or `null`. */
  readonly lastSuccess: HostAvmaSighting | null;
}

export interface LicenceFacts {
  readonly now: number;
  readonly windowMs: number;
  /** The guest agent's validated status, `null` when absent or invalid. */
  readonly claim: AgentStatus | null;
  readonly host: HostEvidence;
  /** AVMA is blocked for the VM (its key was replaced). */
  readonly blocked: boolean;
  /** The VM's previous observation, `null` for a VM never seen. */
  readonly remembered: LastObservation | null;
}

export interface LicenceConclusion {
  readonly licenseStatus: ObservedLicenseStatus;
  readonly channel: Channel;
  readonly evidence: Evidence;
  readonly claimedLicenseStatus: ObservedLicenseStatus | null;
  readonly claimedChannel: Channel | null;
  readonly problem: Problem | null;
}

/** A sighting counts while it is younger than the window (a host clock ahead of ours counts too). */
function recent(sighting: HostAvmaSighting | null, facts: LicenceFacts): sighting is HostAvmaSighting {
  return sighting !== null && facts.now - sighting.timeMs <= facts.windowMs;
}

function conclusion(
  facts: LicenceFacts,
  licenseStatus: ObservedLicenseStatus,
  channel: Channel,
  evidence: Evidence,
  found: Problem | null = null,
): LicenceConclusion {
  return Object.freeze({
    licenseStatus,
    channel,
    evidence,
    claimedLicenseStatus: facts.claim?.licenseStatus ?? null,
    claimedChannel: facts.claim?.channel ?? null,
    problem: found,
  });
}

function claimsAvmaActivation(claim: AgentStatus): boolean {
  return claim.channel === 'avma' && claim.licenseStatus === 'licensed';
}

function uncorroborated(facts: LicenceFacts, claim: AgentStatus): LicenceConclusion {
  const hours = Math.round(facts.windowMs / 3_600_000);
  const host = claim.avmaHost === null ? '' : ` naming host ${quoteUntrusted(claim.avmaHost, 64)}`;
  const text =
    `the guest agent claims AVMA activation${host}, but no host logged a 12310 AVMA success for this ` +
    `VM in the last ${hours} h; it is not counted as AVMA-activated`;
  return conclusion(facts, 'unknown', 'unknown', 'none', problem('GUEST_CLAIM_UNCORROBORATED', text));
}

/**
 * What a blocked VM whose agent went quiet keeps: the channel of its last status before the wipe, as
 * the guest's word. Its licence after the replacement is not known (the agent wipes without reporting
 * the new key), so it is `unknown` rather than the licence the AVMA key had.
 */
function remembered(facts: LicenceFacts): LicenceConclusion {
  const last = facts.remembered;
  if (last === null || last.evidence === 'none') return conclusion(facts, 'unknown', 'unknown', 'none');
  return conclusion(facts, 'unknown', last.claimedChannel ?? last.channel, 'guest');
}

/** The licence conclusion for one VM in one sweep. Pure; never throws. */
export function concludeLicence(facts: LicenceFacts): LicenceConclusion {
  const { claim, host } = facts;
  if (claim !== null && claim.channel !== 'avma' && claim.channel !== 'unknown') {
    return conclusion(facts, claim.licenseStatus, claim.channel, 'guest');
  }
  // While blocked, a 12310 success is from before the key replacement the guest reported.
  if (recent(host.lastSuccess, facts) && !facts.blocked) {
    return conclusion(facts, 'licensed', 'avma', claim?.channel === 'avma' ? 'host+guest' : 'host');
  }
  const hostSawRequest = recent(host.lastEvent, facts) && !facts.blocked;
  if (claim !== null) {
    if (claimsAvmaActivation(claim)) return uncorroborated(facts, claim);
    if (claim.channel === 'avma') {
      return conclusion(facts, claim.licenseStatus, 'avma', hostSawRequest ? 'host+guest' : 'guest');
    }
    return conclusion(facts, claim.licenseStatus, 'unknown', 'guest');
  }
  if (hostSawRequest) return conclusion(facts, 'unknown', 'avma', 'host');
  if (facts.blocked) return remembered(facts);
  return conclusion(facts, 'unknown', 'unknown', 'none');
}
