/**
 * The decision for one VM in one sweep (architecture §7), as a pure function of what the sweep saw and
 * what the store remembers: eligibility with every reason, the licence and channel the guest agent
 * reported (validated; unknown otherwise), and the host-side actions — push the AVMA key, re-send an
 * intent, wipe after a key replacement, withdraw after an opt-out — with the problems met.
 */
import type { GuestIdentity, ServerVersion } from 'hyperv-kvp';
import type { Channel, EligibilityResult } from '../../shared/avma/index.js';
import { type AgentStatus, KEY_ITEM } from '../../shared/protocol/index.js';
import type { VmState } from '../model/index.js';
import type { Problem, VmMemory } from '../store/index.js';
import type { GuestReport } from './guest-report.js';
import { silenceProblem } from './guest-silence.js';
import {
  currentIntent,
  type PlannedAction,
  pushActions,
  removeActions,
  wipeActions,
} from './host-actions.js';
import { type InstallNeed, installNeed } from './install-policy.js';
import { keyReplacement } from './key-replacement.js';
import { concludeLicence, type HostEvidence, type LicenceConclusion } from './licence-evidence.js';
import { capProblems, problem } from './problems.js';
import { type HostView, vmEligibility } from './vm-eligibility.js';

/** The protocol's largest intent seq (shared/protocol: integers up to 2^53 - 1). */
const MAX_INTENT_SEQ = Number.MAX_SAFE_INTEGER;

export interface VmDecisionInput {
  readonly now: number;
  readonly host: HostView;
  readonly vm: { readonly id: string; readonly state: VmState; readonly dataExchange: boolean };
  /** From the intrinsic items; `null` when the VM published none. */
  readonly identity: GuestIdentity | null;
  readonly report: GuestReport;
  /** Every item the host holds for the VM now (HostExchangeItems), by name. */
  readonly hostItems: ReadonlyMap<string, string>;
  /** What the store remembers of the VM; `null` for a VM never seen. */
  readonly memory: VmMemory | null;
  readonly silentAfterMs: number;
  /** Host 12310 sightings for the VM: the store's and this sweep's. */
  readonly hostEvidence: HostEvidence;
  /** How long a host 12310 AVMA success corroborates the VM's activation. */
  readonly evidenceWindowMs: number;
}

export interface VmDecision {
  readonly eligibility: EligibilityResult;
  /** The licence state concluded from evidence, with the guest's claim beside it. */
  readonly licence: LicenceConclusion;
  readonly actions: readonly PlannedAction[];
  /** Set the VM's AVMA block now, for this reason (a key replacement was just detected). */
  readonly block: string | null;
  /** The VM is blocked after this decision (before or now). */
  readonly blocked: boolean;
  readonly problems: readonly Problem[];
}

const NEED_TEXT: Readonly<Record<InstallNeed, string>> = Object.freeze({
  unlicensed: 'the guest is not activated',
  grace: 'the guest runs in a grace period',
  'kms-client-key': 'the guest holds a KMS client key',
  'wrong-avma-version': 'the guest holds the AVMA key of another version (in-place upgrade)',
});

function nextSeq(input: VmDecisionInput, status: AgentStatus | null): number | null {
  const seen = Math.max(
    input.memory?.lastIntentSeq ?? 0,
    currentIntent(input.hostItems)?.seq ?? 0,
    status?.seq ?? 0,
  );
  return seen >= MAX_INTENT_SEQ ? null : seen + 1;
}

interface InstallResult {
  readonly actions: readonly PlannedAction[];
  readonly problems: readonly Problem[];
}

/** Actions for an eligible guest whose agent answers; see install-policy.ts for when a key is pushed. */
function installPlan(
  input: VmDecisionInput,
  status: AgentStatus,
  key: string,
  seq: number | null,
): InstallResult {
  const version = (input.identity?.version ?? null) as ServerVersion | null;
  const need = installNeed(status, key, version);
  if (need === null) return { actions: [], problems: [] };
  const intent = currentIntent(input.hostItems);
  const offered = input.hostItems.get(KEY_ITEM) === key && intent?.action === 'install';
  if (offered && intent !== null && status.seq < intent.seq) return { actions: [], problems: [] };
  if (offered && intent !== null && status.refused !== null) {
    const text = `the guest agent refused install intent ${intent.seq}: ${status.refused}`;
    return { actions: [], problems: [problem('GUEST_REFUSED', text)] };
  }
  if (seq === null) {
    return {
      actions: [],
      problems: [problem('INTENT_SEQ_EXHAUSTED', 'intent seq is at 2^53-1, expected room for one more')],
    };
  }
  const reason = `eligible; ${NEED_TEXT[need]}`;
  return { actions: pushActions({ hostItems: input.hostItems, key, seq, need, reason }), problems: [] };
}

/**
 * The guest agent is expected in a Windows Server guest of a version AVMA supports, whose KVP works,
 * unless the VM is blocked (after a key replacement the agent deliberately stays silent).
 */
function agentExpected(
  input: VmDecisionInput,
  kvpWorking: boolean,
  blocked: boolean,
  eligibility: EligibilityResult,
): boolean {
  if (!kvpWorking || blocked || input.identity?.os !== 'windows-server') return false;
  return !eligibility.reasons.includes('GUEST_VERSION_UNSUPPORTED');
}

interface Situation {
  readonly eligibility: EligibilityResult;
  readonly kvpWorking: boolean;
  /** Why the key was replaced, when detected this sweep. */
  readonly replaced: string | null;
  readonly blocked: boolean;
}

/** Eligibility, working KVP and key replacement: what the actions depend on. */
function situation(input: VmDecisionInput): Situation {
  const { report, memory } = input;
  const kvpWorking = input.vm.state === 'Running' && input.vm.dataExchange && input.identity !== null;
  const replaced =
    memory?.avmaBlocked === true
      ? null
      : keyReplacement({ previousChannel: previousClaimedChannel(memory), report, kvpWorking });
  const blocked = memory?.avmaBlocked === true || replaced !== null;
  const eligibility = vmEligibility({
    host: input.host,
    identity: input.identity,
    dataExchange: input.vm.dataExchange,
    channel: report.status?.channel ?? null,
    optedOut: memory?.optedOut === true,
    tenantKey: blocked,
  });
  return { eligibility, kvpWorking, replaced, blocked };
}

/**
 * The channel the guest last stated: a key replacement is the guest's own statement, so it is
 * detected against what the guest said before (the conclusion may rest on the host alone).
 */
function previousClaimedChannel(memory: VmMemory | null): Channel | null {
  const last = memory?.last ?? null;
  if (last === null) return null;
  return last.claimedChannel ?? (last.evidence === 'guest' ? last.channel : null);
}

/** The host-side actions: wipe when blocked, withdraw when opted out, else the install policy. */
function plan(input: VmDecisionInput, facts: Situation): InstallResult {
  const status = input.report.status;
  const seq = nextSeq(input, status);
  if (facts.blocked) {
    const reason =
      facts.replaced === null ? 'AVMA blocked after a key replacement' : `key replaced: ${facts.replaced}`;
    const plan = {
      hostItems: input.hostItems,
      status,
      guestItems: input.report.agentItems,
      nextSeq: seq,
      reason,
    };
    return { actions: wipeActions(plan), problems: [] };
  }
  if (input.memory?.optedOut === true) {
    const reason = 'OPTED_OUT: the tenant opted out; the AVMA key is withdrawn';
    return { actions: removeActions(input.hostItems, reason), problems: [] };
  }
  const { eligible, key } = facts.eligibility;
  if (!eligible || key === null || status === null) return { actions: [], problems: [] };
  return installPlan(input, status, key, seq);
}

/**
 * Decides one VM. Never throws: everything tenant-controlled has been validated into `report` and
 * `identity`, and host facts outside the vocabulary are judged conservatively (vm-eligibility.ts).
 */
export function decideVm(input: VmDecisionInput): VmDecision {
  const facts = situation(input);
  const planned = plan(input, facts);
  const silence = silenceProblem({
    now: input.now,
    agentExpected: agentExpected(input, facts.kvpWorking, facts.blocked, facts.eligibility),
    statusPresent: input.report.statusPresent,
    last: input.memory?.last ?? null,
    silentAfterMs: input.silentAfterMs,
  });
  const licence = concludeLicence({
    now: input.now,
    windowMs: input.evidenceWindowMs,
    claim: input.report.status,
    host: input.hostEvidence,
    blocked: facts.blocked,
    remembered: input.memory?.last ?? null,
  });
  const problems = [
    ...input.report.problems,
    ...planned.problems,
    ...(silence === null ? [] : [silence]),
    ...(licence.problem === null ? [] : [licence.problem]),
  ];
  return Object.freeze({
    eligibility: facts.eligibility,
    licence,
    actions: Object.freeze(planned.actions),
    block: facts.replaced,
    blocked: facts.blocked,
    problems: capProblems(problems),
  });
}
