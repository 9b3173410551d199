/**
 * CSV export of the month report, one table per file: `hosts` (default), `vms` (flat: one row per VM
 * and host it ran on, so a spreadsheet can pivot hours by host or tenant), `tenants`, `billing`
 * (one row per VM with its billing figures, which add up to the tenant rows), `configurations`
 * (one row per host and configuration, with its licences) or `reseller` (the usage form's lines). Single tables
 * open cleanly in Excel; several blocks in one file do not. Format: UTF-8 with a byte-order mark (Excel
 * reads BOM-less CSV in the legacy code page and garbles non-ASCII tenant names), a header row,
 * RFC 4180 quoting (§2.6: fields with comma, double quote, CR or LF are quoted; §2.7: quotes doubled),
 * CRLF after every record. Numbers use a dot as decimal separator.
 */
import type { UsageMonth } from './usage-types.js';

export const USAGE_CSV_TABLES = ['hosts', 'vms', 'tenants', 'billing', 'configurations', 'reseller'] as const;
export type UsageCsvTable = (typeof USAGE_CSV_TABLES)[number];

export interface UsageCsvOptions {
  /** Start with a UTF-8 byte-order mark (default true). */
  readonly bom?: boolean;
}

type Cell = string | number | boolean | null;

/**
 * Cells a spreadsheet would run as a formula: =, +, -, @ (OWASP CSV Injection; CWE-1236), and tab,
 * CR and NUL, which some spreadsheets skip before such a character (OWASP ASVS 1.2.10). VM names and
 * tenants are chosen by tenants, so every text cell is checked.
 */
const FORMULA_TRIGGER = /^[=+\-@\t\r\0]/;

/** One cell: text that could start a formula gets a leading apostrophe, then RFC 4180 quoting. */
export function csvCell(value: Cell): string {
  if (value === null) return '';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  const text = FORMULA_TRIGGER.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

function render(
  header: readonly string[],
  rows: readonly (readonly Cell[])[],
  options: UsageCsvOptions,
): string {
  const lines = [header.join(','), ...rows.map((row) => row.map(csvCell).join(','))];
  return `${options.bom === false ? '' : '\uFEFF'}${lines.join('\r\n')}\r\n`;
}

const HOST_COLUMNS = [
  'name',
  'version',
  'edition',
  'sockets',
  'physicalCores',
  'coreLicenses',
  'twoCorePacks',
  'avmaGuests',
  'peakConcurrentWindowsServerVms',
  'distinctVms',
  // Coverage, added after the first columns (CSV consumers read columns by name or position).
  'monthHours',
  'observedHours',
] as const;

const VM_COLUMNS = [
  'id',
  'name',
  'tenant',
  'guestVersion',
  'guestEdition',
  'host',
  'hours',
  'channel',
  'licenseStatus',
  'evidence',
  'tenantLicensed',
];
/** Tenant billing figures (usage-billing.ts); empty cells for a month closed before they existed. */
const BILLING_COLUMNS = [
  'vmHours',
  'vcpuHours',
  'unknownVcpuHours',
  'peakVcpus',
  'windowsServerVmHours',
  'avmaActivatedVmHours',
  'memoryGbHours',
  'unknownMemoryHours',
] as const;
const TENANT_COLUMNS = [
  'tenant',
  'vms',
  'windowsServerVms',
  'avmaActivatedVms',
  // Billing, added after the first columns (CSV consumers read columns by name or position).
  ...BILLING_COLUMNS,
] as const;
const BILLING_TABLE_COLUMNS = ['id', 'name', 'tenant', ...BILLING_COLUMNS] as const;

function vmCells(report: UsageMonth): Cell[][] {
  return report.vms.flatMap((vm) =>
    vm.hosts.map((host) => [
      vm.id,
      vm.name,
      vm.tenant,
      vm.guestVersion,
      vm.guestEdition,
      host.name,
      host.hours,
      vm.channel,
      vm.licenseStatus,
      vm.evidence,
      vm.tenantLicensed ?? null,
    ]),
  );
}

const CONFIGURATION_COLUMNS = [
  'edition',
  'version',
  'sockets',
  'physicalCores',
  'hours',
  'coreLicensesPerSet',
  'sets',
  'coreLicenses',
  'twoCorePacks',
  'highWaterMark',
  'highWaterMarkAt',
  'distinctVms',
  'windowsServerVms',
  'product',
  'quantity',
  'superseded',
] as const;
const RESELLER_COLUMNS = ['period', 'product', 'sku', 'quantity'] as const;

function configurationCells(report: UsageMonth): Cell[][] {
  return report.hosts.flatMap((host) =>
    (host.configurations ?? []).map((c) => [host.name, ...CONFIGURATION_COLUMNS.map((column) => c[column])]),
  );
}

/**
 * Renders one table of the report as CSV text (the JSON report's columns; `vms` adds `host`, `hours`,
 * `configurations` adds `host`). A report closed before configurations and the reseller table existed
 * renders those two as a header alone.
 */
export function usageCsv(
  report: UsageMonth,
  table: UsageCsvTable = 'hosts',
  options: UsageCsvOptions = {},
): string {
  switch (table) {
    case 'hosts':
      return render(
        HOST_COLUMNS,
        report.hosts.map((host) => HOST_COLUMNS.map((column) => host[column] ?? null)),
        options,
      );
    case 'vms':
      return render(VM_COLUMNS, vmCells(report), options);
    case 'tenants':
      return render(
        TENANT_COLUMNS,
        report.tenants.map((t) => TENANT_COLUMNS.map((column) => t[column] ?? null)),
        options,
      );
    case 'billing':
      return render(
        BILLING_TABLE_COLUMNS,
        report.vms.map((vm) => BILLING_TABLE_COLUMNS.map((column) => vm[column] ?? null)),
        options,
      );
    case 'configurations':
      return render(['host', ...CONFIGURATION_COLUMNS], configurationCells(report), options);
    case 'reseller':
      return render(
        RESELLER_COLUMNS,
        (report.reseller ?? []).map((row) => RESELLER_COLUMNS.map((column) => row[column])),
        options,
      );
  }
}
