/**
 * License 02C (everything known about one computer's licence) for one VM, by GUID or by name: one row
 * per fact, each with the evidence it rests on (`host`, `guest` for the guest's own word, `agent` for
 * the agent's own records, `host+guest`).
 */
import { parseStatus, STATUS_ITEM } from '../../shared/protocol/index.js';
import { toVmId } from '../model/index.js';
import type { Store, VmDetail } from '../store/index.js';
import { ReportError } from './report-error.js';
import { EVIDENCE_SOURCE, IDENTITY_SOURCE, vmParam } from './report-params.js';
import { defineReport, type ReportCell, type ReportRow } from './report-types.js';

/** How many of the VM's latest events the report lists (the events command pages through all). */
const EVENT_ROWS = 20;

/** The VM's GUID: the id itself, or the one VM that is or was called `vm`. */
export async function resolveVm(store: Store, vm: string): Promise<string> {
  const id = toVmId(vm);
  if (id !== null) return id;
  const found = await store.findVmsByName(vm);
  if (found.length === 0)
    throw new ReportError('NOT_FOUND', `vm: no VM is or was called ${JSON.stringify(vm)}`);
  if (found.length > 1) {
    throw new ReportError(
      'BAD_PARAMETER',
      `vm: ${found.length} VMs are or were called ${JSON.stringify(vm)} (${found.join(', ')}); give the GUID`,
    );
  }
  return found[0] as string;
}

function row(section: string, field: string, value: ReportCell, evidence: string, source: string): ReportRow {
  return Object.freeze({ section, field, value, evidence, source });
}

function guestStatusRows(detail: VmDetail): ReportRow[] {
  const item = detail.kvp.guest.find((i) => i.name === STATUS_ITEM);
  if (item === undefined) return [row('guest-status', 'status', 'none stored', 'none', 'guest KVP pool')];
  const parsed = parseStatus(item.data);
  const source = 'guest claim: the guest agent status (tenant-written, not verified)';
  if (!parsed.ok) return [row('guest-status', 'status', `invalid: ${parsed.problem.code}`, 'guest', source)];
  const s = parsed.value;
  return (
    [
      ['licenseStatus', s.licenseStatus],
      ['channel', s.channel],
      ['graceMinutes', s.graceMinutes],
      ['partialKey', s.partialKey],
      ['avmaHost', s.avmaHost],
      ['lastActivation', s.lastActivation],
      ['lastHresult', s.lastHresult],
      ['refused', s.refused],
      ['agentVersion', s.agentVersion],
    ] as const
  ).map(([field, value]) => row('guest-status', field, value, 'guest', source));
}

function detailRows(detail: VmDetail): ReportRow[] {
  const agent = (field: string, value: ReportCell) => row('vm', field, value, 'agent', 'the agent database');
  const identity = (field: string, value: ReportCell) =>
    row('identity', field, value, 'guest', `${IDENTITY_SOURCE} (${detail.identity.source})`);
  const conclusion = EVIDENCE_SOURCE[detail.evidence];
  const claim = 'guest claim: the guest agent status (tenant-written, not verified)';
  return [
    agent('id', detail.id),
    agent('name', detail.name),
    agent('tenant', detail.tenant),
    agent('host', detail.host),
    agent('firstSeen', detail.firstSeen),
    agent('lastSeen', detail.lastSeen),
    agent('deletedAt', detail.deletedAt),
    agent('optedOut', detail.optedOut),
    agent('avmaBlocked', detail.avmaBlocked),
    identity('os', detail.identity.os),
    identity('version', detail.identity.version),
    identity('edition', detail.identity.edition),
    identity('evaluation', detail.identity.evaluation),
    identity('fqdn', detail.fqdn),
    row('licence', 'licenseStatus', detail.licenseStatus, detail.evidence, conclusion),
    row('licence', 'channel', detail.channel, detail.evidence, conclusion),
    row('licence', 'claimedLicenseStatus', detail.claimedLicenseStatus, 'guest', claim),
    row('licence', 'claimedChannel', detail.claimedChannel, 'guest', claim),
    row('eligibility', 'eligible', detail.eligible, 'host+guest', 'host facts and the guest identity'),
    row(
      'eligibility',
      'reasons',
      detail.reasons.join(' '),
      'host+guest',
      'host facts and the guest identity',
    ),
    row('eligibility', 'problems', detail.problems.map((p) => p.code).join(' '), 'agent', 'the agent'),
  ];
}

function historyRows(detail: VmDetail): ReportRow[] {
  const span = (from: string, to: string | null) => `${from}/${to ?? ''}`;
  return [
    ...detail.licence.map((l) =>
      row(
        'licence-history',
        span(l.from, l.to),
        `${l.licenseStatus} ${l.channel}`,
        l.evidence,
        EVIDENCE_SOURCE[l.evidence],
      ),
    ),
    ...detail.hosts.map((h) =>
      row('host-history', span(h.from, h.to), h.host, 'host', 'the host VM listing'),
    ),
    ...detail.names.map((n) =>
      row('name-history', span(n.from, n.to), n.name, 'host', 'the host VM listing'),
    ),
  ];
}

function eventRows(detail: VmDetail): ReportRow[] {
  return detail.events.slice(0, EVENT_ROWS).map((e) => {
    const what = [e.eventId ?? 'audit', e.notification, e.hresult, e.host]
      .filter((x) => x !== null)
      .join(' ');
    const source =
      e.source === 'host'
        ? `host: Application log 12310 (matched by ${e.vmMatch ?? 'unknown'})`
        : e.source === 'guest'
          ? 'guest claim: a 12309 forwarded by the guest agent'
          : 'the agent audit trail';
    return row('event', e.time, what, e.source, source);
  });
}

export const vmReport = defineReport({
  name: 'vm',
  sccm: '02C',
  title: 'Everything known about one VM: identity, licence conclusion and claim, guest status, history',
  source: 'the agent database; each row names its evidence (host, guest claim, agent)',
  params: { vm: vmParam(true) },
  columns: ['section', 'field', 'value', 'evidence', 'source'],
  async rows({ store }, params) {
    const id = await resolveVm(store, params.vm);
    const detail = await store.getVmDetail(id);
    if (detail === null) throw new ReportError('NOT_FOUND', `vm: no VM ${id} in this database`);
    return [...detailRows(detail), ...guestStatusRows(detail), ...historyRows(detail), ...eventRows(detail)];
  },
});
