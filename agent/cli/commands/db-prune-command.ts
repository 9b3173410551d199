/**
 * `avma db prune`: retention of raw data (config `retention.rawMonths`, default 60, at least 36). Raw
 * host/guest events and closed observation intervals older than the horizon go; never data of a month
 * that is not closed, whatever its age, and never a close. `--dry-run` opens the database read-only
 * and prints what would go; a real prune takes the writer lock and is audited (`raw-prune`).
 */
import { loadConfig } from '../../config/load-config.js';
import { DEFAULT_RAW_MONTHS, openStore, type RawPruneResult } from '../../store/index.js';
import { type CommandSpec, printJson } from '../command.js';
import { flag, optionalString } from '../options.js';
import { dbPath, withStore } from './store-access.js';
import { actorOf } from './vm-commands.js';

export function renderPrune(result: RawPruneResult, rawMonths: number): string {
  const verb = result.dryRun ? 'would delete' : 'deleted';
  const held =
    result.heldBackBy === null
      ? ''
      : `; held back from the horizon ${result.horizon} because ${result.heldBackBy} is not closed`;
  return (
    `retention ${rawMonths} months: ${verb} ${result.events} raw event(s) and ${result.observations} ` +
    `observation interval(s) before ${result.before}${held}\n`
  );
}

export const dbPruneCommand: CommandSpec = {
  path: ['db', 'prune'],
  summary: 'Delete raw events and observations past retention (never data of a month not closed)',
  details:
    'The horizon is the start of the month retention.rawMonths (from --config; default 60, minimum 36)\n' +
    'before the current one, held back to the first earlier month that is not closed. Each VM keeps its\n' +
    'latest observation. Closes, VMs, names, host facts and the audit trail are kept forever. The agent\n' +
    '(avma run) prunes the same way once a day.',
  options: {
    db: { type: 'string', valueName: 'FILE', description: 'the agent database (must exist)' },
    'dry-run': { type: 'boolean', description: 'only print what would be deleted' },
    config: { type: 'string', valueName: 'FILE', description: 'agent configuration (retention.rawMonths)' },
    actor: {
      type: 'string',
      valueName: 'NAME',
      description: 'who prunes, for the audit trail (default: OS user)',
    },
    json: { type: 'boolean', description: 'print JSON instead of text' },
  },
  positionals: [],
  async run(context) {
    const path = dbPath(context);
    const file = optionalString(context, 'config');
    const rawMonths =
      (file === undefined ? undefined : (await loadConfig(file)).retention?.rawMonths) ?? DEFAULT_RAW_MONTHS;
    const dryRun = flag(context, 'dry-run');
    const options = { now: new Date(), rawMonths, actor: actorOf(context), dryRun };
    const store = await openStore(
      path,
      dryRun ? { readOnly: true } : { create: false, writer: { command: 'avma db prune' } },
    );
    const result = await withStore(store, (s) => s.pruneRawData(options));
    if (flag(context, 'json')) printJson(context.io, { ...result, rawMonths });
    else context.io.stdout(renderPrune(result, rawMonths));
    return 0;
  },
};
