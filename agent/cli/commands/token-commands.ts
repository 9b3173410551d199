/**
 * API tokens from the command line (architecture §12): `avma token create` prints the token once on
 * stdout and nothing else there, so `avma token create ... > token.txt` captures exactly the secret;
 * `avma token list` never shows a token or its hash; `avma token revoke`. Creating and revoking are
 * audited with `--actor` (default: the OS user name). None of them takes the writer lock: like
 * `avma vm opt-out` they are short transactions that work while an agent sweeps the same database.
 */
import { parseIsoTime } from '../../lab/scenario-schema.js';
import { openStore, type TokenRecord } from '../../store/index.js';
import {
  isTokenName,
  isTokenRole,
  TOKEN_NAME_RULE,
  TOKEN_ROLES,
  type TokenRole,
} from '../../tokens/index.js';
import { CliError } from '../cli-error.js';
import { type CommandContext, type CommandSpec, printJson } from '../command.js';
import { flag, optionalString, requiredString } from '../options.js';
import { dbPath, withStore } from './store-access.js';
import { sanitizeCell, textTable } from './text-table.js';
import { actorOf } from './vm-commands.js';

const DB_OPTION = {
  type: 'string',
  valueName: 'FILE',
  description: 'the agent database (must exist)',
} as const;
const ACTOR_OPTION = {
  type: 'string',
  valueName: 'WHO',
  description: 'who asks, for the audit trail (default: the OS user name)',
} as const;

function tokenName(text: string, where: string): string {
  if (!isTokenName(text)) {
    throw new CliError('USAGE', `${where} is "${text.slice(0, 70)}", expected ${TOKEN_NAME_RULE}`);
  }
  return text;
}

function roleOption(context: CommandContext): TokenRole {
  const role = requiredString(context, 'role', TOKEN_ROLES.join(', '));
  if (!isTokenRole(role)) {
    throw new CliError(
      'USAGE',
      `--role is "${role.slice(0, 40)}", expected one of ${TOKEN_ROLES.join(', ')}`,
    );
  }
  return role;
}

function expiryOption(context: CommandContext, now: Date): Date | null {
  const text = optionalString(context, 'expires')?.trim();
  if (text === undefined) return null;
  const ms = parseIsoTime(text);
  if (ms === null) {
    throw new CliError(
      'USAGE',
      `--expires is "${text.slice(0, 40)}", expected an ISO-8601 time such as 2027-01-01T00:00:00Z`,
    );
  }
  if (ms <= now.getTime()) {
    throw new CliError('USAGE', `--expires ${text} is not in the future; expected a later time`);
  }
  return new Date(ms);
}

export const tokenCreateCommand: CommandSpec = {
  path: ['token', 'create'],
  summary: 'Create an API token; prints it once on stdout (only its SHA-256 is stored)',
  details:
    'Roles: reader (reads everything), operator (+ VM actions, sweep now, month close), admin (+ tokens).\n' +
    'Names are unique ignoring case and never reused, not even after a revoke: the audit trail names\n' +
    'the token as the actor of every call made with it.',
  options: {
    db: DB_OPTION,
    role: { type: 'string', valueName: 'ROLE', description: `one of ${TOKEN_ROLES.join(', ')}` },
    name: { type: 'string', valueName: 'NAME', description: TOKEN_NAME_RULE },
    expires: { type: 'string', valueName: 'ISO', description: 'when it stops working (default: never)' },
    actor: ACTOR_OPTION,
  },
  positionals: [],
  async run(context) {
    const at = new Date();
    const input = {
      name: tokenName(requiredString(context, 'name', TOKEN_NAME_RULE), '--name'),
      role: roleOption(context),
      expiresAt: expiryOption(context, at),
      actor: actorOf(context),
      at,
    };
    const path = dbPath(context);
    const created = await withStore(await openStore(path, { create: false }), (store) =>
      store.createToken(input),
    );
    context.io.stdout(`${created.token}\n`);
    const expiry =
      created.record.expiresAt === null ? 'never expires' : `expires ${created.record.expiresAt}`;
    context.io.stderr(
      `avma token create: token ${created.record.name} (${created.record.role}, ${expiry}) created; this is the only time it is shown: store it now\n`,
    );
    return 0;
  },
};

/** Times to the second: a table for people, the milliseconds are in --json. */
function timeCell(iso: string | null): string {
  return iso === null ? '-' : `${iso.slice(0, 19)}Z`;
}

/** The token table: names and times only; there is no column that could hold a secret. */
export function renderTokens(records: readonly TokenRecord[]): string {
  const rows = records.map((r) => [
    sanitizeCell(r.name, 64),
    r.role,
    timeCell(r.createdAt),
    timeCell(r.expiresAt),
    timeCell(r.revokedAt),
    timeCell(r.lastUsedAt),
  ]);
  return textTable(['NAME', 'ROLE', 'CREATED', 'EXPIRES', 'REVOKED', 'LAST USED'], rows);
}

export const tokenListCommand: CommandSpec = {
  path: ['token', 'list'],
  summary: 'List API tokens: name, role, created, expires, revoked, last used (never the token)',
  options: {
    db: DB_OPTION,
    json: { type: 'boolean', description: 'print JSON instead of a table' },
  },
  positionals: [],
  async run(context) {
    const records = await withStore(await openStore(dbPath(context), { readOnly: true }), (store) =>
      store.listTokens(),
    );
    if (flag(context, 'json')) printJson(context.io, records);
    else context.io.stdout(renderTokens(records));
    return 0;
  },
};

export const tokenRevokeCommand: CommandSpec = {
  path: ['token', 'revoke'],
  summary: 'Revoke an API token: it is refused from now on (audited)',
  options: {
    db: DB_OPTION,
    actor: ACTOR_OPTION,
    reason: { type: 'string', valueName: 'TEXT', description: 'why, for the audit trail' },
  },
  positionals: [{ name: 'NAME', description: 'the token’s name (see avma token list)', required: true }],
  async run(context) {
    const name = tokenName(context.positionals[0] ?? '', 'the token name');
    const reason = optionalString(context, 'reason')?.trim() || 'revoked from the command line';
    if (reason.length > 1024) {
      throw new CliError('USAGE', `--reason has ${reason.length} characters, expected at most 1024`);
    }
    const request = { at: new Date(), actor: actorOf(context), reason };
    const store = await openStore(dbPath(context), { create: false });
    const result = await withStore(store, async () => {
      const changed = await store.revokeToken(name, request);
      const record = (await store.listTokens()).find((r) => r.name.toLowerCase() === name.toLowerCase());
      return { name: record?.name ?? name, changed, revokedAt: record?.revokedAt ?? null };
    });
    printJson(context.io, { ...result, actor: request.actor, reason: request.reason });
    return 0;
  },
};
