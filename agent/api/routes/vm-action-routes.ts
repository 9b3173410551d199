/**
 * The operator's VM actions: opt out, opt in, allow AVMA again after a key replacement. Each is one
 * transaction, audited with the token's name as actor and the reason given; repeating one is a no-op
 * reported as `changed: false`.
 */
import { z } from 'zod';
import { applyVmAction, VM_ACTIONS, type VmAction } from '../operator-actions.js';
import { defineRoute, json, type RouteSpec } from '../route.js';
import { VmActionBody, VmActionResult, VmIdParam } from '../schemas.js';

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
      return json(await applyVmAction(services, params.id, action, caller, body.reason));
    },
  });
}

export const VM_ACTION_ROUTES: readonly RouteSpec[] = VM_ACTIONS.map(actionRoute);
