/** Text renderings of `avma status` and `avma events` (the default, human-readable output). */
import type { EventRow, VmStatus } from '../../store/index.js';
import { columnWidths, sanitizeCell, textTable } from './text-table.js';

function yesNo(value: boolean): string {
  return value ? 'yes' : 'no';
}

/** The status table: one line per VM, the GUID last so names line up. */
export function renderStatus(rows: readonly VmStatus[]): string {
  if (rows.length === 0) return 'no VMs recorded yet\n';
  const header = [
    'NAME',
    'HOST',
    'TENANT',
    'STATE',
    'ELIGIBLE',
    'REASONS',
    'LICENCE',
    'CHANNEL',
    'KEY',
    'WIPED',
    'PROBLEMS',
    'LAST SEEN',
    'ID',
  ];
  return textTable(
    header,
    rows.map((vm) => [
      sanitizeCell(vm.name),
      sanitizeCell(vm.host),
      sanitizeCell(vm.tenant, 24),
      sanitizeCell(vm.deletedAt === null ? vm.state : 'deleted'),
      yesNo(vm.eligible),
      sanitizeCell(vm.reasons.join(',') || '-', 60),
      vm.licenseStatus,
      vm.channel,
      vm.keyPushed ? 'pushed' : '-',
      yesNo(vm.kvpWiped),
      sanitizeCell(vm.problems.map((p) => p.code).join(',') || '-', 40),
      vm.lastSeen.replace('.000Z', 'Z'),
      vm.id,
    ]),
  );
}

const EVENT_HEADER = [
  'TIME',
  'SOURCE',
  'EVENT',
  'HOST',
  'VM',
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
