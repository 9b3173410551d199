/**
 * `avma report NAME --db FILE [--format json|csv] [report params]` (architecture §13): runs a report of
 * the registry (agent/reports) over the database opened read-only. Every report parameter is an option
 * of the same name as the API's query string; one the named report does not take is refused in one
 * line (exit 2), as is a bad value. `avma report --help` lists every report with its parameters.
 */

import { loadConfig } from '../../config/load-config.js';
import {
  allReportParams,
  findReport,
  parseReportParams,
  REPORT_NAMES,
  reportCatalogue,
  reportCsv,
  runReport,
} from '../../reports/index.js';
import { openStore } from '../../store/index.js';
import { CliError } from '../cli-error.js';
import { type CommandSpec, type OptionSpec, printJson } from '../command.js';
import { flag, optionalString, requiredString } from '../options.js';

/** Options that are not report parameters. */
const OWN_OPTIONS: Readonly<Record<string, OptionSpec>> = {
  db: { type: 'string', valueName: 'FILE', description: 'the agent database (never created here)' },
  format: { type: 'string', valueName: 'json|csv', description: 'output format (default json)' },
  'no-bom': { type: 'boolean', description: 'CSV without the UTF-8 byte-order mark' },
  config: {
    type: 'string',
    valueName: 'FILE',
    description: 'agent config: evidence.hostWindowHours is the AVMA validity (default 168, UNCONFIRMED)',
  },
};

function paramOptions(): Record<string, OptionSpec> {
  const options: Record<string, OptionSpec> = {};
  for (const [name, param] of allReportParams()) {
    options[name] = {
      type: 'string',
      valueName: param.valueName,
      description: `report parameter: ${param.description}`,
    };
  }
  return options;
}

function reportFormat(value: string | undefined): 'json' | 'csv' {
  if (value === undefined || value === 'json') return 'json';
  if (value === 'csv') return 'csv';
  throw new CliError('USAGE', `--format is ${JSON.stringify(value.slice(0, 40))}, expected json or csv`);
}

export const reportCommand: CommandSpec = {
  path: ['report'],
  summary: 'A licence report by name (SCCM family and our own), JSON or CSV',
  details:
    'Reports (parameters as options; the API takes them as query strings of the same names):\n' +
    `${reportCatalogue()}\n\n` +
    'Every row says where its figures come from (evidence, source); a guest claim is never counted as\n' +
    'host evidence. CSV: UTF-8 with a byte-order mark, CRLF, cells that would start a formula neutralised.',
  options: { ...OWN_OPTIONS, ...paramOptions() },
  positionals: [{ name: 'NAME', description: `one of ${REPORT_NAMES.join(', ')}`, required: true }],
  async run(context) {
    const name = context.positionals[0] as string;
    const format = reportFormat(optionalString(context, 'format'));
    const given: Record<string, string> = {};
    for (const param of allReportParams().keys()) {
      const value = optionalString(context, param);
      if (value !== undefined) given[param] = value;
    }
    // Checked before the database is opened: a wrong report or parameter is named whatever the file.
    parseReportParams(findReport(name), given);
    const path = requiredString(context, 'db', 'the path of the agent database');
    const configFile = optionalString(context, 'config');
    const hours =
      configFile === undefined ? undefined : (await loadConfig(configFile)).evidence?.hostWindowHours;
    const store = await openStore(path, { readOnly: true });
    try {
      const report = await runReport(
        store,
        name,
        given,
        hours === undefined ? {} : { avmaValidityMs: hours * 3_600_000 },
      );
      if (format === 'json') printJson(context.io, report);
      else context.io.stdout(reportCsv(report, { bom: !flag(context, 'no-bom') }));
    } finally {
      await store.close();
    }
    return 0;
  },
};
