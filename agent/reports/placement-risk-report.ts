/**
 * Placement risk (no peer has it): per failover cluster, each VM that AVMA serves or can serve on its
 * current node, and every other node of the cluster where AVMA would fail it after a migration, with
 * the reasons the target node adds. Microsoft: "each virtualization server host in the cluster must be
 * activated for guest VMs to stay activated, regardless of which server they run on" (avma-facts §2b).
 * The rules are shared/avma's eligibility (through agent/decide's host view), applied to each node's
 * current facts (edition, activation, version) and the VM's own (guest version and edition from its
 * intrinsic KVP items, Data Exchange, tenant key, opt-out).
 */
import {
  HOST_EDITIONS,
  type HostEdition,
  isHostVersion,
  isServerVersion,
  type GuestIdentity as KvpGuestIdentity,
} from 'hyperv-kvp';
import { z } from 'zod';
import type { EligibilityResult } from '../../shared/avma/index.js';
import { vmEligibility } from '../decide/vm-eligibility.js';
import type { ReportHost, ReportVm } from '../store/index.js';
import { IDENTITY_SOURCE } from './report-params.js';
import { defineReport, type ReportParam, type ReportRow } from './report-types.js';

const clusterParam: ReportParam<string> = {
  schema: z.string().min(1, { error: 'expected a cluster name' }).max(255),
  valueName: 'CLUSTER',
  description: 'only this cluster (case-insensitive)',
};

/** The VM's identity as the sweep judged it: its latest observation (from its intrinsic KVP items). */
function identityOf(vm: ReportVm): KvpGuestIdentity | null {
  if (vm.os === 'unknown') return null;
  const version = vm.guestVersion;
  return {
    os: vm.os,
    // A version outside the vocabulary is unknown here, as it was to the sweep's eligibility.
    version: version !== null && isServerVersion(version) ? version : null,
    build: null,
    edition: vm.guestEdition,
    evaluation: vm.evaluation,
    fqdn: null,
    ipv4: [],
    ipv6: [],
    architecture: null,
  };
}

function judge(vm: ReportVm, node: ReportHost): EligibilityResult {
  const edition = (HOST_EDITIONS as readonly string[]).includes(node.edition ?? '')
    ? (node.edition as HostEdition)
    : null;
  return vmEligibility({
    host: {
      version: node.version !== null && isHostVersion(node.version) ? node.version : null,
      build: node.build ?? 0,
      edition,
      activated: node.activated,
    },
    identity: identityOf(vm),
    dataExchange: vm.dataExchange,
    channel: vm.claimedChannel,
    optedOut: vm.optedOut,
    tenantKey: vm.avmaBlocked,
  });
}

function order(a: string | null, b: string | null): number {
  const x = (a ?? '').toLowerCase();
  const y = (b ?? '').toLowerCase();
  return x < y ? -1 : x > y ? 1 : 0;
}

function nodeFacts(node: ReportHost): string {
  return `${node.version ?? 'unknown version'} ${node.edition ?? 'unknown edition'}, ${node.activated ? 'activated' : 'not activated'}`;
}

/** The rows of one VM: every other node of its cluster where AVMA would fail it. */
function riskRows(vm: ReportVm, current: ReportHost, nodes: readonly ReportHost[]): ReportRow[] {
  const here = judge(vm, current);
  if (!here.eligible && vm.channel !== 'avma') return [];
  return nodes
    .filter((node) => node.name.toLowerCase() !== current.name.toLowerCase() && node.hasFacts)
    .sort((a, b) => order(a.name, b.name))
    .map((node) => ({ node, there: judge(vm, node) }))
    .filter(({ there }) => !there.eligible)
    .map(({ node, there }) => ({
      cluster: current.cluster,
      id: vm.id,
      name: vm.name,
      tenant: vm.tenant,
      currentNode: current.name,
      guestVersion: vm.guestVersion,
      guestEdition: vm.guestEdition,
      node: node.name,
      nodeFacts: nodeFacts(node),
      reasons: there.reasons.filter((r) => !here.reasons.includes(r)).join(' '),
      evidence: 'host+guest',
      source: `node: the host facts the agent read from that node; VM: ${IDENTITY_SOURCE}`,
    }));
}

export const placementRiskReport = defineReport({
  name: 'placement-risk',
  sccm: null,
  title: 'Per cluster: VMs AVMA serves now, and the nodes where AVMA would fail them after a migration',
  source: `shared/avma eligibility rules over each node's current host facts and the VM's identity (${IDENTITY_SOURCE})`,
  params: { cluster: clusterParam },
  columns: [
    'cluster',
    'id',
    'name',
    'tenant',
    'currentNode',
    'guestVersion',
    'guestEdition',
    'node',
    'nodeFacts',
    'reasons',
    'evidence',
    'source',
  ],
  async rows({ store }, params) {
    const { vms, hosts } = await store.readReportInputs();
    const byName = new Map(hosts.map((h) => [h.name.toLowerCase(), h]));
    const wanted = params.cluster?.toLowerCase();
    const rows = vms.flatMap((vm) => {
      const current = vm.host === null ? undefined : byName.get(vm.host.toLowerCase());
      const cluster = current?.cluster?.toLowerCase();
      if (current === undefined || cluster === undefined) return [];
      if (wanted !== undefined && cluster !== wanted) return [];
      const nodes = hosts.filter((h) => h.cluster?.toLowerCase() === cluster);
      return riskRows(vm, current, nodes);
    });
    // By cluster, then VM (vms come by name), then node: a cluster's rows read together.
    return rows.sort((a, b) => order(String(a.cluster), String(b.cluster)));
  },
});
