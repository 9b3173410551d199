/**
 * The SPLA month: hosts, tenants and VMs as in `avma export usage`, the chart of concurrent Windows
 * Server VMs per host (uPlot, drawn by /assets/month-chart.js from the series JSON), downloads, the
 * operator's month close, and the diff against the previous month.
 */
import type { MonthCloseRecord } from '../../store/index.js';
import { type Delta, type MonthDiff, USAGE_CSV_TABLES, type UsageMonth } from '../../usage/index.js';
import { pathWith } from '../security.js';
import { CsrfField, renderPage, type Viewer } from './layout.js';
import { ResellerLines } from './month-reseller.js';
import { Pager, StatusBadge, Table, Tenant, VmLink } from './parts.js';

export const MONTH_VMS_PER_PAGE = 100;

export interface MonthPageData {
  readonly report: UsageMonth;
  readonly close: MonthCloseRecord | null;
  /** Whether the month has ended (it can be closed). */
  readonly over: boolean;
  readonly diff: MonthDiff | null;
  /** Every closed month, in closing order (each month's page shows its close). */
  readonly closedMonths: readonly string[];
  readonly vmPage: number;
  readonly notice: string | null;
}

const orDash = (value: number | string | null | undefined) =>
  value === null || value === undefined ? '—' : value;

function deltaText(d: Delta): string {
  const sign = d.delta > 0 ? '+' : '';
  return `${orDash(d.before)} → ${orDash(d.after)} (${sign}${d.delta})`;
}

function Hosts({ report }: { report: UsageMonth }) {
  return (
    <Table caption="Hosts">
      <thead>
        <tr>
          {[
            'Host',
            'Version',
            'Edition',
            'Sockets',
            'Cores',
            'Core licences',
            '2-core licences',
            'AVMA guests',
            'Peak concurrent Windows Server VMs',
            'Distinct VMs',
            'Observed hours',
          ].map((h) => (
            <th scope="col">{h}</th>
          ))}
        </tr>
      </thead>
      <tbody>
        {report.hosts.map((h) => (
          <tr>
            <th scope="row">{h.name}</th>
            <td>{orDash(h.version)}</td>
            <td>{orDash(h.edition)}</td>
            <td>{orDash(h.sockets)}</td>
            <td>{orDash(h.physicalCores)}</td>
            <td>{orDash(h.coreLicenses)}</td>
            <td>{orDash(h.twoCorePacks)}</td>
            <td>{h.avmaGuests}</td>
            <td>{h.peakConcurrentWindowsServerVms}</td>
            <td>{h.distinctVms}</td>
            <td>{h.observedHours === undefined ? '—' : `${h.observedHours} of ${h.monthHours}`}</td>
          </tr>
        ))}
      </tbody>
    </Table>
  );
}

function Tenants({ report }: { report: UsageMonth }) {
  return (
    <Table caption="Tenants">
      <thead>
        <tr>
          <th scope="col">Tenant</th>
          <th scope="col">VMs</th>
          <th scope="col">Windows Server VMs</th>
          <th scope="col">AVMA-activated VMs</th>
          <th scope="col">VM-hours</th>
          <th scope="col">vCPU-hours</th>
          <th scope="col">Peak vCPUs</th>
        </tr>
      </thead>
      <tbody>
        {report.tenants.map((t) => (
          <tr>
            <td>
              <Tenant text={t.tenant} />
            </td>
            <td>{t.vms}</td>
            <td>{t.windowsServerVms}</td>
            <td>{t.avmaActivatedVms}</td>
            <td>{orDash(t.vmHours)}</td>
            <td>{orDash(t.vcpuHours)}</td>
            <td>{orDash(t.peakVcpus)}</td>
          </tr>
        ))}
      </tbody>
    </Table>
  );
}

function Vms({ data }: { data: MonthPageData }) {
  const { report } = data;
  const pages = Math.max(1, Math.ceil(report.vms.length / MONTH_VMS_PER_PAGE));
  const page = Math.min(data.vmPage, pages);
  const rows = report.vms.slice((page - 1) * MONTH_VMS_PER_PAGE, page * MONTH_VMS_PER_PAGE);
  return (
    <>
      <Table caption={`VMs (${report.vms.length})`}>
        <thead>
          <tr>
            <th scope="col">VM</th>
            <th scope="col">Tenant</th>
            <th scope="col">Guest</th>
            <th scope="col">Hosts (hours)</th>
            <th scope="col">Channel</th>
            <th scope="col">Licence</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((vm) => (
            <tr>
              <td>
                <VmLink id={vm.id} name={vm.name} />
              </td>
              <td>
                <Tenant text={vm.tenant} />
              </td>
              <td>{`${vm.guestVersion ?? ''} ${vm.guestEdition ?? ''}`}</td>
              <td>{vm.hosts.map((h) => `${h.name} (${h.hours})`).join(', ')}</td>
              <td>{vm.channel}</td>
              <td>
                <StatusBadge status={vm.licenseStatus} />
              </td>
            </tr>
          ))}
        </tbody>
      </Table>
      <Pager path={`/months/${report.month}`} query={{}} page={page} pages={pages} />
    </>
  );
}

function Diff({ diff }: { diff: MonthDiff }) {
  const changed = diff.hosts.filter((h) => h.change !== 'unchanged');
  return (
    <section aria-labelledby="diff">
      <h2 id="diff">Changes from {diff.from}</h2>
      <p>
        2-core licences: {deltaText(diff.totals.twoCorePacks)}; core licences:{' '}
        {deltaText(diff.totals.coreLicenses)}
      </p>
      <ul>
        {changed.map((h) => (
          <li>
            host {h.name} {h.change}: peak {deltaText(h.metrics.peakConcurrentWindowsServerVms)}, distinct VMs{' '}
            {deltaText(h.metrics.distinctVms)}
          </li>
        ))}
        {diff.tenants
          .filter((t) => t.change !== 'unchanged')
          .map((t) => (
            <li>
              tenant <Tenant text={t.tenant} /> {t.change}: VMs {deltaText(t.metrics.vms)}
            </li>
          ))}
      </ul>
    </section>
  );
}

function Close({ viewer, data }: { viewer: Viewer; data: MonthPageData }) {
  if (data.close !== null) {
    return (
      <p>
        Closed at {data.close.closedAt}, SHA-256 <code class="hash">{data.close.sha256}</code>.
      </p>
    );
  }
  if (!data.over) return <p>The month is not over yet; it can be closed once it has ended.</p>;
  if (viewer.role === 'reader') return <p>Not closed yet.</p>;
  return (
    <form method="post" action={`/months/${data.report.month}/close`} class="card action">
      <CsrfField csrf={viewer.csrf} />
      <div>
        <input id="confirm-close" type="checkbox" name="confirm" value="yes" required />
        <label for="confirm-close">I confirm: freeze {data.report.month}; a closed month cannot change</label>
      </div>
      <button type="submit">Close {data.report.month}</button>
    </form>
  );
}

export function monthPage(viewer: Viewer, data: MonthPageData): string {
  const month = data.report.month;
  const base = `/months/${month}`;
  return renderPage({
    title: `Month report ${month}`,
    viewer,
    active: '/months',
    scripts: ['/assets/uplot/uPlot.iife.min.js', '/assets/month-chart.js'],
    styles: ['/assets/uplot/uPlot.min.css'],
    children: (
      <>
        {data.notice === null ? null : (
          <p class="notice" role="status">
            {data.notice}
          </p>
        )}
        <form method="get" action="/months" class="filters">
          <div class="field">
            <label for="month">Month</label>
            <input id="month" name="month" type="month" value={month} required />
          </div>
          <button type="submit">Show</button>
        </form>
        <p class="downloads">
          Download:{' '}
          {USAGE_CSV_TABLES.map((table) => (
            <>
              <a href={pathWith(`${base}/usage.csv`, { table })} download>
                {table} CSV
              </a>
              ,{' '}
            </>
          ))}
          <a href={`${base}/usage.json`} download>
            JSON
          </a>
        </p>
        <Close viewer={viewer} data={data} />
        <section aria-labelledby="chart-title">
          <h2 id="chart-title">Concurrent Windows Server VMs per host</h2>
          <div
            id="chart"
            class="chart"
            data-series={`${base}/concurrency.json`}
            role="img"
            aria-label="Chart of concurrent Windows Server VMs per host, hour by hour; the peaks are in the hosts table"
          />
        </section>
        <ResellerLines report={data.report} />
        <Hosts report={data.report} />
        <Tenants report={data.report} />
        {data.diff === null ? null : <Diff diff={data.diff} />}
        <Vms data={data} />
        <h2>Closed months</h2>
        <ul>
          {data.closedMonths.map((closed) => (
            <li>
              <a href={`/months/${closed}`}>{closed}</a>
            </li>
          ))}
        </ul>
      </>
    ),
  });
}
