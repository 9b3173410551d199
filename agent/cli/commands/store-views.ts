/** Text renderings of `avma status` and `avma events` (the default, human-readable output). */
import type { EventRow, VmStatus } from '../../store/index.js';
import { sanitizeCell, textTable } from './text-table.js';

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

/** The events table, oldest first, messages cut. */
export function renderEvents(rows: readonly EventRow[]): string {
  if (rows.length === 0) return 'no events recorded\n';
  const header = ['TIME', 'SOURCE', 'EVENT', 'HOST', 'VM', 'RECORD', 'NOTIFICATION', 'HRESULT', 'MESSAGE'];
  return textTable(
    header,
    rows.map((e) => [
      e.time.replace('.000Z', 'Z'),
      e.source,
      sanitizeCell(e.eventId),
      sanitizeCell(e.host),
      sanitizeCell(e.vm),
      String(e.recordId),
      sanitizeCell(e.notification),
      sanitizeCell(e.hresult),
      sanitizeCell(e.message, 60),
    ]),
  );
}
