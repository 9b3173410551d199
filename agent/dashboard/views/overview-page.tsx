/** Fleet overview: hosts, VM counts, problems and alerts now, and what changed since yesterday. */
import type { AuditRow, EventRow, HostRow, NewVm, VmListRow } from '../../store/index.js';
import { pathWith } from '../security.js';
import { renderPage, type Viewer } from './layout.js';
import { Badge, EligibleBadge, StatusBadge, Table, Time, untrustedText, VmLink } from './parts.js';

export interface OverviewData {
  readonly hosts: readonly HostRow[];
  readonly vms: readonly VmListRow[];
  readonly newVms: readonly NewVm[];
  readonly audit: readonly AuditRow[];
  readonly failures: readonly EventRow[];
  /** A host whose last sweep is older than this is shown as stale. */
  readonly staleAfterMs: number;
  readonly nowMs: number;
}

function countBy<T>(items: readonly T[], key: (item: T) => string): [string, number][] {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1]);
}

function HostTable({ data }: { data: OverviewData }) {
  return (
    <Table caption="Hosts">
      <thead>
        <tr>
          <th scope="col">Host</th>
          <th scope="col">Version</th>
          <th scope="col">Edition</th>
          <th scope="col">Activated</th>
          <th scope="col">Cluster</th>
          <th scope="col">Cores</th>
          <th scope="col">VMs</th>
          <th scope="col">Last sweep</th>
          <th scope="col">Collection</th>
        </tr>
      </thead>
      <tbody>
        {data.hosts.map((host) => {
          const stale = data.nowMs - Date.parse(host.lastSeen) > data.staleAfterMs;
          const cores = host.facts?.coresPerSocket.reduce((sum, n) => sum + n, 0) ?? null;
          return (
            <tr>
              <th scope="row">
                <a href={pathWith('/vms', { host: host.name })}>{host.name}</a>
              </th>
              <td>{host.facts?.version ?? 'unknown'}</td>
              <td>{host.facts?.edition ?? 'unknown'}</td>
              <td>
                {host.facts?.activated === true ? (
                  <Badge tone="good">Activated</Badge>
                ) : (
                  <Badge tone="bad">Not activated</Badge>
                )}
              </td>
              <td>{host.facts?.cluster ?? '—'}</td>
              <td>{cores ?? 'unknown'}</td>
              <td>{host.vms.total}</td>
              <td>
                <Time iso={host.lastSeen} />
              </td>
              <td>{stale ? <Badge tone="bad">Stale</Badge> : <Badge tone="good">Current</Badge>}</td>
            </tr>
          );
        })}
      </tbody>
    </Table>
  );
}

function Counts({ vms }: { vms: readonly VmListRow[] }) {
  const eligible = vms.filter((vm) => vm.eligible).length;
  return (
    <section aria-labelledby="counts">
      <h2 id="counts">VMs by licence status</h2>
      <ul class="tiles">
        {countBy(vms, (vm) => vm.licenseStatus).map(([status, count]) => (
          <li>
            <a href={pathWith('/vms', { status })}>
              <StatusBadge status={status} /> <strong>{count}</strong>
            </a>
          </li>
        ))}
        <li>
          <a href={pathWith('/vms', { eligible: 'yes' })}>
            <EligibleBadge eligible={true} /> <strong>{eligible}</strong>
          </a>
        </li>
        <li>
          <a href={pathWith('/vms', { eligible: 'no' })}>
            <EligibleBadge eligible={false} /> <strong>{vms.length - eligible}</strong>
          </a>
        </li>
      </ul>
    </section>
  );
}

function Alerts({ data }: { data: OverviewData }) {
  const problems = countBy(
    data.vms.flatMap((vm) => vm.problems.map((p) => p.code)),
    (code) => code,
  );
  const unactivated = data.hosts.filter((h) => h.facts !== null && !h.facts.activated);
  const stale = data.hosts.filter((h) => data.nowMs - Date.parse(h.lastSeen) > data.staleAfterMs);
  const none = problems.length === 0 && unactivated.length === 0 && stale.length === 0;
  return (
    <section aria-labelledby="alerts">
      <h2 id="alerts">Problems and alerts now</h2>
      {none ? <p>None.</p> : null}
      <ul>
        {unactivated.map((h) => (
          <li>
            <Badge tone="bad">Alert</Badge> host {h.name} is not activated: AVMA cannot activate its guests
          </li>
        ))}
        {stale.map((h) => (
          <li>
            <Badge tone="bad">Alert</Badge> host {h.name} was last swept at <Time iso={h.lastSeen} />
          </li>
        ))}
        {problems.map(([code, count]) => (
          <li>
            <Badge tone="warn">Problem</Badge> <a href={pathWith('/vms', { problem: code })}>{code}</a>:{' '}
            {count} VM{count === 1 ? '' : 's'}
          </li>
        ))}
      </ul>
    </section>
  );
}

function Changes({ data }: { data: OverviewData }) {
  return (
    <section aria-labelledby="changes">
      <h2 id="changes">Since yesterday</h2>
      <ul class="changes">
        {data.newVms.map((vm) => (
          <li>
            <Time iso={vm.firstSeen} /> new VM <VmLink id={vm.id} name={vm.name} />
          </li>
        ))}
        {data.audit.map((row) => (
          <li>
            <Time iso={row.at} /> {row.action} by <bdi>{untrustedText(row.actor)}</bdi>
            {row.vm === null ? null : (
              <>
                {' '}
                on <VmLink id={row.vm} name={null} />
              </>
            )}
          </li>
        ))}
        {data.failures.map((event) => (
          <li>
            <Time iso={event.time} /> <Badge tone="bad">Failure</Badge> event {event.eventId ?? 'agent'}{' '}
            {event.notification ?? ''} <VmLink id={event.vmId} name={event.vm} />
          </li>
        ))}
      </ul>
      {data.newVms.length + data.audit.length + data.failures.length === 0 ? <p>Nothing changed.</p> : null}
    </section>
  );
}

export function overviewPage(viewer: Viewer, data: OverviewData): string {
  return renderPage({
    title: 'Fleet overview',
    viewer,
    active: '/',
    children: (
      <>
        <HostTable data={data} />
        <Counts vms={data.vms} />
        <Alerts data={data} />
        <Changes data={data} />
      </>
    ),
  });
}
