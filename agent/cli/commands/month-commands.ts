/**
 * Month closes from the command line (architecture §13): `avma month close|list|diff|verify`. Only
 * `close` writes, and only it takes the writer lock; the others open the database read-only. A close
 * without `--actor` is recorded with the OS user name, marked as such (`actorSource: os-user`).
 */
import { userInfo } from 'node:os';
import type { AgentConfig } from '../../config/config-schema.js';
import { loadConfig } from '../../config/load-config.js';
import { type ActorSource, openStore, type Store } from '../../store/index.js';
import {
  type CloseSettings,
  closeMonth,
  monthsDiff,
  monthTotals,
  parseMonth,
  verifyMonths,
} from '../../usage/index.js';
import { CliError } from '../cli-error.js';
import { type CommandContext, type CommandSpec, printJson } from '../command.js';
import { flag, optionalString, requiredString } from '../options.js';
import { listCloseRows, renderCloses, renderMonthsDiff, renderVerification } from './month-views.js';
import { dbPath, withStore } from './store-access.js';

const DB_OPTION = {
  type: 'string',
  valueName: 'FILE',
  description: 'the agent database (must exist)',
} as const;
const JSON_OPTION = { type: 'boolean', description: 'print JSON instead of text' } as const;
const MONTH_ARG = { name: 'YYYY-MM', description: 'the month (UTC boundaries)', required: true } as const;

function readOnly(context: CommandContext): Promise<Store> {
  return openStore(dbPath(context), { readOnly: true });
}

/** `--actor`, else the OS user name (marked `os-user`, so the close says nobody typed it). */
function closingActor(context: CommandContext): { actor: string; actorSource: ActorSource } {
  const given = optionalString(context, 'actor')?.trim();
  if (given !== undefined && given !== '') {
    if (given.length > 128)
      throw new CliError('USAGE', `--actor has ${given.length} characters, expected at most 128`);
    return { actor: given, actorSource: 'given' };
  }
  let name = '';
  try {
    name = userInfo().username;
  } catch {
    // No user entry (a container's numeric uid): the marker below still says it was not given.
  }
  return { actor: name || 'unknown-os-user', actorSource: 'os-user' };
}

/** The report settings a configuration file sets (its `spla` section; defaults without). */
export function closeSettings(config: AgentConfig): CloseSettings {
  return config.spla ?? {};
}

export const monthCloseCommand: CommandSpec = {
  path: ['month', 'close'],
  summary: 'Freeze a month: its report (JSON and every CSV table) and SHA-256, chained to the previous close',
  details:
    'Refuses a month that has not ended unless --force (recorded as forced), and a month already closed.\n' +
    'The close and its audit record are written in one transaction. Takes the writer lock: while an agent\n' +
    'runs on the database, close through the API (POST /api/v1/months/YYYY-MM/close) instead.\n' +
    'Report settings come from the spla section of --config (README "SPLA month report"; defaults without).',
  options: {
    db: DB_OPTION,
    actor: { type: 'string', valueName: 'NAME', description: 'who closes (default: the OS user name)' },
    force: { type: 'boolean', description: 'close a month that has not ended yet (recorded)' },
    config: { type: 'string', valueName: 'FILE', description: 'agent configuration (its spla section)' },
    json: JSON_OPTION,
  },
  positionals: [MONTH_ARG],
  async run(context) {
    const month = parseMonth(context.positionals[0]).month;
    const file = optionalString(context, 'config');
    const settings = closeSettings(file === undefined ? {} : await loadConfig(file));
    const who = closingActor(context);
    const store = await openStore(dbPath(context), {
      create: false,
      writer: { command: 'avma month close' },
    });
    const closed = await withStore(store, (s) =>
      closeMonth(s, month, { ...who, settings, force: flag(context, 'force'), now: new Date() }),
    );
    const { report, ...close } = closed;
    const result = { ...close, totals: monthTotals(report) };
    if (flag(context, 'json')) printJson(context.io, result);
    else {
      const by = `${close.actor}${close.actorSource === 'os-user' ? ' (OS user)' : ''}`;
      context.io.stdout(
        `closed ${close.month}${close.forced ? ' early (forced)' : ''} at ${close.closedAt} by ${by}\n` +
          `sha256    ${close.sha256}\nprevious  ${close.previousSha256 ?? 'none (first close of the chain)'}\n`,
      );
    }
    return 0;
  },
};

export const monthListCommand: CommandSpec = {
  path: ['month', 'list'],
  summary: 'Closed months in closing order: closed at, actor, forced, sha256, previous hash, totals',
  details:
    'The table shortens hashes to 12 digits; --json prints them whole. format 1 marks closes made before\n' +
    'the hash chain (their sha256 covers the report JSON only).',
  options: { db: DB_OPTION, json: JSON_OPTION },
  positionals: [],
  async run(context) {
    const rows = await withStore(await readOnly(context), listCloseRows);
    if (flag(context, 'json')) printJson(context.io, rows);
    else context.io.stdout(renderCloses(rows));
    return 0;
  },
};

export const monthDiffCommand: CommandSpec = {
  path: ['month', 'diff'],
  summary: 'Month-over-month changes per host and tenant, and the drift of closed months',
  details:
    'A closed month is compared by its frozen report (its hash checked), an open month by its live report;\n' +
    'the output says which. For a closed month, data that arrived after the close is never folded in:\n' +
    'the report rebuilt now is compared with the frozen one and the differences listed as drift.',
  options: {
    db: DB_OPTION,
    against: { type: 'string', valueName: 'YYYY-MM', description: 'the other month' },
    config: {
      type: 'string',
      valueName: 'FILE',
      description: 'agent configuration: its spla section builds a month that is not closed',
    },
    json: JSON_OPTION,
  },
  positionals: [MONTH_ARG],
  async run(context) {
    const month = parseMonth(context.positionals[0]).month;
    const against = parseMonth(requiredString(context, 'against', 'a month as YYYY-MM')).month;
    if (month === against)
      throw new CliError('USAGE', `--against is ${against}, the same month; expected another`);
    const file = optionalString(context, 'config');
    const settings = closeSettings(file === undefined ? {} : await loadConfig(file));
    const diff = await withStore(await readOnly(context), (s) => monthsDiff(s, month, against, { settings }));
    if (flag(context, 'json')) printJson(context.io, diff);
    else context.io.stdout(renderMonthsDiff(diff));
    return 0;
  },
};

export const monthVerifyCommand: CommandSpec = {
  path: ['month', 'verify'],
  summary: 'Recompute every close’s hash and the chain (exit 1 on a mismatch); list drift per month',
  details:
    'Exit 1 when a stored close does not match its hash or the chain is broken (a close changed, removed\n' +
    'or replaced), naming the month and what failed. Drift (data that arrived after a close) is listed\n' +
    'and exits 0 unless --fail-on-drift. Removing the newest close leaves a valid shorter chain: keep\n' +
    'the head hash elsewhere and pass it as --expect-head to catch that too.',
  options: {
    db: DB_OPTION,
    json: JSON_OPTION,
    'fail-on-drift': { type: 'boolean', description: 'exit 1 when a closed month drifted' },
    'expect-head': {
      type: 'string',
      valueName: 'SHA256',
      description: 'the newest close’s hash, kept elsewhere',
    },
  },
  positionals: [],
  async run(context) {
    const expectHead = optionalString(context, 'expect-head')?.trim().toLowerCase();
    if (expectHead !== undefined && !/^[0-9a-f]{64}$/.test(expectHead)) {
      throw new CliError('USAGE', `--expect-head is "${expectHead.slice(0, 70)}", expected 64 hex digits`);
    }
    const result = await withStore(await readOnly(context), (s) =>
      verifyMonths(s, expectHead === undefined ? {} : { expectHead }),
    );
    if (flag(context, 'json')) printJson(context.io, result);
    else context.io.stdout(renderVerification(result));
    const failed = result.closes.filter((c) => c.problems.length > 0);
    for (const close of failed) {
      context.io.stderr(`avma month verify: ${close.month} FAILED: ${close.problems.join('; ')}\n`);
    }
    for (const problem of result.problems) context.io.stderr(`avma month verify: ${problem}\n`);
    const drifted = result.closes.filter((c) => c.drift?.status === 'drift');
    if (!result.ok) return 1;
    return drifted.length > 0 && flag(context, 'fail-on-drift') ? 1 : 0;
  },
};
