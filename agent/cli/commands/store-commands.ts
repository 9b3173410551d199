/**
 * The read-only commands over the agent's database (contract, architecture §10): `avma status`,
 * `avma events`, `avma export usage`. They open the file read-only, never create or migrate it, and
 * report a missing, damaged or newer database in one line (exit 2).
 */
import { loadConfig } from '../../config/load-config.js';
import { parseIsoTime } from '../../lab/scenario-schema.js';
import { EVENTS_PAGE_SIZE, hostSweepers, openStore, type Store } from '../../store/index.js';
import {
  buildUsageMonth,
  USAGE_CSV_TABLES,
  type UsageCsvTable,
  type UsageOptions,
  usageCsv,
} from '../../usage/index.js';
import { CliError } from '../cli-error.js';
import { type CommandContext, type CommandSpec, printJson } from '../command.js';
import { flag, integerOption, optionalString, requiredString } from '../options.js';
import { eventsWriter, writeEvents } from './events-output.js';
import { renderHostSweepers, renderStatus } from './store-views.js';

const DB_OPTION = {
  type: 'string',
  valueName: 'FILE',
  description: 'the agent database (never created here)',
} as const;

/** Runs `work` on the database opened read-only; store and usage errors reach the CLI as they are. */
async function withDatabase<T>(
  context: CommandContext,
  work: (store: Store) => Promise<T>,
  configDb?: string,
): Promise<T> {
  const path =
    optionalString(context, 'db') ??
    configDb ??
    requiredString(context, 'db', 'the path of the agent database');
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
    '"reasons","licenseStatus","channel","keyPushed","kvpWiped","problems","lastSeen",...}].\n' +
    '--hosts: one row per host with the agent sweeping it (PostgreSQL: its lease holder; SQLite: the\n' +
    'writer), until when, and its last sweep; --json prints [{"name","agent","until","live","lastSweep"}].',
  options: {
    db: DB_OPTION,
    json: { type: 'boolean', description: 'print JSON instead of a table' },
    all: { type: 'boolean', description: 'include VMs that were deleted' },
    hosts: {
      type: 'boolean',
      description: 'one row per host instead: the agent sweeping it (its lease), until when, its last sweep',
    },
  },
  positionals: [],
  async run(context) {
    if (flag(context, 'hosts')) {
      const rows = await withDatabase(context, async (store) => {
        const sweeperOf = await hostSweepers(store);
        return (await store.listHosts()).map((host) => ({ name: host.name, ...sweeperOf(host) }));
      });
      if (flag(context, 'json')) printJson(context.io, rows);
      else context.io.stdout(renderHostSweepers(rows));
      return 0;
    }
    const rows = await withDatabase(context, (store) =>
      store.listVmStatus({ includeDeleted: flag(context, 'all') }),
    );
    if (flag(context, 'json')) printJson(context.io, rows);
    else context.io.stdout(renderStatus(rows));
    return 0;
  },
};

/** The table is for a terminal: by default it shows this many events and says when more match. */
export const DEFAULT_EVENTS_TABLE_LIMIT = 1000;
const MAX_EVENTS_LIMIT = 1_000_000_000;

function timeOption(context: CommandContext, name: string): Date | undefined {
  const text = optionalString(context, name);
  if (text === undefined) return undefined;
  const ms = parseIsoTime(text.trim());
  if (ms === null || ms < 0) {
    throw new CliError(
      'USAGE',
      `--${name} is "${text.slice(0, 40)}", expected an ISO-8601 time such as 2026-11-01T00:00:00Z`,
    );
  }
  return new Date(ms);
}

export const eventsCommand: CommandSpec = {
  path: ['events'],
  summary: 'Events 12310 (host), 12309 (guest) and the agent’s own audit events, oldest first',
  details:
    '--id is the Windows event id: 12310 (host Application log: the host granted AVMA) or 12309 (a guest’s\n' +
    'AVMA outcome, forwarded over KVP); the agent’s audit events have none. --since is inclusive, --until\n' +
    'exclusive. Events are read and printed a page at a time. The table shows at most --limit events\n' +
    `(default ${DEFAULT_EVENTS_TABLE_LIMIT}); --json prints every matching event unless --limit is given. When a limit\n` +
    'leaves events out, stderr says so.\n' +
    '--json prints [{"eventId","host","vm","recordId","time","notification","hresult","source",...}].',
  options: {
    db: DB_OPTION,
    id: {
      type: 'string',
      valueName: '12309|12310',
      description: 'only this Windows event id: 12310 (host) or 12309 (guest)',
    },
    vm: { type: 'string', valueName: 'NAME', description: 'only this VM (current or former name, or GUID)' },
    since: { type: 'string', valueName: 'ISO', description: 'only events at or after this time' },
    until: { type: 'string', valueName: 'ISO', description: 'only events before this time' },
    limit: {
      type: 'string',
      valueName: 'N',
      description: `at most N events (table default ${DEFAULT_EVENTS_TABLE_LIMIT}, JSON default all)`,
    },
    json: { type: 'boolean', description: 'print JSON instead of a table' },
  },
  positionals: [],
  async run(context) {
    const eventId = integerOption(context, 'id', 0, 65_535);
    const vm = optionalString(context, 'vm');
    const since = timeOption(context, 'since');
    const until = timeOption(context, 'until');
    const json = flag(context, 'json');
    const limit =
      integerOption(context, 'limit', 1, MAX_EVENTS_LIMIT) ?? (json ? null : DEFAULT_EVENTS_TABLE_LIMIT);
    const filter = {
      ...(eventId === undefined ? {} : { eventId }),
      ...(vm === undefined ? {} : { vm }),
      ...(since === undefined ? {} : { since }),
      ...(until === undefined ? {} : { until }),
    };
    // One row past the limit tells whether more match; pages stay small either way.
    const pageSize = limit === null ? EVENTS_PAGE_SIZE : Math.min(EVENTS_PAGE_SIZE, limit + 1);
    const { shown, cut } = await withDatabase(context, (store) =>
      writeEvents(store.eventPages(filter, pageSize), limit, eventsWriter(json, context.io.stdout)),
    );
    if (cut) {
      context.io.stderr(
        `avma events: showing the first ${shown} events, more match; narrow them with --since/--until or raise --limit\n`,
      );
    }
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
    throw new CliError('USAGE', '--table applies to --format csv; JSON holds every table');
  }
  return format;
}

/**
 * The report's options: the `spla` section of `--config FILE` (the agent's configuration, loaded as
 * `avma run` loads it), `--min-cores-per-server` over it, and `--tenant`. A bad file or setting is a
 * one-line error naming it.
 */
async function usageOptions(context: CommandContext): Promise<{ options: UsageOptions; db?: string }> {
  const file = optionalString(context, 'config');
  const config = file === undefined ? {} : await loadConfig(file);
  const min = integerOption(context, 'min-cores-per-server', 0, 16);
  if (min !== undefined && min !== 0 && min !== 16)
    throw new CliError('USAGE', `--min-cores-per-server is ${min}, expected 0 or 16`);
  const tenant = optionalString(context, 'tenant');
  const options: UsageOptions = {
    ...config.spla,
    ...(min === undefined ? {} : { minCoresPerServer: min }),
    ...(tenant === undefined ? {} : { tenant }),
  };
  return config.db === undefined ? { options } : { options, db: config.db };
}

export const exportUsageCommand: CommandSpec = {
  path: ['export', 'usage'],
  summary: 'The SPLA month report: per host and configuration, per VM, per tenant, and the reseller table',
  details:
    'JSON: {"month","settings","hosts":[...],"vms":[...],"tenants":[...],"reseller":[...],"warnings"}.\n' +
    'CSV: one table per run (--table hosts, vms, tenants, configurations or reseller; vms has one row per\n' +
    'VM and host, configurations one per host and configuration), UTF-8 with a byte-order mark, CRLF.\n' +
    'The SPLA rules come from the "spla" section of --config FILE (defaults otherwise; README "SPLA month\n' +
    'report") and are recorded in the report. With --tenant only that tenant’s VMs and the hosts they ran\n' +
    'on, counted for that tenant. A month or tenant without data still prints the zero report (exit 0)\n' +
    'and says so on stderr. Coverage: each host row has monthHours and observedHours. Hours are rounded\n' +
    'to 2 decimals (36 s).',
  options: {
    db: { ...DB_OPTION, description: 'the agent database (never created here; default: the config’s db)' },
    config: {
      type: 'string',
      valueName: 'FILE',
      description: 'the agent configuration: its "spla" rules and db',
    },
    month: { type: 'string', valueName: 'YYYY-MM', description: 'the month, boundaries in UTC' },
    format: { type: 'string', valueName: 'csv|json', description: 'output format' },
    tenant: { type: 'string', valueName: 'T', description: 'only this tenant' },
    table: {
      type: 'string',
      valueName: USAGE_CSV_TABLES.join('|'),
      description: 'CSV table (default hosts)',
    },
    'min-cores-per-server': {
      type: 'string',
      valueName: '0|16',
      description: 'per-server floor (default: the config’s, else 0)',
    },
    'no-bom': { type: 'boolean', description: 'CSV without the UTF-8 byte-order mark' },
  },
  positionals: [],
  async run(context) {
    const month = requiredString(context, 'month', 'a month as YYYY-MM');
    const format = usageFormat(context);
    const table = format === 'csv' ? csvTable(context) : 'hosts';
    const { options, db } = await usageOptions(context);
    const report = await withDatabase(context, (store) => buildUsageMonth(store, month, options), db);
    // An empty report is valid output, but a wrong month or tenant must not pass for "no usage".
    if (report.vms.length === 0 && (options.tenant !== undefined || report.hosts.length === 0)) {
      const whose = options.tenant === undefined ? '' : ` of tenant ${JSON.stringify(options.tenant)}`;
      context.io.stderr(
        `avma export usage: no VM${whose} ran in ${report.month} in this database; the report is a zero report\n`,
      );
    }
    if (format === 'json') printJson(context.io, report);
    else context.io.stdout(usageCsv(report, table, { bom: !flag(context, 'no-bom') }));
    return 0;
  },
};
