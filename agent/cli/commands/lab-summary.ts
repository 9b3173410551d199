/** The agent's part of `avma lab run --db`'s text report, after the lab's own report. */
import type { LabAgentSummary } from '../../runtime/lab-run.js';

/** A short block: what the sweeps did, where the database is, what to run next. Never throws. */
export function formatAgentSummary(summary: LabAgentSummary): string {
  const { vms } = summary;
  const resumed = summary.resumedFrom === null ? '' : ` (resumed from the sweep of ${summary.resumedFrom})`;
  return [
    '',
    `Agent: ${summary.rounds} sweeps every ${summary.sweepIntervalMinutes} simulated minutes${resumed}, recorded in ${summary.db}`,
    `  ${summary.pushed} key pushes, ${summary.wiped} wipes, ${summary.newEvents} new events, ${summary.staleHostSweeps} stale host sweeps`,
    `  VMs: ${vms.total} recorded, ${vms.eligible} eligible, ${vms.keyPushed} with a key pushed, ${vms.kvpWiped} wiped, ` +
      `${vms.avmaBlocked} blocked, ${vms.optedOut} opted out, ${vms.withProblems} with problems`,
    `  ${summary.cpuMs} ms CPU, ${summary.wallMs} ms wall`,
    `  next: avma status --db ${summary.db} | avma events --db ${summary.db} | avma export usage --db ${summary.db} --month YYYY-MM --format csv`,
    '',
  ].join('\n');
}
