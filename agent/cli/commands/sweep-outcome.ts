/**
 * What `avma run` and `avma sweep` say and return when hosts fail: a host that did not answer (stale)
 * or, outside a dry run, could not be recorded failed. Every host failed: exit 1 (an operational
 * failure, not bad input). Some failed: exit 0, and one line on stderr names them.
 */
import type { HostReport, SweepReport } from '../../sweep/sweep-report.js';

/** Exit code of a command whose hosts all failed: operational failure (0 ok, 1 operational, 2 bad input). */
export const EXIT_HOSTS_FAILED = 1;

/** Hosts this round could not sweep. Never throws. */
export function failedHosts(report: SweepReport): HostReport[] {
  return report.hosts.filter(
    (host) => host.outcome === 'stale' || (host.outcome === 'not-recorded' && !report.dryRun),
  );
}

/** True when the round had hosts and none of them was swept. */
export function everyHostFailed(report: SweepReport): boolean {
  return report.hosts.length > 0 && failedHosts(report).length === report.hosts.length;
}

/** Host errors can carry a shell's multi-line text; the summary stays one line. */
function reasonOf(host: HostReport): string {
  const reason = (host.error ?? host.outcome).replace(/\s+/g, ' ').trim();
  return reason.length > 200 ? `${reason.slice(0, 199)}…` : reason;
}

/**
 * One line naming the failed hosts and why (`avma sweep: every host failed (1 of 1): localhost
 * (HOST_UNAVAILABLE: …)`), or null when none failed.
 */
export function failureLine(command: string, report: SweepReport): string | null {
  const failed = failedHosts(report);
  if (failed.length === 0) return null;
  const total = report.hosts.length;
  const what =
    failed.length === total
      ? `every host failed (${failed.length} of ${total})`
      : `${failed.length} of ${total} hosts failed, the others were swept`;
  return `${command}: ${what}: ${failed.map((host) => `${host.host} (${reasonOf(host)})`).join('; ')}`;
}
