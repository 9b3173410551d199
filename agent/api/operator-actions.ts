/**
 * What an operator can change, in one place for the API routes and the dashboard's forms: the VM
 * actions (opt out, opt in, allow AVMA) and the month close. Each is audited with the caller's name.
 */
import { type ClosedMonth, closeMonth } from '../usage/index.js';
import { ApiError } from './api-error.js';
import type { ApiServices, Caller } from './route.js';

export const VM_ACTIONS = ['opt-out', 'opt-in', 'allow-avma'] as const;
export type VmAction = (typeof VM_ACTIONS)[number];

export interface VmActionOutcome {
  readonly id: string;
  readonly action: VmAction;
  readonly changed: boolean;
  readonly optedOut: boolean;
  readonly avmaBlocked: boolean;
  readonly actor: string;
}

/**
 * Applies `action` to the VM `vmId` in one audited transaction; repeating one is a no-op reported as
 * `changed: false`. Rejects with ApiError NOT_FOUND for a VM the store does not know.
 */
export async function applyVmAction(
  services: ApiServices,
  vmId: string,
  action: VmAction,
  caller: Caller,
  reason: string,
): Promise<VmActionOutcome> {
  const id = vmId.toLowerCase();
  const [vm] = await services.store.listVmStatus({ includeDeleted: true, vm: id });
  if (vm === undefined) throw new ApiError('NOT_FOUND', `id: no VM ${id} in the store`);
  const request = { at: services.now(), actor: caller.name, reason };
  const changed = await services.writer.transaction((tx) =>
    action === 'allow-avma'
      ? tx.setAvmaBlocked(id, false, request)
      : tx.setOptOut(id, action === 'opt-out', request),
  );
  const [after] = await services.writer.listVmStatus({ includeDeleted: true, vm: id });
  return {
    id,
    action,
    changed,
    optedOut: after?.optedOut ?? false,
    avmaBlocked: after?.avmaBlocked ?? false,
    actor: caller.name,
  };
}

/** Closes a finished month with the caller as the audited actor (agent/usage closeMonth). */
export function closeMonthAs(
  services: ApiServices,
  month: string,
  caller: Caller,
  options: { readonly force?: boolean } = {},
): Promise<ClosedMonth> {
  return closeMonth(services.writer, month, {
    now: services.now(),
    actor: caller.name,
    force: options.force === true,
    // The configuration's SPLA rules (`spla` section), frozen with the close; defaults without.
    ...(services.splaSettings === undefined ? {} : { settings: services.splaSettings }),
  });
}
