/** Small pieces the pages share: status badges (text and shape, never colour alone), times, pager. */
import type { ComponentChildren } from 'preact';
import { pathWith } from '../security.js';

/** Licence statuses as people say them; the badge always shows these words. */
const STATUS_WORDS: Readonly<Record<string, string>> = {
  licensed: 'Licensed',
  unlicensed: 'Unlicensed',
  'oob-grace': 'Out-of-box grace',
  'oot-grace': 'Out-of-tolerance grace',
  'non-genuine-grace': 'Non-genuine grace',
  notification: 'Notification',
  'extended-grace': 'Extended grace',
  unknown: 'Unknown',
};

const STATUS_TONE: Readonly<Record<string, string>> = {
  licensed: 'good',
  unlicensed: 'bad',
  notification: 'bad',
  'non-genuine-grace': 'bad',
  unknown: 'neutral',
};

export function statusWords(status: string): string {
  return STATUS_WORDS[status] ?? status;
}

/** A badge: the words carry the meaning; the tone class adds colour and an icon-like marker. */
export function Badge({ tone, children }: { tone: string; children: ComponentChildren }) {
  return <span class={`badge badge-${tone}`}>{children}</span>;
}

export function StatusBadge({ status }: { status: string }) {
  return <Badge tone={STATUS_TONE[status] ?? 'warn'}>{statusWords(status)}</Badge>;
}

export function EligibleBadge({ eligible }: { eligible: boolean }) {
  return eligible ? <Badge tone="good">Eligible</Badge> : <Badge tone="neutral">Not eligible</Badge>;
}

/** `2026-11-02T10:00:00.000Z` as `2026-11-02 10:00 UTC`, in a <time> element. */
export function Time({ iso }: { iso: string | null }) {
  if (iso === null) return <span>never</span>;
  return <time dateTime={iso}>{`${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`}</time>;
}

/** A VM's link: the GUID goes into the path (it is checked to be a GUID by the store); text escaped. */
export function VmLink({ id, name }: { id: string | null; name: string | null }) {
  if (id === null) return <span>{name ?? '—'}</span>;
  return (
    <a href={`/vms/${encodeURIComponent(id)}`} dir="auto">
      <bdi>{name ?? id}</bdi>
    </a>
  );
}

/** Tenant text inside an isolate: an RTL override in it cannot reorder what follows. */
export function Tenant({ text }: { text: string | null }) {
  return text === null ? <span class="muted">none</span> : <bdi>{text}</bdi>;
}

export function Pager({
  path,
  query,
  page,
  pages,
}: {
  path: string;
  query: Readonly<Record<string, string | number | undefined>>;
  page: number;
  pages: number;
}) {
  return (
    <nav class="pager" aria-label="Pages">
      {page > 1 ? <a href={pathWith(path, { ...query, page: page - 1 })}>Previous page</a> : null}
      <span>
        Page {page} of {pages}
      </span>
      {page < pages ? <a href={pathWith(path, { ...query, page: page + 1 })}>Next page</a> : null}
    </nav>
  );
}

/** A table that scrolls sideways on a narrow screen instead of overflowing the page. */
export function Table({ caption, children }: { caption: string; children: ComponentChildren }) {
  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling region must be reachable by keyboard (axe scrollable-region-focusable)
    <section class="table-wrap" tabIndex={0} aria-label={caption}>
      <table>
        <caption>{caption}</caption>
        {children}
      </table>
    </section>
  );
}
