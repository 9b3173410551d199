/** Text renderings of `avma status` and `avma events` (the default, human-readable output). */
import type { EventRow, HostSweeper, VmStatus } from '../../store/index.js';
import { columnWidths, sanitizeCell, textTable } from './text-table.js';

function yesNo(value: boolean): string {
  return value ? 'yes' : 'no';
}

/** What the operator set or the agent decided about AVMA for the VM, beyond eligibility. */
function avmaFlags(vm: VmStatus): string {
  const flags = [vm.optedOut ? 'opted-out' : null, vm.avmaBlocked ? 'blocked' : null].filter(Boolean);
  return flags.join(',') || '-';
}

/** The guest's own words when they differ from the conclusion (a claim is never the conclusion alone). */
function claimCell(vm: VmStatus): string {
  if (vm.claimedLicenseStatus === null && vm.claimedChannel === null) return '-';
  return `${vm.claimedLicenseStatus ?? 'unknown'}/${vm.claimedChannel ?? 'unknown'}`;
}

/** Every problem with its message, one line each, under the table. */
function problemLines(rows: readonly VmStatus[]): string {
  const lines = rows.flatMap((vm) =>
    vm.problems.map(
      (p) =>
        `  ${sanitizeCell(vm.name ?? vm.id, 40)}: ${sanitizeCell(p.code)} ${sanitizeCell(p.message, 300)}`,
    ),
  );
  return lines.length === 0 ? '' : `\nProblems:\n${lines.join('\n')}\n`;
}

/** A host of `avma status --hosts`: its name and who sweeps it. */
export type HostSweepRow = { readonly name: string } & HostSweeper;

/** `avma status --hosts`: one line per host — who sweeps it (lease holder or writer), until, last sweep. */
export function renderHostSweepers(rows: readonly HostSweepRow[]): string {
  if (rows.length === 0) return 'no hosts recorded yet\n';
  return textTable(
    ['HOST', 'SWEPT BY', 'LEASE UNTIL', 'LAST SWEEP'],
    rows.map((row) => [
      sanitizeCell(row.name),
      sanitizeCell(row.agent === null ? '-' : `${row.agent}${row.live ? '' : ' (expired)'}`, 80),
      row.until ?? '-',
      row.lastSweep ?? '-',
    ]),
  );
}

/**
 * The status table: one line per VM, the GUID last so names line up. LICENCE and CHANNEL are the
 * conclusion, EVIDENCE what it rests on (host, guest, host+guest, none), CLAIMED the guest's own words.
 */
export function renderStatus(rows: readonly VmStatus[]): string {
  if (rows.length === 0) return 'no VMs recorded yet\n';
  const header = [
    'NAME',
    'HOST',
    'TENANT',
    'STATE',
    'ELIGIBLE',
    'REASONS',
    'AVMA',
    'LICENCE',
    'CHANNEL',
    'EVIDENCE',
    'CLAIMED',
    'KEY',
    'WIPED',
    'PROBLEMS',
    'LAST SEEN',
    'ID',
  ];
  const table = textTable(
    header,
    rows.map((vm) => [
      sanitizeCell(vm.name),
      sanitizeCell(vm.host),
      sanitizeCell(vm.tenant, 24),
      sanitizeCell(vm.deletedAt === null ? vm.state : 'deleted'),
      yesNo(vm.eligible),
      sanitizeCell(vm.reasons.join(',') || '-', 60),
      avmaFlags(vm),
      vm.licenseStatus,
      vm.channel,
      vm.evidence,
      claimCell(vm),
      vm.keyPushed ? 'pushed' : '-',
      yesNo(vm.kvpWiped),
      sanitizeCell(vm.problems.map((p) => p.code).join(',') || '-', 40),
      vm.lastSeen.replace('.000Z', 'Z'),
      vm.id,
    ]),
  );
  return table + problemLines(rows);
}

const EVENT_HEADER = [
  'TIME',
  'SOURCE',
  'EVENT',
  'HOST',
  'VM',
  // How a host 12310 was attributed to its VM (its layout is UNCONFIRMED, so each says how).
  'VIA',
  'RECORD',
  'NOTIFICATION',
  'HRESULT',
  'MESSAGE',
];

function eventCells(e: EventRow): string[] {
  return [
    e.time.replace('.000Z', 'Z'),
    e.source,
    sanitizeCell(e.eventId),
    sanitizeCell(e.host),
    sanitizeCell(e.vm),
    e.vmMatch ?? '-',
    String(e.recordId),
    sanitizeCell(e.notification),
    sanitizeCell(e.hresult),
    sanitizeCell(e.message, 60),
  ];
}

/**
 * The events table written a page at a time (memory holds one page): the header once, each page's
 * columns at least as wide as the pages before. Call `end` after the last page.
 */
export function eventsTableWriter(write: (text: string) => void): {
  page(rows: readonly EventRow[]): void;
  end(): void;
} {
  let widths: number[] | null = null;
  return {
    page(rows) {
      const cells = rows.map(eventCells);
      const text = textTable(EVENT_HEADER, cells, widths ?? []);
      write(widths === null ? text : text.slice(text.indexOf('\n') + 1));
      widths = columnWidths(EVENT_HEADER, cells, widths ?? []);
    },
    end() {
      if (widths === null) write('no events recorded\n');
    },
  };
}
