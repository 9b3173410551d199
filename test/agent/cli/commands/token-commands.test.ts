import { readdir, readFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore } from '../../../../agent/store/index.js';
import { hashToken } from '../../../../agent/tokens/index.js';
import { type TempDir, tempDir } from '../../store/store-test-kit.js';
import { avma, isOneLineError } from '../cli-harness.js';

describe('agent/cli/commands/token-commands', () => {
  let dir: TempDir;
  let db: string;
  beforeEach(async () => {
    dir = await tempDir();
    db = dir.file('avma.db');
    await (await openStore(db)).close();
  });
  afterEach(async () => {
    await dir.remove();
  });

  async function authenticate(token: string) {
    const store = await openStore(db, { readOnly: true });
    try {
      return await store.authenticateToken(token, new Date());
    } finally {
      await store.close();
    }
  }

  it('prints the token alone on stdout, a note on stderr, and the token authenticates', async () => {
    const run = await avma(['token', 'create', '--db', db, '--role', 'operator', '--name', 'grafana']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^avma_[A-Za-z0-9_-]{43}\n$/);
    expect(run.stderr).toBe(
      'avma token create: token grafana (operator, never expires) created; this is the only time it is shown: store it now\n',
    );
    expect(await authenticate(run.stdout.trim())).toMatchObject({
      name: 'grafana',
      role: 'operator',
      createdBy: userInfo().username,
    });
  });

  it('never writes the plain token into the database files, only its hash', async () => {
    const run = await avma(['token', 'create', '--db', db, '--role', 'admin', '--name', 'root']);
    const token = run.stdout.trim();
    const files = (await readdir(dir.path)).filter((name) => name.startsWith('avma.db'));
    const bytes = Buffer.concat(await Promise.all(files.map((name) => readFile(dir.file(name)))));
    expect(bytes.includes(token)).toBe(false);
    expect(bytes.includes(token.slice(5))).toBe(false);
    expect(bytes.includes(hashToken(token))).toBe(true);
  });

  it('lists tokens as a table and as JSON, never with the token or its hash', async () => {
    const created = await avma([
      'token',
      'create',
      '--db',
      db,
      '--role',
      'reader',
      '--name',
      'ci@build',
      '--expires',
      '2999-01-01T00:00:00Z',
      '--actor',
      'alice',
    ]);
    const token = created.stdout.trim();
    const table = await avma(['token', 'list', '--db', db]);
    expect(table.code).toBe(0);
    const lines = table.stdout.split('\n');
    expect(lines[0]).toMatch(/^NAME\s+ROLE\s+CREATED\s+EXPIRES\s+REVOKED\s+LAST USED$/);
    expect(lines[1]).toMatch(
      /^ci@build\s+reader\s+\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\s+2999-01-01T00:00:00Z\s+-\s+-$/,
    );
    const json = await avma(['token', 'list', '--db', db, '--json']);
    expect(json.json()).toEqual([
      {
        name: 'ci@build',
        role: 'reader',
        createdAt: expect.any(String),
        createdBy: 'alice',
        expiresAt: '2999-01-01T00:00:00.000Z',
        revokedAt: null,
        lastUsedAt: null,
      },
    ]);
    for (const output of [table.stdout, json.stdout]) {
      expect(output).not.toContain(token);
      expect(output).not.toContain(token.slice(5));
      expect(output).not.toContain(hashToken(token));
    }
  });

  it('revokes a token, audited with who and why; the token stops working; again is a no-op', async () => {
    const token = (
      await avma(['token', 'create', '--db', db, '--role', 'reader', '--name', 'ci'])
    ).stdout.trim();
    const run = await avma([
      'token',
      'revoke',
      'CI',
      '--db',
      db,
      '--actor',
      'bob',
      '--reason',
      'leaked in a log',
    ]);
    expect(run.code).toBe(0);
    expect(run.json()).toEqual({
      name: 'ci',
      changed: true,
      revokedAt: expect.stringMatching(/^\d{4}-/),
      actor: 'bob',
      reason: 'leaked in a log',
    });
    expect(await authenticate(token)).toBeNull();
    const again = await avma(['token', 'revoke', 'ci', '--db', db]);
    expect(again.json()).toMatchObject({
      changed: false,
      revokedAt: run.json<{ revokedAt: string }>().revokedAt,
    });
    const store = await openStore(db, { readOnly: true });
    try {
      const audit = await store.listAudit({ actions: ['token-revoke'] });
      expect(audit.map((a) => [a.actor, a.reason, a.details])).toEqual([
        ['bob', 'leaked in a log', { token: 'ci' }],
      ]);
    } finally {
      await store.close();
    }
  });

  it('works while an agent holds the database as its writer', async () => {
    const agent = await openStore(db, { writer: { command: 'avma run' } });
    try {
      const created = await avma(['token', 'create', '--db', db, '--role', 'reader', '--name', 'beside']);
      expect(created.code).toBe(0);
      expect((await avma(['token', 'revoke', 'beside', '--db', db])).code).toBe(0);
      expect((await agent.listTokens()).map((t) => [t.name, t.revokedAt === null])).toEqual([
        ['beside', false],
      ]);
    } finally {
      await agent.close();
    }
  });

  it.each([
    ['a duplicate name', ['--role', 'reader', '--name', 'GRAFANA'], /a token named "grafana" already exists/],
    [
      'an unknown role',
      ['--role', 'root', '--name', 'x'],
      /--role is "root", expected one of reader, operator, admin/,
    ],
    ['a missing role', ['--name', 'x'], /missing --role/],
    [
      'a name with a space',
      ['--role', 'reader', '--name', 'two words'],
      /--name is "two words", expected 1 to 64/,
    ],
    [
      'a past expiry',
      ['--role', 'reader', '--name', 'x', '--expires', '2020-01-01T00:00:00Z'],
      /is not in the future/,
    ],
    [
      'an expiry without a zone',
      ['--role', 'reader', '--name', 'x', '--expires', '2999-01-01'],
      /expected an ISO-8601 time/,
    ],
    [
      'a missing database',
      ['--role', 'reader', '--name', 'x', '--db', '/nonexistent/avma.db'],
      /does not exist/,
    ],
  ])('refuses %s in one line with exit 2, creating nothing', async (_what, args, message) => {
    await avma(['token', 'create', '--db', db, '--role', 'admin', '--name', 'grafana']);
    const run = await avma(['token', 'create', '--db', db, ...args]);
    expect(isOneLineError(run)).toBe(true);
    expect(run.stderr).toMatch(/^avma token create: /);
    expect(run.stderr).toMatch(message);
    expect(JSON.parse((await avma(['token', 'list', '--db', db, '--json'])).stdout)).toHaveLength(1);
  });

  it('refuses to revoke a token that does not exist, in one line', async () => {
    const run = await avma(['token', 'revoke', 'ghost', '--db', db]);
    expect(isOneLineError(run)).toBe(true);
    expect(run.stderr).toBe('avma token revoke: no token is named "ghost"; see avma token list\n');
  });
});
