/**
 * What a lab guest agent's pass reads, as a fingerprint, and whether a pass only refreshed its status.
 * A pass is the real guest agent's (guest/agent): it reads its state file, the `External` key, the
 * licence, the 12309 records after its bookmark and its Guest items, and time enters only through the
 * licence facts (grace minutes, a lapsed activation) and `now()`. So after a pass that changed nothing
 * but its `AvmaAgent.Status`, the next pass with the same inputs takes the same path and again
 * changes only the status, now from the licence facts of its own time (lab-agents.ts defers it).
 */
import type { GuestTickReport } from '../../guest/agent/tick-report.js';
import type { LicenseFacts } from '../../guest/platform/guest-platform.js';
import type { WindowsGuest } from './lab-guest.js';
import type { InstalledKey } from './product-keys.js';
import type { LabVm } from './vm-model.js';

/** The inputs of a pass that can change without time passing. */
export interface PassInputs {
  /** The agent's state file, as text. */
  readonly state: string | null;
  readonly externalVersion: number;
  /** Changes by anyone, the agent's own writes included (updated after each of its passes). */
  guestPoolVersion: number;
  readonly lastRecordId: number;
  /** The installed key decides the channel the agent sees; renewals do not change it. */
  readonly key: InstalledKey | null;
}

export function passInputs(vm: LabVm, guest: WindowsGuest): PassInputs {
  return {
    state: guest.agentState,
    externalVersion: vm.externalVersion,
    guestPoolVersion: vm.guestPoolVersion,
    lastRecordId: guest.log.lastRecordId,
    key: guest.spp.key,
  };
}

/** Whether nothing a pass reads changed since `inputs` were taken (time aside). Never throws. */
export function sameInputs(inputs: PassInputs, vm: LabVm, guest: WindowsGuest): boolean {
  return (
    inputs.state === guest.agentState &&
    inputs.externalVersion === vm.externalVersion &&
    inputs.guestPoolVersion === vm.guestPoolVersion &&
    inputs.lastRecordId === guest.log.lastRecordId &&
    inputs.key === guest.spp.key
  );
}

/**
 * Whether a pass did nothing but (at most) write its status: no intent acted on, no key installed,
 * no activation, no event forwarded, no wipe, and no problem met (a problem may be a failure the next
 * pass retries differently). Never throws.
 */
export function onlyRefreshedStatus(report: GuestTickReport): boolean {
  return report.problems.length === 0 && report.actions.every((action) => action.kind === 'status-written');
}

/** Whether two readings of the licence hold the same facts (every field is a primitive). Never throws. */
export function sameLicenseFacts(a: LicenseFacts | null, b: LicenseFacts): boolean {
  if (a === null) return false;
  for (const key of Object.keys(b) as (keyof LicenseFacts)[]) if (a[key] !== b[key]) return false;
  return Object.keys(a).length === Object.keys(b).length;
}
