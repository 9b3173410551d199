/**
 * `avma db migrate` (create or upgrade a database's schema without running an agent) and `avma db copy`
 * (one SQLite database into PostgreSQL, then every report made from both and compared). The
 * PostgreSQL URL is shown without its password everywhere.
 */
import { compareStores, type StoreComparison } from '../../reports/compare-stores.js';
import { openStore } from '../../store/index.js';
import { migrateDatabase } from '../../store/migrate-database.js';
import type { SqliteCopy } from '../../store/pg/copy-sqlite.js';
import { type CommandSpec, printJson } from '../command.js';
import { flag, requiredString } from '../options.js';
import { dbPath, withStore } from './store-access.js';
import { textTable } from './text-table.js';

export const dbMigrateCommand: CommandSpec = {
  path: ['db', 'migrate'],
  summary: 'Create or upgrade a database schema (PostgreSQL URL or SQLite file); prints from/to version',
  details:
    'PostgreSQL: the database must exist (CREATE DATABASE avma OWNER avma); the avma tables are created\n' +
    'or upgraded in one transaction, so agents of this version can start. SQLite: the file is upgraded\n' +
    'as `avma run` would, after a backup beside it. Running it again changes nothing.',
  options: {
    db: {
      type: 'string',
      valueName: 'URL|FILE',
      description: 'postgres://user@host/db or the SQLite database file (must exist)',
    },
    json: { type: 'boolean', description: 'print {"database","backend","from","to"}' },
  },
  positionals: [],
  async run(context) {
    const result = await migrateDatabase(dbPath(context), (backup) =>
      context.io.stderr(`avma db migrate: copied the database to ${backup} before upgrading\n`),
    );
    if (flag(context, 'json')) printJson(context.io, result);
    else if (result.from === result.to) {
      context.io.stdout(`${result.database}: schema ${result.to} already, nothing to do\n`);
    } else context.io.stdout(`${result.database}: schema ${result.from} -> ${result.to}\n`);
    return 0;
  },
};

function copyText(copy: SqliteCopy, verified: StoreComparison): string {
  const rows = copy.tables.reduce((sum, t) => sum + t.rows, 0);
  const head =
    copy.outcome === 'copied'
      ? `copied ${copy.from} to ${copy.to}: ${rows} rows`
      : `${copy.to} already holds exactly the rows of ${copy.from} (${rows}); nothing written`;
  const table = textTable(
    ['TABLE', 'ROWS'],
    copy.tables.map((t) => [t.table, String(t.rows)]),
  );
  const check =
    verified.difference === null
      ? `verified: ${verified.compared} reports and reads are the same from both databases`
      : `NOT VERIFIED: ${verified.difference}`;
  return `${head}\n${table}\n${check}\n`;
}

export const dbCopyCommand: CommandSpec = {
  path: ['db', 'copy'],
  summary: 'Copy an SQLite database into PostgreSQL, then compare every report (exit 1 on a difference)',
  details:
    'Stop the agent writing FILE first (or copy an `avma db backup`). The target database must exist and\n' +
    'be empty, or hold an earlier copy of the same rows (then nothing is written). A target holding other\n' +
    'data is refused (exit 2). The copy is one transaction; then the SPLA month report (JSON and CSV\n' +
    'tables) of every month, every `avma report`, status, hosts and month closes are made from both\n' +
    'databases and compared: any difference is named and the exit code is 1.',
  options: {
    from: { type: 'string', valueName: 'FILE', description: 'the SQLite agent database (must exist)' },
    to: {
      type: 'string',
      valueName: 'URL',
      description: 'postgres://user@host/db (the database must exist)',
    },
    json: {
      type: 'boolean',
      description:
        'print {"from","to","outcome","tables":[{"table","rows"}],"verified":{"compared","difference"}}',
    },
  },
  positionals: [],
  async run(context) {
    const from = requiredString(context, 'from', 'the SQLite database file to copy');
    const to = requiredString(context, 'to', 'the postgres:// URL of the target database');
    // Loaded only here: `pg` stays out of every other command's start-up (as in openStore).
    const { copySqliteToPostgres } = await import('../../store/pg/copy-sqlite.js');
    const copy = await copySqliteToPostgres(from, to);
    const now = new Date();
    const verified = await withStore(await openStore(from, { readOnly: true }), async (source) =>
      withStore(await openStore(to, { readOnly: true }), (target) => compareStores(source, target, now)),
    );
    if (flag(context, 'json')) printJson(context.io, { ...copy, verified });
    else context.io.stdout(copyText(copy, verified));
    if (verified.difference === null) return 0;
    context.io.stderr(`avma db copy: the copy reads differently from ${copy.from}: ${verified.difference}\n`);
    return 1;
  },
};
