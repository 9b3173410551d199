/** Hosts and VMs: `GET /api/v1/hosts[/{name}]`, `GET /api/v1/vms` (filters, cursor), `GET /api/v1/vms/{id}`. */
import { z } from 'zod';
import { hostSweepers } from '../../store/index.js';
import { ApiError } from '../api-error.js';
import { defineRoute, json, type RouteSpec } from '../route.js';
import { VmIdParam } from '../schemas.js';
import { Host, HostList, VmDetail, VmListQuery, VmPage } from '../schemas-inventory.js';

const VmPosition = z.object({ vm: VmIdParam });

export const INVENTORY_ROUTES: readonly RouteSpec[] = [
  defineRoute({
    method: 'get',
    path: '/api/v1/hosts',
    role: 'reader',
    operationId: 'listHosts',
    cache: true,
    summary: 'Every host: current facts, VM counts, last sweep, event bookmarks',
    response: HostList,
    async handle(_request, services) {
      const hosts = await services.store.listHosts();
      const sweeperOf = await hostSweepers(services.store);
      return json({ items: hosts.map((host) => ({ ...host, sweeper: sweeperOf(host) })) });
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/hosts/{name}',
    role: 'reader',
    operationId: 'getHost',
    cache: true,
    summary: 'One host (name case-insensitive)',
    params: z.strictObject({ name: z.string().min(1).max(253) }),
    response: Host,
    async handle({ params }, services) {
      const host = await services.store.getHost(params.name);
      if (host === null)
        throw new ApiError('NOT_FOUND', `name: no host ${JSON.stringify(params.name)} in the store`);
      return json({ ...host, sweeper: (await hostSweepers(services.store))(host) });
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/vms',
    role: 'reader',
    operationId: 'listVms',
    cache: true,
    summary: 'VMs ordered by id, filtered; `next` is the cursor of the following page',
    query: VmListQuery,
    response: VmPage,
    async handle({ query }, services) {
      const q = query;
      const after = q.cursor === undefined ? null : VmPosition.safeParse(services.cursors.decode(q.cursor));
      if (after !== null && !after.success)
        throw new ApiError('BAD_PARAMETER', 'cursor: not a cursor of the VM list');
      const { cursor: _cursor, limit, deleted, ...filters } = q;
      const page = await services.store.listVmPage(
        { ...filters, ...(deleted === undefined ? {} : { includeDeleted: deleted }) },
        after === null ? null : after.data.vm,
        limit,
      );
      return json({
        items: page.rows,
        next: page.next === null ? null : services.cursors.encode({ vm: page.next }),
      });
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/vms/{id}',
    role: 'reader',
    operationId: 'getVm',
    cache: true,
    summary:
      'One VM with its history: names, hosts, licence states and evidence, KVP identity and items, events, audit',
    params: z.strictObject({ id: VmIdParam }),
    response: VmDetail,
    async handle({ params }, services) {
      const detail = await services.store.getVmDetail(params.id.toLowerCase());
      if (detail === null)
        throw new ApiError('NOT_FOUND', `id: no VM ${params.id.toLowerCase()} in the store`);
      return json(detail);
    },
  }),
];
