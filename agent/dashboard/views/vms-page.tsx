/** The VMs table: server-side filter, search, sort and paging; badges in words. */
import { REASON_CODES } from '../../../shared/avma/index.js';
import { LICENSE_STATUS_VALUES } from '../../store/index.js';
import { pathWith } from '../security.js';
import { PAGE_SIZES, type VmQuery, type VmResult, type VmSort } from '../vm-index.js';
import { renderPage, type Viewer } from './layout.js';
import {
  Badge,
  EligibleBadge,
  Pager,
  plainUntrustedText,
  StatusBadge,
  statusWords,
  Table,
  Tenant,
  Time,
  untrustedText,
  VmLink,
} from './parts.js';

/** The query as URL parameters (page excluded). */
export function vmQueryParams(query: VmQuery): Record<string, string | undefined> {
  return {
    q: query.q,
    host: query.host,
    tenant: query.tenant,
    status: query.status,
    eligible: query.eligible,
    reason: query.reason,
    problem: query.problem,
    sort: query.sort === 'name' ? undefined : query.sort,
    dir: query.descending ? 'desc' : undefined,
    size: query.size === 50 ? undefined : String(query.size),
  };
}

function Choice(props: {
  id: string;
  label: string;
  value: string | undefined;
  options: readonly (string | readonly [string, string])[];
}) {
  return (
    <div class="field">
      <label for={props.id}>{props.label}</label>
      <select id={props.id} name={props.id}>
        <option value="">Any</option>
        {props.options.map((option) => {
          const [value, text] = typeof option === 'string' ? [option, option] : option;
          return (
            // An option holds text only: a bidi control in a tenant's name is shown by its code point.
            <option value={value} selected={value === props.value}>
              {plainUntrustedText(text)}
            </option>
          );
        })}
      </select>
    </div>
  );
}

function Filters({ query, result }: { query: VmQuery; result: VmResult }) {
  return (
    <form method="get" action="/vms" class="filters">
      <div class="field">
        <label for="q">Search name, FQDN or GUID</label>
        <input id="q" name="q" type="search" value={query.q ?? ''} maxLength={256} />
      </div>
      <Choice id="host" label="Host" value={query.host} options={result.choices.hosts} />
      <Choice id="tenant" label="Tenant" value={query.tenant} options={result.choices.tenants} />
      <Choice
        id="status"
        label="Licence status"
        value={query.status}
        options={LICENSE_STATUS_VALUES.map((s) => [s, statusWords(s)] as const)}
      />
      <Choice
        id="eligible"
        label="Eligibility"
        value={query.eligible}
        options={[
          ['yes', 'Eligible'],
          ['no', 'Not eligible'],
        ]}
      />
      <Choice id="reason" label="Reason" value={query.reason} options={REASON_CODES} />
      <Choice id="problem" label="Problem" value={query.problem} options={result.choices.problems} />
      <Choice
        id="size"
        label="Rows per page"
        value={String(query.size)}
        options={PAGE_SIZES.map((n) => String(n))}
      />
      <input type="hidden" name="sort" value={query.sort} />
      <input type="hidden" name="dir" value={query.descending ? 'desc' : 'asc'} />
      <button type="submit">Apply</button> <a href="/vms">Clear</a>
    </form>
  );
}

function SortHeader({ query, sort, label }: { query: VmQuery; sort: VmSort; label: string }) {
  const current = query.sort === sort;
  const descending = current && !query.descending;
  const href = pathWith('/vms', { ...vmQueryParams(query), sort, dir: descending ? 'desc' : undefined });
  return (
    <th scope="col" aria-sort={current ? (query.descending ? 'descending' : 'ascending') : undefined}>
      <a href={href}>
        {label}
        {current ? (query.descending ? ' ▼' : ' ▲') : ''}
        <span class="visually-hidden">{current ? '' : ' (sort)'}</span>
      </a>
    </th>
  );
}

export function vmsPage(viewer: Viewer, query: VmQuery, result: VmResult): string {
  return renderPage({
    title: 'VMs',
    viewer,
    active: '/vms',
    children: (
      <>
        <Filters query={query} result={result} />
        <p aria-live="polite">
          {result.total} VM{result.total === 1 ? '' : 's'} match.
        </p>
        <Table caption="VMs">
          <thead>
            <tr>
              <SortHeader query={query} sort="name" label="Name" />
              <SortHeader query={query} sort="host" label="Host" />
              <SortHeader query={query} sort="tenant" label="Tenant" />
              <SortHeader query={query} sort="status" label="Licence" />
              <SortHeader query={query} sort="eligible" label="AVMA" />
              <th scope="col">FQDN</th>
              <th scope="col">Problems</th>
              <SortHeader query={query} sort="lastSeen" label="Last seen" />
            </tr>
          </thead>
          <tbody>
            {result.rows.map((vm) => (
              <tr>
                <td>
                  <VmLink id={vm.id} name={vm.name} />
                </td>
                <td>{vm.host ?? '—'}</td>
                <td>
                  <Tenant text={vm.tenant} />
                </td>
                <td>
                  <StatusBadge status={vm.licenseStatus} />
                </td>
                <td>
                  <EligibleBadge eligible={vm.eligible} />
                  {vm.optedOut ? <Badge tone="neutral">Opted out</Badge> : null}
                  {vm.avmaBlocked ? <Badge tone="warn">Blocked</Badge> : null}
                </td>
                <td>
                  <bdi>{untrustedText(vm.fqdn ?? '')}</bdi>
                </td>
                <td>{vm.problems.length === 0 ? 'none' : vm.problems.map((p) => p.code).join(', ')}</td>
                <td>
                  <Time iso={vm.lastSeen} />
                </td>
              </tr>
            ))}
          </tbody>
        </Table>
        <Pager path="/vms" query={vmQueryParams(query)} page={result.page} pages={result.pages} />
      </>
    ),
  });
}
