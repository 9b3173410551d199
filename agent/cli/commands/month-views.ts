/** Text views of `avma month list|diff|verify`. Report text (host names, tenants) is tenant-chosen: sanitised. */
import type { MonthCloseRecord, Store } from '../../store/index.js';
import {
  type DriftLine,
  type MonthDrift,
  type MonthsDiff,
  type MonthsVerification,
  monthTotals,
  USAGE_MONTH_SCHEMA,
} from '../../usage/index.js';
import { sanitizeCell, textTable } from './text-table.js';

export interface CloseRow {
  readonly sequence: number;
  readonly month: string;
  readonly closedAt: string;
  readonly actor: string | null;
  readonly actorSource: string | null;
  readonly forced: boolean;
  readonly format: 1 | 2;
  readonly sha256: string;
  readonly previousSha256: string | null;
  /** From the stored report as it reads (`avma month verify` checks it); null when it does not parse. */
  readonly totals: Readonly<Record<string, number>> | null;
}

function parsedReport(text: string) {
  try {
    const parsed = USAGE_MONTH_SCHEMA.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** A close as listed; its report is parsed for the totals and then dropped. */
export function closeRow(c: MonthCloseRecord): CloseRow {
  const report = parsedReport(c.report);
  return {
    sequence: c.sequence,
    month: c.month,
    closedAt: c.closedAt,
    actor: c.actor,
    actorSource: c.actorSource,
    forced: c.forced,
    format: c.format,
    sha256: c.sha256,
    previousSha256: c.previousSha256,
    totals: report === null ? null : monthTotals(report),
  };
}

/** Every close as listed, in closing order, one report in memory at a time. */
export async function listCloseRows(store: Store): Promise<CloseRow[]> {
  const rows: CloseRow[] = [];
  for (const month of await store.listClosedMonths()) {
    const close = await store.getMonthClose(month);
    if (close !== null) rows.push(closeRow(close));
  }
  return rows;
}

const short = (sha: string | null) => (sha === null ? '-' : sha.slice(0, 12));

export function renderCloses(rows: readonly CloseRow[]): string {
  if (rows.length === 0) return 'no month has been closed\n';
  const header = [
    'MONTH',
    'CLOSED AT',
    'ACTOR',
    'FORCED',
    'FORMAT',
    'SHA256',
    'PREVIOUS',
    'CORE LIC',
    'PACKS',
    'VMS',
  ];
  const cells = rows.map((r) => [
    r.month,
    `${r.closedAt.slice(0, 19)}Z`,
    sanitizeCell(r.actor === null ? null : `${r.actor}${r.actorSource === 'os-user' ? ' (os)' : ''}`),
    r.forced ? 'yes' : 'no',
    String(r.format),
    short(r.sha256),
    short(r.previousSha256),
    String(r.totals?.coreLicenses ?? '?'),
    String(r.totals?.twoCorePacks ?? '?'),
    String(r.totals?.vms ?? '?'),
  ]);
  return textTable(header, cells);
}

function value(v: unknown): string {
  return sanitizeCell(v === null || v === undefined ? null : JSON.stringify(v), 60);
}

function driftLines(lines: readonly DriftLine[]): string[] {
  return lines.map((l) => `    ${sanitizeCell(l.path, 80)}: ${value(l.frozen)} -> ${value(l.now)}`);
}

/** One month's drift, indented under its month. */
export function renderDrift(drift: MonthDrift): string[] {
  const head = `  drift ${drift.month}: ${drift.status} (${drift.note})`;
  const more = drift.more > 0 ? [`    ... and ${drift.more} more (--json lists the first ones too)`] : [];
  return [head, ...driftLines(drift.differences), ...more];
}

const SOURCE = { closed: 'closed: frozen report', live: 'not closed: live report' } as const;

export function renderMonthsDiff(diff: MonthsDiff): string {
  const out = [
    `${diff.from} (${SOURCE[diff.sources.from]}) -> ${diff.to} (${SOURCE[diff.sources.to]})`,
    `core licences ${diff.totals.coreLicenses?.before ?? 0} -> ${diff.totals.coreLicenses?.after ?? 0} (${diff.totals.coreLicenses?.delta ?? 0}), 2-core packs ${diff.totals.twoCorePacks?.before ?? 0} -> ${diff.totals.twoCorePacks?.after ?? 0} (${diff.totals.twoCorePacks?.delta ?? 0})`,
  ];
  const hosts = diff.hosts.filter((h) => h.change !== 'unchanged');
  const tenants = diff.tenants.filter((t) => t.change !== 'unchanged');
  out.push(
    `hosts changed: ${hosts.length} of ${diff.hosts.length}; tenants changed: ${tenants.length} of ${diff.tenants.length}`,
  );
  if (hosts.length > 0) {
    const rows = hosts.map((h) => [
      sanitizeCell(h.name),
      h.change,
      `${h.metrics.coreLicenses.before ?? '-'} -> ${h.metrics.coreLicenses.after ?? '-'}`,
      `${h.metrics.twoCorePacks.before ?? '-'} -> ${h.metrics.twoCorePacks.after ?? '-'}`,
    ]);
    out.push(textTable(['HOST', 'CHANGE', 'CORE LICENCES', '2-CORE PACKS'], rows).trimEnd());
  }
  if (tenants.length > 0) {
    const rows = tenants.map((t) => [
      sanitizeCell(t.tenant ?? '(none)'),
      t.change,
      `${t.metrics.vms.before ?? '-'} -> ${t.metrics.vms.after ?? '-'}`,
    ]);
    out.push(textTable(['TENANT', 'CHANGE', 'VMS'], rows).trimEnd());
  }
  for (const drift of diff.drift) out.push(...renderDrift(drift));
  return `${out.join('\n')}\n`;
}

export function renderVerification(result: MonthsVerification): string {
  if (result.closes.length === 0) return 'no month has been closed; nothing to verify\n';
  const out: string[] = [];
  for (const c of result.closes) {
    const state = c.problems.length === 0 ? 'ok' : 'FAILED';
    out.push(`${c.month}  ${state}  format ${c.format}  sha256 ${short(c.sha256)}  closed ${c.closedAt}`);
    for (const problem of c.problems) out.push(`  ${problem}`);
    if (c.drift !== null && c.drift.status !== 'none') out.push(...renderDrift(c.drift));
  }
  out.push(...result.problems);
  const failed = result.closes.filter((c) => c.problems.length > 0).length;
  out.push(
    result.ok
      ? `chain ok: ${result.closes.length} close(s), head ${result.head}`
      : `verification FAILED: ${failed} close(s) do not check out`,
  );
  return `${out.join('\n')}\n`;
}
