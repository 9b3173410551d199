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
      <bdi>{untrustedText(name ?? id)}</bdi>
    </a>
  );
}

/**
 * Unicode's bidirectional formatting characters (ALM, LRM, RLM, the embeddings and overrides LRE..RLO,
 * the isolates LRI..PDI). A tenant can hide one in a name so that `invoice<RLO>gpj.exe` reads
 * "invoiceexe.jpg"; the dashboard must show what the tenant wrote.
 */
const BIDI_CONTROLS = /([\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069])/;

/**
 * Tenant text with every bidirectional formatting character shown: each sits alone in its own isolate
 * (so it cannot reorder any text, not even the rest of its own string) marked by its code point through
 * CSS (`.bidi-control::after`), so the text shows in the order it was written and the DOM text stays
 * exactly the tenant's.
 */
function codePoint(character: string): string {
  return `U+${(character.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
}

export function untrustedText(text: string): ComponentChildren {
  if (!BIDI_CONTROLS.test(text)) return text;
  return text.split(BIDI_CONTROLS).map((part, i) =>
    i % 2 === 1 ? (
      <bdi class="bidi-control" data-code-point={codePoint(part)}>
        {part}
      </bdi>
    ) : (
      part
    ),
  );
}

/** For plain-text places (the window title): each bidi control replaced by its code point in brackets. */
export function plainUntrustedText(text: string): string {
  return text.replace(new RegExp(BIDI_CONTROLS.source, 'g'), (control) => `[${codePoint(control)}]`);
}

/** Tenant text inside an isolate, its bidi controls shown: nothing in it can reorder what follows. */
export function Tenant({ text }: { text: string | null }) {
  return text === null ? <span class="muted">none</span> : <bdi>{untrustedText(text)}</bdi>;
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
