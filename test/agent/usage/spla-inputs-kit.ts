/**
 * Explicit store inputs for the SPLA month tests (the shape `store.readUsageInputs` returns), so each
 * expected figure can be computed by hand from a few lines: hosts with their facts, VMs with their
 * identified OS, and running stretches. November 2026: 30 days, 720 hours.
 */
import type { HostEdition } from 'hyperv-kvp';
import type {
  HostFactsInterval,
  UsageHost,
  UsageInputs,
  UsageInterval,
  UsageVm,
} from '../../../agent/store/index.js';
import { vmGuid } from '../store/store-test-kit.js';
import { DAY, DEC, day, NOV } from './usage-test-kit.js';

export { DAY, DEC, day, NOV, vmGuid };

/** Facts in force from `fromMs` (default: read before the month) until `toMs` (null: still current). */
export function facts(
  edition: HostEdition | null,
  coresPerSocket: readonly number[],
  fromMs = NOV - 30 * DAY,
  toMs: number | null = null,
): HostFactsInterval {
  return {
    fromMs,
    toMs,
    version: '2022',
    edition,
    activated: true,
    sockets: coresPerSocket.length,
    coresPerSocket,
  };
}

/** A host known before the month and seen to its end. */
export function host(name: string, ...hostFacts: HostFactsInterval[]): UsageHost {
  return { name, firstSeenMs: NOV - 30 * DAY, lastSeenMs: DEC, facts: hostFacts };
}

export function vm(n: number, options: { tenant?: string; os?: UsageVm['knownOs'] } = {}): UsageVm {
  return {
    id: vmGuid(n),
    name: `vm${n}`,
    tenant: options.tenant ?? 'contoso',
    deletedAtMs: null,
    knownOs: options.os ?? 'windows-server',
  };
}

/** VM `n` running on `hostName` over [fromMs, untilMs], by default all month, on AVMA. */
export function ran(
  n: number,
  hostName: string,
  fromMs = NOV,
  untilMs = DEC,
  more: Partial<UsageInterval> = {},
): UsageInterval {
  return {
    vm: vmGuid(n),
    host: hostName,
    fromMs,
    untilMs,
    state: 'Running',
    version: '2022',
    edition: 'standard',
    licenseStatus: 'licensed',
    channel: 'avma',
    evidence: 'host+guest',
    ...more,
    // Sizes are unknown unless a test gives them (the SPLA rules never read them).
    processorCount: more.processorCount ?? null,
    memoryAssignedBytes: more.memoryAssignedBytes ?? null,
  };
}

/** November's inputs; intervals ordered by VM then time, as the store lists them. */
export function november(
  hosts: readonly UsageHost[],
  vms: readonly UsageVm[],
  intervals: readonly UsageInterval[],
): UsageInputs {
  const ordered = [...intervals].sort((a, b) => (a.vm < b.vm ? -1 : a.vm > b.vm ? 1 : a.fromMs - b.fromMs));
  return { fromMs: NOV, toMs: DEC, hosts, vms, intervals: ordered };
}
