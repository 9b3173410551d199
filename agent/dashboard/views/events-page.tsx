/** Events: filterable, paged, newest first, each HRESULT explained from `avma error`'s catalogue. */
import { lookupHresult } from '../../../shared/avma/index.js';
import type { EventRow } from '../../store/index.js';
import { pathWith } from '../security.js';
import { renderPage, type Viewer } from './layout.js';
import { Table, Time, untrustedText, VmLink } from './parts.js';

export interface EventQueryText {
  readonly eventId?: string;
  readonly source?: string;
  readonly host?: string;
  readonly vm?: string;
}

/** `0xC004FD02` as "SL_E_... : message"; the code alone when the catalogue does not know it. */
export function explainHresult(hresult: string | null): string {
  if (hresult === null) return '';
  try {
    const info = lookupHresult(hresult);
    return `${info.code} ${info.symbol}: ${info.detail ?? info.message}`;
  } catch {
    return `${hresult} (not in the catalogue)`;
  }
}

function Filters({ query }: { query: EventQueryText }) {
  return (
    <form method="get" action="/events" class="filters">
      <div class="field">
        <label for="eventId">Event id</label>
        <select id="eventId" name="eventId">
          <option value="">Any</option>
          {['12309', '12310'].map((id) => (
            <option value={id} selected={query.eventId === id}>
              {id}
            </option>
          ))}
        </select>
      </div>
      <div class="field">
        <label for="source">Source</label>
        <select id="source" name="source">
          <option value="">Any</option>
          {['host', 'guest', 'agent'].map((s) => (
            <option value={s} selected={query.source === s}>
              {s}
            </option>
          ))}
        </select>
      </div>
      <div class="field">
        <label for="host">Host</label>
        <input id="host" name="host" value={query.host ?? ''} maxLength={253} />
      </div>
      <div class="field">
        <label for="vm">VM name or GUID</label>
        <input id="vm" name="vm" value={query.vm ?? ''} maxLength={256} />
      </div>
      <button type="submit">Apply</button> <a href="/events">Clear</a>
    </form>
  );
}

export function eventsPage(
  viewer: Viewer,
  query: EventQueryText,
  rows: readonly EventRow[],
  next: string | null,
): string {
  return renderPage({
    title: 'Events',
    viewer,
    active: '/events',
    children: (
      <>
        <Filters query={query} />
        <Table caption="Events, newest first">
          <thead>
            <tr>
              <th scope="col">Time</th>
              <th scope="col">Event</th>
              <th scope="col">Host</th>
              <th scope="col">VM</th>
              <th scope="col">Outcome</th>
              <th scope="col">HRESULT</th>
              <th scope="col">Message</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((e) => (
              <tr>
                <td>
                  <Time iso={e.time} />
                </td>
                <td>{e.eventId ?? e.source}</td>
                <td>{e.host ?? ''}</td>
                <td>
                  <VmLink id={e.vmId} name={e.vm} />
                </td>
                <td>{e.notification ?? ''}</td>
                <td>{explainHresult(e.hresult)}</td>
                <td>
                  <bdi>{untrustedText(e.message)}</bdi>
                </td>
              </tr>
            ))}
          </tbody>
        </Table>
        <nav class="pager" aria-label="Pages">
          <a href="/events">Newest</a>
          {next === null ? (
            <span>No older events.</span>
          ) : (
            <a href={pathWith('/events', { ...query, before: next })}>Older events</a>
          )}
        </nav>
      </>
    ),
  });
}
