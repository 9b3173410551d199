/**
 * Performing planned host-side actions through the driver, call by call in plan order. A failed call
 * stops the VM's remaining calls (a later call may rely on an earlier one: the intent on the key) and
 * becomes a KVP_WRITE_FAILED problem; the next sweep plans again from what the host then holds, so
 * nothing is pushed twice. Only calls that succeeded are reported, so the audit trail records exactly
 * what changed on the host.
 */

import type { PlannedAction } from '../decide/host-actions.js';
import { afterCalls, type KvpCall } from '../decide/kvp-calls.js';
import { problem } from '../decide/problems.js';
import { DriverError } from '../driver/driver-error.js';
import type { HypervDriver } from '../driver/hyperv-driver.js';
import type { Problem } from '../store/index.js';

export interface DoneAction {
  readonly planned: PlannedAction;
  /** The calls that succeeded (all of `planned.calls` unless `failure` is set). */
  readonly calls: readonly KvpCall[];
  /** Why the action stopped part-way, or `null` when complete. */
  readonly failure: string | null;
}

export interface ActResult {
  /** Actions with at least one successful call, in order. */
  readonly done: readonly DoneAction[];
  /** The VM's host items after the successful calls. */
  readonly hostItems: ReadonlyMap<string, string>;
  readonly problems: readonly Problem[];
}

function describe(error: unknown): string {
  const text =
    error instanceof Error
      ? `${error instanceof DriverError ? error.code : error.name}: ${error.message}`
      : String(error);
  return text.replace(/\s+/g, ' ').slice(0, 300);
}

async function send(driver: HypervDriver, vmId: string, call: KvpCall): Promise<void> {
  if (call.op === 'add') return driver.addKvpItems(vmId, call.items);
  if (call.op === 'modify') return driver.modifyKvpItems(vmId, call.items);
  return driver.removeKvpItems(
    vmId,
    call.items.map((item) => item.name),
  );
}

/**
 * Runs the actions' calls for one VM. Never rejects: a driver failure ends the VM's writes for this
 * sweep and is returned as a problem naming the action, the call and the driver's message.
 */
export async function performActions(
  driver: HypervDriver,
  vmId: string,
  hostItems: ReadonlyMap<string, string>,
  actions: readonly PlannedAction[],
): Promise<ActResult> {
  const done: DoneAction[] = [];
  const succeeded: KvpCall[] = [];
  for (const planned of actions) {
    const calls: KvpCall[] = [];
    for (const call of planned.calls) {
      try {
        await send(driver, vmId, call);
      } catch (error) {
        const failure = `${planned.action}: ${call.op} of ${call.items.map((item) => item.name).join(', ')} failed (${describe(error)})`;
        if (calls.length > 0) done.push(Object.freeze({ planned, calls: Object.freeze(calls), failure }));
        const items = afterCalls(hostItems, [...succeeded, ...calls]);
        return {
          done,
          hostItems: items,
          problems: [problem('KVP_WRITE_FAILED', `${failure}; retried next sweep`)],
        };
      }
      calls.push(call);
    }
    succeeded.push(...calls);
    done.push(Object.freeze({ planned, calls: Object.freeze(calls), failure: null }));
  }
  return { done, hostItems: afterCalls(hostItems, succeeded), problems: [] };
}
