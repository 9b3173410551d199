/**
 * Tenant billing figures of the month report, from the host's own Hyper-V listing (Get-VM
 * ProcessorCount and MemoryAssigned, kept as observation intervals), never from the guest:
 * - VM-hours: hours the VM ran (`runningStates`), on any host. A VM's intervals never overlap (the
 *   store keeps one open interval per VM), so a VM that migrated is counted once, not once per host.
 * - vCPU-hours: Σ running hours × virtual processors. Hours whose processor count is unknown (not
 *   listed by the driver, or recorded before the store kept it) are `unknownVcpuHours`, never guessed.
 * - peak vCPUs: per VM its largest processor count while running; per tenant the most vCPUs of its VMs
 *   running at one instant. `null` when no processor count is known.
 * - Windows Server VM-hours: the VM-hours of VMs identified as Windows Server (as `windowsServerVms`).
 * - AVMA-activated VM-hours: hours running while licensed through AVMA on the HOST's evidence (a
 *   12310 in its own log); a guest's claim alone never counts (`hostConfirmedAvma`).
 * - memory GB-hours: Σ running hours × assigned memory in GB of 1024³ bytes (as Hyper-V counts);
 *   hours with no assigned memory known are `unknownMemoryHours`.
 * Figures are hours with 2 decimals; a tenant's figures are the sums of its VM rows as printed, so an
 * invoice built from the VM rows adds up to the tenant row.
 */
import type { UsageVm } from '../store/index.js';
import { hoursOf, peakConcurrency } from './intervals.js';
import { hostConfirmedAvma, isWindowsServer, type Run } from './month-runs.js';

const GIB = 2 ** 30;

/** The billing figures of one VM row or one tenant row. */
export interface BillingFigures {
  readonly vmHours: number;
  readonly vcpuHours: number;
  readonly unknownVcpuHours: number;
  readonly peakVcpus: number | null;
  readonly windowsServerVmHours: number;
  readonly avmaActivatedVmHours: number;
  readonly memoryGbHours: number;
  readonly unknownMemoryHours: number;
}

/** The running runs whose processor count is known. */
function sized(runs: readonly Run[]): (Run & { readonly processorCount: number })[] {
  return runs.filter((run): run is Run & { readonly processorCount: number } => run.processorCount !== null);
}

/** The figures of one VM from its running runs in the month (pure). */
export function vmBilling(vm: UsageVm, runs: readonly Run[]): BillingFigures {
  let runningMs = 0;
  let vcpuMs = 0;
  let unknownVcpuMs = 0;
  let avmaMs = 0;
  let gbMs = 0;
  let unknownMemoryMs = 0;
  for (const run of runs) {
    const ms = run.untilMs - run.fromMs;
    runningMs += ms;
    if (run.processorCount === null) unknownVcpuMs += ms;
    else vcpuMs += ms * run.processorCount;
    if (run.memoryAssignedBytes === null) unknownMemoryMs += ms;
    else gbMs += (ms * run.memoryAssignedBytes) / GIB;
    if (hostConfirmedAvma(run) && run.licenseStatus === 'licensed') avmaMs += ms;
  }
  const known = sized(runs);
  return Object.freeze({
    vmHours: hoursOf(runningMs),
    vcpuHours: hoursOf(vcpuMs),
    unknownVcpuHours: hoursOf(unknownVcpuMs),
    peakVcpus: known.length === 0 ? null : Math.max(...known.map((run) => run.processorCount)),
    windowsServerVmHours: isWindowsServer(vm) ? hoursOf(runningMs) : 0,
    avmaActivatedVmHours: hoursOf(avmaMs),
    memoryGbHours: hoursOf(gbMs),
    unknownMemoryHours: hoursOf(unknownMemoryMs),
  });
}

/** Sum of printed hours, back to 2 decimals (no float residue such as 0.30000000000000004). */
function sum(rows: readonly BillingFigures[], pick: (row: BillingFigures) => number): number {
  return Math.round(rows.reduce((total, row) => total + pick(row) * 100, 0)) / 100;
}

/**
 * The figures of one tenant: the sums of its VM rows, and its peak of vCPUs running at once over
 * `runs` (its VMs' running runs) (pure).
 */
export function tenantBilling(rows: readonly BillingFigures[], runs: readonly Run[]): BillingFigures {
  const known = sized(runs);
  return Object.freeze({
    vmHours: sum(rows, (row) => row.vmHours),
    vcpuHours: sum(rows, (row) => row.vcpuHours),
    unknownVcpuHours: sum(rows, (row) => row.unknownVcpuHours),
    peakVcpus: known.length === 0 ? null : peakConcurrency(known, (run) => run.processorCount),
    windowsServerVmHours: sum(rows, (row) => row.windowsServerVmHours),
    avmaActivatedVmHours: sum(rows, (row) => row.avmaActivatedVmHours),
    memoryGbHours: sum(rows, (row) => row.memoryGbHours),
    unknownMemoryHours: sum(rows, (row) => row.unknownMemoryHours),
  });
}
