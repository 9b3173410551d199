/**
 * The operator's VM actions: opt out, opt in, allow AVMA again after a key replacement. Each is one
 * transaction, audited with the token's name as actor and the reason given; repeating one is a no-op
 * reported as `changed: false`.
 */
import { z } from 'zod';
import { ApiError } from '../api-error.js';
import { defineRoute, json, type RouteSpec } from '../route.js';
import { VmActionBody, VmActionResult, VmIdParam } from '../schemas.js';

const ACTIONS = ['opt-out', 'opt-in', 'allow-avma'] as const;
type VmAction = (typeof ACTIONS)[number];

function actionRoute(action: VmAction): RouteSpec {
  return defineRoute({
    method: 'post',
    path: `/api/v1/vms/{id}/${action}`,
    role: 'operator',
    operationId: { 'opt-out': 'optOutVm', 'opt-in': 'optInVm', 'allow-avma': 'allowAvmaVm' }[action],
    summary: {
      'opt-out': 'Opt the VM out of AVMA: the agent withdraws its key and pushes nothing more',
      'opt-in': 'Opt the VM back in',
      'allow-avma': 'Allow AVMA again for a VM blocked after its key was replaced',
    }[action],
    params: z.strictObject({ id: VmIdParam }),
    body: VmActionBody,
    response: VmActionResult,
    async handle({ params, body, caller }, services) {
      const id = params.id.toLowerCase();
      const [vm] = await services.store.listVmStatus({ includeDeleted: true, vm: id });
      if (vm === undefined) throw new ApiError('NOT_FOUND', `id: no VM ${id} in the store`);
      const request = { at: services.now(), actor: caller.name, reason: body.reason };
      const changed = await services.writer.transaction((tx) =>
        action === 'allow-avma'
          ? tx.setAvmaBlocked(id, false, request)
          : tx.setOptOut(id, action === 'opt-out', request),
      );
      const [after] = await services.writer.listVmStatus({ includeDeleted: true, vm: id });
      return json({
        id,
        action,
        changed,
        optedOut: after?.optedOut ?? false,
        avmaBlocked: after?.avmaBlocked ?? false,
        actor: caller.name,
      });
    },
  });
}

export const VM_ACTION_ROUTES: readonly RouteSpec[] = ACTIONS.map(actionRoute);
