/** VM and tenant rows of the month report. */
import type { UsageInterval } from '../store/index.js';
import { hoursOf } from './intervals.js';
import {
  compareNames,
  groupBy,
  hostConfirmedAvma,
  isWindowsServer,
  type MonthRuns,
  onTenantLicence,
} from './month-runs.js';
import { type BillingFigures, tenantBilling, vmBilling } from './usage-billing.js';
import type { UsageTenantRow, UsageVmRow } from './usage-types.js';

function lastNonNull<T>(intervals: readonly UsageInterval[], pick: (i: UsageInterval) => T | null): T | null {
  for (let i = intervals.length - 1; i >= 0; i--) {
    const interval = intervals[i];
    const value = interval === undefined ? null : pick(interval);
    if (value !== null) return value;
  }
  return null;
}

/** A VM row as built now: with its billing figures. */
export type BilledVmRow = UsageVmRow & BillingFigures;

function byName(a: { name: string | null; id: string }, b: { name: string | null; id: string }): number {
  const order = compareNames(a.name ?? '', b.name ?? '');
  return order !== 0 ? order : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/**
 * One row per VM that ran in the month, by name: every host it ran on with its hours there (a VM that
 * migrated lists each host), the guest version and edition last identified, and the channel and
 * licence status last concluded in the month with the evidence it rests on, its billing figures
 * (usage-billing.ts), and whether it ran on the
 * tenant's own licence (MAK, retail, OEM) at some time in the month. The operator's AVMA block is not
 * used for that flag: it is today's setting, not history, so a month read years later could not say
 * when it applied; the key the tenant installed shows in the channel of each stretch.
 */
export function vmRows(month: MonthRuns): BilledVmRow[] {
  const runsByVm = groupBy(month.runs, (run) => run.vm);
  const rows: BilledVmRow[] = [];
  for (const [id, vm] of month.vms) {
    const msByHost = new Map<string, number>();
    const runs = runsByVm.get(id) ?? [];
    for (const run of runs) {
      msByHost.set(run.host, (msByHost.get(run.host) ?? 0) + run.untilMs - run.fromMs);
    }
    const seen = month.observations.get(id) ?? [];
    const last = seen.at(-1);
    rows.push(
      Object.freeze({
        id,
        name: vm.name,
        tenant: vm.tenant,
        guestVersion: lastNonNull(seen, (i) => i.version),
        guestEdition: lastNonNull(seen, (i) => i.edition),
        hosts: [...msByHost]
          .sort(([a], [b]) => compareNames(a, b))
          .map(([name, ms]) => Object.freeze({ name, hours: hoursOf(ms) })),
        channel: last?.channel ?? 'unknown',
        licenseStatus: last?.licenseStatus ?? 'unknown',
        evidence: last?.evidence ?? 'none',
        tenantLicensed: runs.some(onTenantLicence),
        ...vmBilling(vm, runs),
      }),
    );
  }
  return rows.sort(byName);
}

/**
 * One row per tenant (null: VMs without a tenant, listed last): VMs that ran, those identified as
 * Windows Server, and those activated by AVMA (licensed through AVMA on the host's own evidence while
 * running) in the month, and its billing figures: the sums of its rows in `vmRowsOfMonth` and its peak of
 * vCPUs running at once.
 */
export function tenantRows(month: MonthRuns, vmRowsOfMonth: readonly BilledVmRow[]): UsageTenantRow[] {
  const avmaActivated = new Set(
    month.runs
      .filter((run) => hostConfirmedAvma(run) && run.licenseStatus === 'licensed')
      .map((run) => run.vm),
  );
  const byTenant = groupBy([...month.vms.values()], (vm) => JSON.stringify(vm.tenant));
  const rowById = new Map(vmRowsOfMonth.map((row) => [row.id, row]));
  const runsByVm = groupBy(month.runs, (run) => run.vm);
  return [...byTenant.values()]
    .map((vms) => {
      const rows = vms.flatMap((vm) => rowById.get(vm.id) ?? []);
      return Object.freeze({
        tenant: vms[0]?.tenant ?? null,
        vms: vms.length,
        windowsServerVms: vms.filter(isWindowsServer).length,
        avmaActivatedVms: vms.filter((vm) => avmaActivated.has(vm.id)).length,
        ...tenantBilling(
          rows,
          vms.flatMap((vm) => runsByVm.get(vm.id) ?? []),
        ),
      });
    })
    .sort((a, b) => (a.tenant === null ? 1 : b.tenant === null ? -1 : compareNames(a.tenant, b.tenant)));
}
