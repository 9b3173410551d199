/**
 * The read-only commands over the agent's database (contract, architecture §10): `avma status`,
 * `avma events`, `avma export usage`. They open the file read-only, never create or migrate it, and
 * report a missing, damaged or newer database in one line (exit 2).
 */
import { openStore, type Store } from '../../store/index.js';
import { buildUsageMonth, USAGE_CSV_TABLES, type UsageCsvTable, usageCsv } from '../../usage/index.js';
import { CliError } from '../cli-error.js';
import { type CommandContext, type CommandSpec, printJson } from '../command.js';
import { flag, integerOption, optionalString, requiredString } from '../options.js';
import { renderEvents, renderStatus } from './store-views.js';

const DB_OPTION = {
  type: 'string',
  valueName: 'FILE',
  description: 'the agent database (never created here)',
} as const;

/** Runs `work` on the database opened read-only; store and usage errors reach the CLI as they are. */
async function withDatabase<T>(context: CommandContext, work: (store: Store) => Promise<T>): Promise<T> {
  const path = requiredString(context, 'db', 'the path of the agent database');
  const store = await openStore(path, { readOnly: true });
  try {
    return await work(store);
  } finally {
    await store.close();
  }
}

export const statusCommand: CommandSpec = {
  path: ['status'],
  summary: 'One row per VM: eligibility and reasons, licence status, channel, key pushed, problems',
  details:
    'Reads the database without changing it. --json prints [{"id","name","host","tenant","eligible",\n' +
    '"reasons","licenseStatus","channel","keyPushed","kvpWiped","problems","lastSeen",...}].',
  options: {
    db: DB_OPTION,
    json: { type: 'boolean', description: 'print JSON instead of a table' },
    all: { type: 'boolean', description: 'include VMs that were deleted' },
  },
  positionals: [],
  async run(context) {
    const rows = await withDatabase(context, (store) =>
      store.listVmStatus({ includeDeleted: flag(context, 'all') }),
    );
    if (flag(context, 'json')) printJson(context.io, rows);
    else context.io.stdout(renderStatus(rows));
    return 0;
  },
};

export const eventsCommand: CommandSpec = {
  path: ['events'],
  summary: 'Events 12310 (host), 12309 (guest) and the agent’s own audit events, oldest first',
  details: '--json prints [{"eventId","host","vm","recordId","time","notification","hresult","source",...}].',
  options: {
    db: DB_OPTION,
    id: { type: 'string', valueName: 'N', description: 'only this Windows event id, e.g. 12310' },
    vm: { type: 'string', valueName: 'NAME', description: 'only this VM (current or former name, or GUID)' },
    json: { type: 'boolean', description: 'print JSON instead of a table' },
  },
  positionals: [],
  async run(context) {
    const eventId = integerOption(context, 'id', 0, 65_535);
    const vm = optionalString(context, 'vm');
    const rows = await withDatabase(context, (store) =>
      store.listEvents({
        ...(eventId === undefined ? {} : { eventId }),
        ...(vm === undefined ? {} : { vm }),
      }),
    );
    if (flag(context, 'json')) printJson(context.io, rows);
    else context.io.stdout(renderEvents(rows));
    return 0;
  },
};

function csvTable(context: CommandContext): UsageCsvTable {
  const table = optionalString(context, 'table') ?? 'hosts';
  if (!(USAGE_CSV_TABLES as readonly string[]).includes(table)) {
    throw new CliError('USAGE', `--table is "${table}", expected one of ${USAGE_CSV_TABLES.join(', ')}`);
  }
  return table as UsageCsvTable;
}

function usageFormat(context: CommandContext): 'csv' | 'json' {
  const format = requiredString(context, 'format', 'csv or json');
  if (format !== 'csv' && format !== 'json')
    throw new CliError('USAGE', `--format is "${format}", expected csv or json`);
  if (format === 'json' && optionalString(context, 'table') !== undefined) {
    throw new CliError('USAGE', '--table applies to --format csv; JSON holds all three tables');
  }
  return format;
}

export const exportUsageCommand: CommandSpec = {
  path: ['export', 'usage'],
  summary: 'The SPLA month report: per host, per VM (hours on each host) and per tenant',
  details:
    'JSON: {"month","hosts":[...],"vms":[...],"tenants":[...]}. CSV: one table per run (--table hosts,\n' +
    'vms or tenants; vms has one row per VM and host), UTF-8 with a byte-order mark for Excel, CRLF.\n' +
    'With --tenant only that tenant’s VMs and the hosts they ran on, counted for that tenant.',
  options: {
    db: DB_OPTION,
    month: { type: 'string', valueName: 'YYYY-MM', description: 'the month, boundaries in UTC' },
    format: { type: 'string', valueName: 'csv|json', description: 'output format' },
    tenant: { type: 'string', valueName: 'T', description: 'only this tenant' },
    table: { type: 'string', valueName: 'hosts|vms|tenants', description: 'CSV table (default hosts)' },
    'min-cores-per-server': {
      type: 'string',
      valueName: '0|16',
      description: 'per-server floor (default 0)',
    },
    'no-bom': { type: 'boolean', description: 'CSV without the UTF-8 byte-order mark' },
  },
  positionals: [],
  async run(context) {
    const month = requiredString(context, 'month', 'a month as YYYY-MM');
    const format = usageFormat(context);
    const table = format === 'csv' ? csvTable(context) : 'hosts';
    const min = integerOption(context, 'min-cores-per-server', 0, 16) ?? 0;
    if (min !== 0 && min !== 16)
      throw new CliError('USAGE', `--min-cores-per-server is ${min}, expected 0 or 16`);
    const tenant = optionalString(context, 'tenant');
    const report = await withDatabase(context, (store) =>
      buildUsageMonth(store, month, { minCoresPerServer: min, ...(tenant === undefined ? {} : { tenant }) }),
    );
    if (format === 'json') printJson(context.io, report);
    else context.io.stdout(usageCsv(report, table, { bom: !flag(context, 'no-bom') }));
    return 0;
  },
};
