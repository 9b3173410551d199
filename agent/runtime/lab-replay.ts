/**
 * Resuming a lab against its database after a restart (or a kill at any point). The lab is
 * deterministic: the same scenario and seed with the same driver writes at the same simulated times
 * give the same state. Every driver write the agent made is in the audit trail with its exact KVP
 * calls and time, committed in the same transaction as the sweep that made it, so replaying the audited
 * writes up to the last committed sweep rebuilds the lab as it was then. Writes of a sweep that never
 * committed are lost with the process, exactly as if that sweep had not run; sweeping again at the
 * same time redoes them. Replayed calls set state (add-or-modify, remove-if-present) so a record
 * restating items (a recovered write) replays too.
 */

import type { Lab } from '../lab/lab.js';
import type { AuditRow, Store, SweepState } from '../store/index.js';
import { describeError } from '../sweep/collector.js';
import { RuntimeError } from './runtime-error.js';

const WRITE_ACTIONS = ['push-key', 'send-intent', 'send-wipe', 'remove-host-items'] as const;
const MISMATCH =
  'the database holds another lab run (other scenario, seed or sweep interval); use a new --db file';

interface ReplayCall {
  readonly op: 'add' | 'modify' | 'remove';
  readonly items: readonly { readonly name: string; readonly data: string }[];
}

function callsOf(row: AuditRow): ReplayCall[] {
  const calls = row.details.calls;
  if (calls === undefined) return [];
  const ok =
    Array.isArray(calls) &&
    calls.every(
      (call) =>
        ['add', 'modify', 'remove'].includes(call?.op) &&
        Array.isArray(call.items) &&
        call.items.every(
          (item: unknown) =>
            typeof (item as { name?: unknown })?.name === 'string' &&
            typeof (item as { data?: unknown })?.data === 'string',
        ),
    );
  if (!ok)
    throw new RuntimeError(
      'LAB_MISMATCH',
      `audit record ${row.id} has calls of an unknown shape; ${MISMATCH}`,
    );
  return calls as ReplayCall[];
}

async function replayRow(lab: Lab, row: AuditRow): Promise<void> {
  const calls = callsOf(row);
  if (calls.length === 0) return;
  const at = Date.parse(row.at);
  if (!(at >= lab.now())) {
    throw new RuntimeError(
      'LAB_MISMATCH',
      `audit record ${row.id} at ${row.at} is before the lab's clock; ${MISMATCH}`,
    );
  }
  // VMs a scenario creates later exist only once the lab has reached the write's time.
  await lab.advanceTo(at);
  const vm = row.vm === null ? undefined : lab.findVm(row.vm);
  if (vm === undefined) {
    throw new RuntimeError(
      'LAB_MISMATCH',
      `audit record ${row.id} names VM ${row.vm} that this lab does not have; ${MISMATCH}`,
    );
  }
  for (const call of calls) {
    const writes = call.op === 'remove' ? [] : call.items.map((item) => [item.name, item.data] as const);
    const removals =
      call.op === 'remove'
        ? call.items.map((item) => item.name).filter((name) => vm.hostItems.has(name))
        : [];
    vm.writeHostItems(writes, removals, lab.host(vm.hostName));
  }
}

/** The VMs the last committed sweep saw must be in the lab, on the same host. */
function checkLastSweep(lab: Lab, state: SweepState, at: number): void {
  for (const memory of state.vms) {
    if (memory.last === null || memory.last.lastSeenMs !== at || memory.deleted) continue;
    const vm = lab.findVm(memory.id);
    if (vm === undefined || vm.hostName.toLowerCase() !== memory.last.host.toLowerCase()) {
      throw new RuntimeError(
        'LAB_MISMATCH',
        `VM ${memory.id} seen on ${memory.last.host} at ${new Date(at).toISOString()} is not there in this lab; ${MISMATCH}`,
      );
    }
  }
}

async function readState(store: Store): Promise<SweepState> {
  try {
    return await store.readSweepState();
  } catch (error) {
    throw new RuntimeError('STORE_UNAVAILABLE', `cannot read the agent database: ${describeError(error)}`, {
      cause: error,
    });
  }
}

/**
 * Rebuilds the lab's state as of the database's last committed sweep and resolves to that sweep's
 * time, with the lab's clock there; resolves to `null` for an empty database (nothing to resume).
 * Rejects with RuntimeError LAB_MISMATCH when the database was written by another scenario or seed
 * (unknown hosts or VMs, a write the lab refuses), STORE_UNAVAILABLE when it cannot be read.
 */
export async function replayLab(lab: Lab, store: Store): Promise<number | null> {
  const state = await readState(store);
  if (state.hosts.length === 0) return null;
  const unknown = state.hosts.find((host) => lab.findHost(host.name) === undefined);
  if (unknown !== undefined)
    throw new RuntimeError('LAB_MISMATCH', `host ${unknown.name} is not in this lab's scenario; ${MISMATCH}`);
  const last = Math.max(...state.hosts.map((host) => host.lastSeenMs));
  if (last < lab.now())
    throw new RuntimeError(
      'LAB_MISMATCH',
      `its last sweep ${new Date(last).toISOString()} is before this scenario's start; ${MISMATCH}`,
    );
  const rows = await store.listAudit({ actions: WRITE_ACTIONS, until: new Date(last) });
  for (const row of rows) await replayRow(lab, row);
  await lab.advanceTo(last);
  checkLastSweep(lab, state, last);
  return last;
}
