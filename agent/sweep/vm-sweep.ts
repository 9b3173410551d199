/**
 * One VM in a host's sweep: decide (agent/decide), perform the host-side actions (agent/act), and
 * build what the host's transaction records for it — the observation, raw KVP, forwarded 12309 events,
 * audit records and a block after a key replacement.
 */

import { type GuestEvent, KEY_ITEM } from '../../shared/protocol/index.js';
import { type AuditContext, auditRecords, recoveredRecord } from '../act/audit-trail.js';
import { type ActResult, performActions } from '../act/kvp-actions.js';
import { guestEventRecord } from '../decide/event-records.js';
import type { GuestReport } from '../decide/guest-report.js';
import { agentNames } from '../decide/kvp-calls.js';
import type { HostEvidence } from '../decide/licence-evidence.js';
import { capProblems, NO_PROBLEMS } from '../decide/problems.js';
import { decideVm, type VmDecision } from '../decide/vm-decision.js';
import type { HostView } from '../decide/vm-eligibility.js';
import type { HypervDriver } from '../driver/hyperv-driver.js';
import type {
  AuditInput,
  CheckedSweepVm,
  EventInput,
  KvpItemRecord,
  KvpPool,
  Problem,
  SweepVm,
  VmMemory,
} from '../store/index.js';
import { type InventoryVm, poolRecords } from './collectors/vm-inventory.js';
import { storableEntry } from './storable-record.js';
import type { SweepCache } from './sweep-cache.js';

export interface SweptVm {
  readonly id: string;
  readonly record: SweepVm;
  /** The store's check of `record`, recorded as it is (`null`: the store refuses it; its error stands). */
  readonly checked: CheckedSweepVm | null;
  readonly guestEvents: readonly EventInput[];
  /** Record ids of the ring, to skip re-inserting an unchanged ring next sweep. */
  readonly ringSignature: string;
  /** The CIM-XML of each pool as recorded (`null`: the host pool changed after listing). */
  readonly recordedXml: Readonly<Record<KvpPool, readonly string[] | null>>;
  readonly audits: readonly AuditInput[];
  /** Block AVMA for this VM now, for this reason. */
  readonly block: string | null;
  readonly eligible: boolean;
  /** A push-key or send-intent was performed this sweep. */
  readonly pushed: boolean;
  /** A send-wipe or a removal of host items was performed this sweep. */
  readonly wiped: boolean;
}

export interface VmSweepContext {
  readonly driver: HypervDriver;
  readonly host: string;
  readonly hostView: HostView;
  readonly at: Date;
  readonly memory: VmMemory | null;
  readonly tenant: string | null;
  readonly silentAfterMs: number;
  readonly cache: SweepCache;
  readonly hostEvidence: HostEvidence;
  readonly evidenceWindowMs: number;
}

function decide(vm: InventoryVm, report: GuestReport, context: VmSweepContext): VmDecision {
  return decideVm({
    now: context.at.getTime(),
    host: context.hostView,
    vm: { id: vm.id, state: vm.state, dataExchange: vm.dataExchange },
    identity: vm.identity,
    report,
    hostItems: vm.hostItems,
    memory: context.memory,
    silentAfterMs: context.silentAfterMs,
    hostEvidence: context.hostEvidence,
    evidenceWindowMs: context.evidenceWindowMs,
  });
}

/** The guest's side counts as clean only while its Guest pool is visible (running, KVP working) and empty. */
function guestSideClean(vm: InventoryVm, report: GuestReport): boolean {
  const visible = vm.state === 'Running' && vm.dataExchange && vm.identity !== null;
  return visible && report.agentItems.length === 0;
}

function observation(
  vm: InventoryVm,
  decision: VmDecision,
  after: ReadonlyMap<string, string>,
  problems: readonly Problem[],
  report: GuestReport,
): SweepVm['observation'] {
  const identity = vm.identity;
  return {
    state: vm.state,
    dataExchange: vm.dataExchange,
    os: identity?.os ?? 'unknown',
    version: identity?.version ?? null,
    edition: identity?.edition ?? null,
    evaluation: identity?.evaluation ?? null,
    licenseStatus: decision.licence.licenseStatus,
    channel: decision.licence.channel,
    evidence: decision.licence.evidence,
    claimedLicenseStatus: decision.licence.claimedLicenseStatus,
    claimedChannel: decision.licence.claimedChannel,
    eligible: decision.eligibility.eligible,
    reasons: decision.eligibility.reasons,
    keyPushed: after.has(KEY_ITEM),
    kvpWiped: decision.blocked && agentNames(after).length === 0 && guestSideClean(vm, report),
    problems: allProblems(vm.problems, decision.problems, problems),
    processorCount: vm.processorCount,
    memoryAssignedBytes: vm.memoryAssignedBytes,
  };
}

/** The inventory's, the decision's and the actions' problems, capped; most VMs of a round have none. */
function allProblems(
  inventory: readonly Problem[],
  decision: readonly Problem[],
  actions: readonly Problem[],
): readonly Problem[] {
  if (inventory.length + decision.length + actions.length === 0) return NO_PROBLEMS;
  return capProblems([...inventory, ...decision, ...actions]);
}

/** The pools to record: those not already recorded by this process's last commit, and a changed host pool. */
function changedPools(vm: InventoryVm, after: ReadonlyMap<string, string> | null, cache: SweepCache) {
  const kvp: Partial<Record<KvpPool, readonly KvpItemRecord[]>> = {};
  for (const pool of ['intrinsic', 'guest'] as const) {
    if (!cache.isCommitted(vm.id, pool, vm.pools[pool].xml)) kvp[pool] = poolRecords(vm.pools[pool]);
  }
  if (after !== null) kvp.host = [...after].map(([name, data]) => ({ name, data }));
  else if (!cache.isCommitted(vm.id, 'host', vm.pools.host.xml)) kvp.host = poolRecords(vm.pools.host);
  return kvp;
}

/**
 * The ring's events not in the ring the last committed sweep recorded (its record ids): those are
 * stored, and sending them again only had ON CONFLICT skip them. A cache that does not know the VM
 * (a new agent) sends the whole ring; an unchanged ring sends nothing.
 */
function newRingEvents(
  events: readonly GuestEvent[],
  signature: string,
  lastRing: string | undefined,
): readonly GuestEvent[] {
  if (signature === lastRing) return [];
  if (lastRing === undefined || events.length === 0) return events;
  const committed = new Set(lastRing.split(','));
  return events.filter((event) => !committed.has(String(event.recordId)));
}

/** What performActions returns for no actions, without a promise for each VM that needs none. */
function nothingDone(hostItems: ReadonlyMap<string, string>): ActResult {
  return { done: [], hostItems, problems: [] };
}

/**
 * Sweeps one VM: decides, performs the planned KVP calls (all of them, or up to the first failure),
 * and returns its records. Synchronous when the decision plans no action (most VMs of most rounds:
 * no promise and no turn of the microtask queue per VM); never rejects: driver failures become
 * KVP_WRITE_FAILED problems.
 */
export function sweepVm(
  vm: InventoryVm,
  report: GuestReport,
  context: VmSweepContext,
): SweptVm | Promise<SweptVm> {
  const decision = decide(vm, report, context);
  if (decision.actions.length === 0)
    return sweptRecords(vm, report, context, decision, nothingDone(vm.hostItems));
  return performActions(context.driver, vm.id, vm.hostItems, decision.actions).then((acted) =>
    sweptRecords(vm, report, context, decision, acted),
  );
}

/** What the host's transaction records for the VM, once its actions were performed. */
function sweptRecords(
  vm: InventoryVm,
  report: GuestReport,
  context: VmSweepContext,
  decision: VmDecision,
  acted: ActResult,
): SweptVm {
  const audit: AuditContext = { at: context.at, vm: vm.id, host: context.host };
  const audits = auditRecords(acted.done, audit);
  if (acted.done.length === 0) {
    const recovered = recoveredRecord(acted.hostItems, context.memory?.lastIntentSeq ?? 0, audit);
    if (recovered !== null) audits.push(recovered);
  }
  const ringSignature = report.events.map((event) => event.recordId).join(',');
  const kinds = acted.done.map((done) => done.planned.action);
  const changedHost = acted.done.length > 0 ? acted.hostItems : null;
  const lastRing = context.cache.ringOf(vm.id);
  const kvp = changedPools(vm, changedHost, context.cache);
  const { record, checked } = storableEntry({
    vm: { id: vm.id, tenant: context.tenant },
    name: vm.name,
    observation: observation(vm, decision, acted.hostItems, acted.problems, report),
    kvp,
  });
  // Pools the store refused were not recorded: the cache must not skip them next sweep.
  const poolsKept = record.kvp === kvp;
  return Object.freeze({
    id: vm.id,
    record,
    checked,
    recordedXml: {
      intrinsic: poolsKept ? vm.pools.intrinsic.xml : null,
      guest: poolsKept ? vm.pools.guest.xml : null,
      host: poolsKept && changedHost === null ? vm.pools.host.xml : null,
    },
    guestEvents: newRingEvents(report.events, ringSignature, lastRing).map((event) =>
      guestEventRecord(vm.id, context.host, event),
    ),
    ringSignature,
    audits,
    block: decision.block,
    eligible: decision.eligibility.eligible,
    pushed: kinds.includes('push-key') || kinds.includes('send-intent'),
    wiped: decision.blocked && (kinds.includes('send-wipe') || kinds.includes('remove-host-items')),
  });
}
