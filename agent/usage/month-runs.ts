/**
 * The facts the month report is computed from: which VM ran on which host when (clipped to the month),
 * and what the store knew about each VM. Built once from the store's usage inputs.
 */

import { TENANT_CHANNELS } from '../../shared/avma/index.js';
import type { VmState } from '../model/index.js';
import type { UsageInputs, UsageInterval, UsageVm } from '../store/index.js';
import { clip, type Span, touches } from './intervals.js';

/** One stretch of a VM running on a host within the month. */
export interface Run extends Span {
  readonly vm: string;
  readonly host: string;
  readonly channel: UsageInterval['channel'];
  readonly licenseStatus: UsageInterval['licenseStatus'];
  readonly evidence: UsageInterval['evidence'];
  /** Virtual processors during the run; `null`: unknown. */
  readonly processorCount: number | null;
  /** Memory assigned during the run, bytes; `null`: unknown. */
  readonly memoryAssignedBytes: number | null;
}

/**
 * A run counts as AVMA-activated only on the host's own evidence (a 12310 attributed to the VM): a
 * guest's claim alone is never counted (evidence before claims).
 */
export function hostConfirmedAvma(run: Run): boolean {
  return run.channel === 'avma' && (run.evidence === 'host' || run.evidence === 'host+guest');
}

/**
 * A run on the tenant's own licence: a key the tenant installed (channel MAK, retail or OEM), as the
 * observation of that stretch concluded it.
 */
export function onTenantLicence(run: Run): boolean {
  return TENANT_CHANNELS.includes(run.channel);
}

export interface MonthRuns {
  readonly startMs: number;
  readonly endMs: number;
  /** Running stretches of the selected VMs. */
  readonly runs: readonly Run[];
  /** Every observation interval of the selected VMs touching the month, any state, by VM. */
  readonly observations: ReadonlyMap<string, readonly UsageInterval[]>;
  /** The selected VMs that ran in the month. */
  readonly vms: ReadonlyMap<string, UsageVm>;
}

/**
 * Selects the VMs (all, or one tenant's) and their running stretches. A VM belongs to the month only
 * if it ran in it; VMs deleted during the month are included like any other (their history stays).
 */
export function monthRuns(
  inputs: UsageInputs,
  runningStates: readonly VmState[],
  tenant: string | undefined,
): MonthRuns {
  const { fromMs: startMs, toMs: endMs } = inputs;
  const selected = new Map(
    inputs.vms.filter((vm) => tenant === undefined || vm.tenant === tenant).map((vm) => [vm.id, vm]),
  );
  const runs: Run[] = [];
  const observations = new Map<string, UsageInterval[]>();
  for (const interval of inputs.intervals) {
    if (!selected.has(interval.vm) || !touches(interval, startMs, endMs)) continue;
    observations.set(interval.vm, [...(observations.get(interval.vm) ?? []), interval]);
    if (!runningStates.includes(interval.state)) continue;
    const { fromMs, untilMs } = clip(interval, startMs, endMs);
    const { vm, host, channel, licenseStatus, evidence, processorCount, memoryAssignedBytes } = interval;
    runs.push({
      vm,
      host,
      fromMs,
      untilMs,
      channel,
      licenseStatus,
      evidence,
      processorCount,
      memoryAssignedBytes,
    });
  }
  const ran = new Set(runs.map((run) => run.vm));
  const vms = new Map([...selected].filter(([id]) => ran.has(id)));
  return { startMs, endMs, runs, observations, vms };
}

/** Groups items by a key, keeping order. */
export function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group === undefined) groups.set(k, [item]);
    else group.push(item);
  }
  return groups;
}

/** Whether the VM was last identified as Windows Server (a VM never identified does not count). */
export function isWindowsServer(vm: UsageVm | undefined): boolean {
  return vm?.knownOs === 'windows-server';
}

/** Name order of the report: case-insensitive, one shared collator (building one per call is slow). */
const NAME_ORDER = new Intl.Collator('en', { sensitivity: 'base' });

/** Case-insensitive order of host, VM and tenant names. */
export function compareNames(a: string, b: string): number {
  return NAME_ORDER.compare(a, b);
}
