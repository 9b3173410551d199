/**
 * `avma db backup` and `avma db check`: the operator's backup and health check of a database file.
 * Both are readers: they never take the writer lock (`<db>-writer.lock`), so they work while
 * `avma run` sweeps the same database, and they never create or change the database.
 */
import { resolve } from 'node:path';
import { backupDatabase, checkDatabase, type DatabaseCheck } from '../../store/backup.js';
import { isPostgresUrl } from '../../store/index.js';
import { CliError } from '../cli-error.js';
import { type CommandContext, type CommandSpec, printJson } from '../command.js';
import { flag, requiredString } from '../options.js';
import { textTable } from './text-table.js';

/** A file path for the SQLite-only commands; a PostgreSQL URL is pointed at PostgreSQL's own tools. */
function sqliteFile(context: CommandContext, command: string, instead: string): string {
  const database = requiredString(context, 'db', 'the path of the agent database');
  if (isPostgresUrl(database)) {
    throw new CliError('USAGE', `avma db ${command} works on SQLite files; for PostgreSQL use ${instead}`);
  }
  return database;
}

export const dbBackupCommand: CommandSpec = {
  path: ['db', 'backup'],
  summary: 'Copy a database consistently while the agent may be running (VACUUM INTO)',
  details:
    'The copy is a snapshot of the last committed sweep; the running agent is neither stopped nor\n' +
    'slowed beyond one read. TO must not exist. Restore: stop the service, replace the database file\n' +
    'with the copy (delete the old -wal and -shm files beside it), start the service.',
  options: {
    db: { type: 'string', valueName: 'FILE', description: 'the agent database (must exist)' },
    to: { type: 'string', valueName: 'FILE', description: 'the backup file to write (must not exist)' },
    json: { type: 'boolean', description: 'print {"database","backup","bytes","schemaVersion"}' },
  },
  positionals: [],
  async run(context) {
    const database = sqliteFile(context, 'backup', 'pg_dump (or your PostgreSQL backups)');
    const target = requiredString(context, 'to', 'the path of a new backup file');
    if (resolve(database) === resolve(target)) {
      throw new CliError('USAGE', `--to is the database itself (${target}); expected a new file`);
    }
    const result = await backupDatabase(database, target);
    if (flag(context, 'json')) printJson(context.io, result);
    else
      context.io.stdout(
        `backed up ${result.database} (schema ${result.schemaVersion}) to ${result.backup}, ${result.bytes} bytes\n`,
      );
    return 0;
  },
};

function checkTable(check: DatabaseCheck): string {
  const intact = check.integrity.length === 1 && check.integrity[0] === 'ok';
  const lines = [
    `database   ${check.database}`,
    `integrity  ${check.integrity.join('; ')}`,
    intact
      ? `schema     ${check.schemaVersion} (${check.schema}; this version writes ${check.latestSchemaVersion})`
      : 'schema     not read (the file is damaged)',
    `size       ${check.bytes} bytes`,
  ];
  const rows = check.rows === null ? [] : Object.entries(check.rows).map(([table, n]) => [table, String(n)]);
  const table = rows.length === 0 ? '' : `\n${textTable(['TABLE', 'ROWS'], rows)}`;
  return `${lines.join('\n')}${table}\n${check.ok ? 'ok' : 'NOT OK'}\n`;
}

export const dbCheckCommand: CommandSpec = {
  path: ['db', 'check'],
  summary: 'Check a database: integrity, schema level and row counts (exit 1 when not ok)',
  details:
    'Runs PRAGMA integrity_check on a read-only connection. "behind" means the next `avma run` upgrades\n' +
    'it (after a backup beside it); "newer" means a newer avma-agent wrote it. Exit 0 ok, 1 not ok.',
  options: {
    db: { type: 'string', valueName: 'FILE', description: 'the agent database (must exist)' },
    json: {
      type: 'boolean',
      description:
        'print {"database","ok","integrity","schemaVersion","latestSchemaVersion","schema","rows","bytes"}',
    },
  },
  positionals: [],
  async run(context) {
    const check = await checkDatabase(
      sqliteFile(context, 'check', "PostgreSQL's own tools (pg_amcheck, pg_stat_user_tables)"),
    );
    if (flag(context, 'json')) printJson(context.io, check);
    else context.io.stdout(checkTable(check));
    return check.ok ? 0 : 1;
  },
};
