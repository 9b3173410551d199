/** One VM: identity, eligibility in words, licence timeline, hosts, events, audit, KVP, actions. */

import type { ComponentChildren } from 'preact';
import type { ReasonCode } from '../../../shared/avma/index.js';
import type { VmAction } from '../../api/operator-actions.js';
import type { KvpItemRecord, VmDetail } from '../../store/index.js';
import { CsrfField, renderPage, type Viewer } from './layout.js';
import { Badge, EligibleBadge, StatusBadge, Table, Tenant, Time, untrustedText } from './parts.js';
import { REASON_WORDS } from './reason-words.js';

const ACTION_TEXT: Readonly<Record<VmAction, string>> = {
  'opt-out': 'Opt out of AVMA',
  'opt-in': 'Opt back in to AVMA',
  'allow-avma': 'Allow AVMA again',
};

/** Hours the VM spent on each host within [startMs, endMs) (its stays clipped to the month). */
export function hoursPerHost(
  vm: VmDetail,
  startMs: number,
  endMs: number,
  nowMs: number,
): [string, number][] {
  const hours = new Map<string, number>();
  for (const stay of vm.hosts) {
    const from = Math.max(Date.parse(stay.from), startMs);
    const to = Math.min(
      stay.to === null ? Math.min(nowMs, Date.parse(vm.lastSeen)) : Date.parse(stay.to),
      endMs,
    );
    if (to > from) hours.set(stay.host, (hours.get(stay.host) ?? 0) + (to - from) / 3_600_000);
  }
  return [...hours.entries()].map(([host, h]) => [host, Math.round(h * 100) / 100]);
}

function Identity({ vm }: { vm: VmDetail }) {
  const rows: [string, ComponentChildren][] = [
    ['GUID', <code>{vm.id}</code>],
    ['Name', <bdi>{untrustedText(vm.name ?? 'unknown')}</bdi>],
    ['Tenant', <Tenant text={vm.tenant} />],
    ['FQDN (as the guest reports it)', <bdi>{untrustedText(vm.fqdn ?? 'none')}</bdi>],
    ['Operating system', `${vm.identity.os} ${vm.identity.version ?? ''}`],
    ['Edition', vm.identity.edition ?? 'unknown'],
    ['Host now', vm.host ?? 'none'],
    ['First seen', <Time iso={vm.firstSeen} />],
    ['Licence', <StatusBadge status={vm.licenseStatus} />],
    ['Channel', `${vm.channel} (evidence: ${vm.evidence})`],
  ];
  return (
    <dl class="facts">
      {rows.map(([term, value]) => (
        <>
          <dt>{term}</dt>
          <dd>{value}</dd>
        </>
      ))}
    </dl>
  );
}

function KvpPool({ title, items }: { title: string; items: readonly KvpItemRecord[] }) {
  return (
    <Table caption={title}>
      <thead>
        <tr>
          <th scope="col">Name</th>
          <th scope="col">Data</th>
        </tr>
      </thead>
      <tbody>
        {items.map((item) => (
          <tr>
            <td>
              <bdi>{untrustedText(item.name)}</bdi>
            </td>
            <td>
              <bdi class="kvp">{untrustedText(item.data)}</bdi>
            </td>
          </tr>
        ))}
      </tbody>
    </Table>
  );
}

function Actions({ vm, viewer }: { vm: VmDetail; viewer: Viewer }) {
  if (viewer.role === 'reader') return null;
  const actions: VmAction[] = [vm.optedOut ? 'opt-in' : 'opt-out'];
  if (vm.avmaBlocked) actions.push('allow-avma');
  return (
    <section aria-labelledby="actions">
      <h2 id="actions">Operator actions</h2>
      {actions.map((action) => (
        <form method="post" action={`/vms/${vm.id}/${action}`} class="card action">
          <CsrfField csrf={viewer.csrf} />
          <label for={`reason-${action}`}>Reason (kept in the audit trail)</label>
          <textarea id={`reason-${action}`} name="reason" required maxLength={1024} rows={2} />
          <div>
            <input id={`confirm-${action}`} type="checkbox" name="confirm" value="yes" required />
            <label for={`confirm-${action}`}>I confirm: {ACTION_TEXT[action]} for this VM</label>
          </div>
          <button type="submit">{ACTION_TEXT[action]}</button>
        </form>
      ))}
    </section>
  );
}

export interface VmPageData {
  readonly vm: VmDetail;
  readonly month: { readonly name: string; readonly startMs: number; readonly endMs: number };
  readonly nowMs: number;
  readonly notice: string | null;
}

export function vmPage(viewer: Viewer, data: VmPageData): string {
  const { vm } = data;
  return renderPage({
    title: `VM ${vm.name ?? vm.id}`,
    viewer,
    active: '/vms',
    children: (
      <>
        {data.notice === null ? null : (
          <p class="notice" role="status">
            {data.notice}
          </p>
        )}
        <Identity vm={vm} />
        <section aria-labelledby="eligibility">
          <h2 id="eligibility">Eligibility</h2>
          <p>
            <EligibleBadge eligible={vm.eligible} />{' '}
            {vm.optedOut ? <Badge tone="neutral">Opted out</Badge> : null}
            {vm.avmaBlocked ? <Badge tone="warn">AVMA blocked after a key replacement</Badge> : null}
          </p>
          {vm.reasons.length === 0 && vm.eligible ? (
            <p>AVMA can activate this VM on its current host.</p>
          ) : null}
          <ul>
            {vm.reasons.map((reason: ReasonCode) => (
              <li>
                <code>{reason}</code>: {REASON_WORDS[reason]}
              </li>
            ))}
          </ul>
        </section>
        <Actions vm={vm} viewer={viewer} />
        <section aria-labelledby="timeline">
          <h2 id="timeline">Licence history</h2>
          <ol class="timeline">
            {vm.licence.map((span) => (
              <li>
                <Time iso={span.from} /> to {span.to === null ? 'now' : <Time iso={span.to} />}:{' '}
                <StatusBadge status={span.licenseStatus} /> channel {span.channel}, evidence {span.evidence}
              </li>
            ))}
          </ol>
          <h3>Names</h3>
          <ul>
            {vm.names.map((n) => (
              <li>
                <bdi>{untrustedText(n.name)}</bdi> from <Time iso={n.from} />
              </li>
            ))}
          </ul>
        </section>
        <Table caption={`Hours per host in ${data.month.name}`}>
          <thead>
            <tr>
              <th scope="col">Host</th>
              <th scope="col">Hours</th>
            </tr>
          </thead>
          <tbody>
            {hoursPerHost(vm, data.month.startMs, data.month.endMs, data.nowMs).map(([host, hours]) => (
              <tr>
                <td>{host}</td>
                <td>{hours}</td>
              </tr>
            ))}
          </tbody>
        </Table>
        <Table caption="Events (12309, 12310)">
          <thead>
            <tr>
              <th scope="col">Time</th>
              <th scope="col">Event</th>
              <th scope="col">Outcome</th>
              <th scope="col">Message</th>
            </tr>
          </thead>
          <tbody>
            {vm.events.map((e) => (
              <tr>
                <td>
                  <Time iso={e.time} />
                </td>
                <td>{e.eventId ?? e.source}</td>
                <td>{e.notification ?? ''}</td>
                <td>
                  <bdi>{untrustedText(e.message)}</bdi>
                </td>
              </tr>
            ))}
          </tbody>
        </Table>
        <Table caption="Audit trail">
          <thead>
            <tr>
              <th scope="col">Time</th>
              <th scope="col">Action</th>
              <th scope="col">By</th>
              <th scope="col">Reason</th>
            </tr>
          </thead>
          <tbody>
            {vm.audit.map((a) => (
              <tr>
                <td>
                  <Time iso={a.at} />
                </td>
                <td>{a.action}</td>
                <td>
                  <bdi>{untrustedText(a.actor)}</bdi>
                </td>
                <td>
                  <bdi>{untrustedText(a.reason)}</bdi>
                </td>
              </tr>
            ))}
          </tbody>
        </Table>
        <h2>KVP items</h2>
        <KvpPool title="Pushed by the host" items={vm.kvp.host} />
        <KvpPool title="Reported by the guest" items={vm.kvp.guest} />
        <KvpPool title="Published by the guest OS (intrinsic)" items={vm.kvp.intrinsic} />
      </>
    ),
  });
}
