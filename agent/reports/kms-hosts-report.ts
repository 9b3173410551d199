/**
 * License 05A (computers acting as KMS hosts) as far as the guests' reports tell. The guest protocol
 * (architecture §6, version 1) carries `channel` and `avmaHost` (the host a guest says activated it
 * through AVMA) but no KMS host name, and its status schema is strict: a field added there would make
 * every host agent of version 1 refuse the new guests' statuses, so it is not backwards compatible and
 * is left for a protocol version 2. This report therefore lists, from what exists:
 * - `kms` rows: guests reporting a KMS client key (GVLK) per Hyper-V host, with `namedHost` null (the
 *   KMS host serving them is not reported);
 * - `avma` rows: the activation hosts guests name in `avmaHost`, per Hyper-V host the agent saw them
 *   on, with how many of those VMs the host's own 12310 corroborates (AVMA success within the validity).
 * Every figure here is the guests' word (`evidence` guest) except `hostCorroborated`.
 */
import { parseStatus } from '../../shared/protocol/index.js';
import type { ReportVm } from '../store/index.js';
import { atParam } from './report-params.js';
import { defineReport, type ReportRow } from './report-types.js';

const KMS_LIMIT = 'protocol v1 carries no KMS host name; the KMS host serving these guests is not reported';

interface Group {
  service: 'kms' | 'avma';
  namedHost: string | null;
  runsOn: string | null;
  vms: number;
  hostCorroborated: number;
}

/** The host's own 12310 shows an AVMA activation still valid at `atMs`. */
function corroborated(vm: ReportVm, atMs: number, validityMs: number): boolean {
  const success = vm.lastHostSuccess;
  return success !== null && success.timeMs + validityMs >= atMs;
}

function groupOf(vm: ReportVm): Pick<Group, 'service' | 'namedHost'> | null {
  if (vm.guestStatus === null) return null;
  const parsed = parseStatus(vm.guestStatus.text);
  if (!parsed.ok) return null;
  if (parsed.value.channel === 'gvlk') return { service: 'kms', namedHost: null };
  if (parsed.value.channel === 'avma') return { service: 'avma', namedHost: parsed.value.avmaHost };
  return null;
}

function rowOf(g: Group): ReportRow {
  return {
    ...g,
    evidence: 'guest',
    source:
      g.service === 'kms'
        ? `guest claim: channel gvlk in the guest agent status; ${KMS_LIMIT}`
        : 'guest claim: avmaHost in the guest agent status; hostCorroborated: host 12310 AVMA success within the validity',
  };
}

export const kmsHostsReport = defineReport({
  name: 'kms-hosts',
  sccm: '05A',
  title:
    'Activation hosts named in guests’ reports (AVMA hosts; KMS clients, whose KMS host v1 does not carry)',
  source: `guest claims (channel, avmaHost of the guest agent status), with host 12310 corroboration; ${KMS_LIMIT}`,
  params: { at: atParam },
  columns: ['service', 'namedHost', 'runsOn', 'vms', 'hostCorroborated', 'evidence', 'source'],
  async rows({ store, now, avmaValidityMs }, params) {
    const at = (params.at ?? now).getTime();
    const groups = new Map<string, Group>();
    for (const vm of (await store.readReportInputs()).vms) {
      const group = groupOf(vm);
      if (group === null) continue;
      const key = JSON.stringify([group.service, group.namedHost, vm.host]);
      const entry = groups.get(key) ?? { ...group, runsOn: vm.host, vms: 0, hostCorroborated: 0 };
      entry.vms += 1;
      if (group.service === 'avma' && corroborated(vm, at, avmaValidityMs)) entry.hostCorroborated += 1;
      groups.set(key, entry);
    }
    return [...groups.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, g]) => rowOf(g));
  },
});
