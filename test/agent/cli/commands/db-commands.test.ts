import { open, readdir, writeFile } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MIGRATIONS, openStore } from '../../../../agent/store/index.js';
import { type TempDir, tempDir } from '../../store/store-test-kit.js';
import { avma, isOneLineError } from '../cli-harness.js';

describe('avma db backup / db check', () => {
  let dir: TempDir;
  let db: string;
  beforeEach(async () => {
    dir = await tempDir();
    db = dir.file('agent.sqlite');
    await openStore(db).then((store) => store.close());
  });
  afterEach(async () => {
    await dir.remove();
  });

  it('backs up to a new file and checks it: integrity, schema level, row counts, exit 0', async () => {
    const backup = await avma(['db', 'backup', '--db', db, '--to', dir.file('copy.sqlite')]);
    expect(backup.code).toBe(0);
    expect(backup.stdout).toMatch(
      /^backed up .*agent\.sqlite \(schema \d+\) to .*copy\.sqlite, \d+ bytes\n$/,
    );
    const check = await avma(['db', 'check', '--db', dir.file('copy.sqlite'), '--json']);
    expect(check.code).toBe(0);
    expect(check.json()).toMatchObject({
      ok: true,
      integrity: ['ok'],
      schemaVersion: MIGRATIONS.length,
      latestSchemaVersion: MIGRATIONS.length,
      schema: 'current',
      rows: { tokens: 0, hosts: 0 },
    });
    const table = await avma(['db', 'check', '--db', db]);
    expect(table.stdout).toMatch(/^integrity {2}ok$/m);
    expect(table.stdout.endsWith('\nok\n')).toBe(true);
  });

  it('refuses in one line (exit 2) a target that exists, the database itself, or a missing database', async () => {
    await writeFile(dir.file('taken'), 'x');
    for (const args of [
      ['db', 'backup', '--db', db, '--to', dir.file('taken')],
      ['db', 'backup', '--db', db, '--to', db],
      ['db', 'backup', '--db', dir.file('missing.sqlite'), '--to', dir.file('new.sqlite')],
      ['db', 'check', '--db', dir.file('missing.sqlite')],
      ['db', 'backup', '--db', db],
    ]) {
      const run = await avma(args);
      expect(isOneLineError(run), `${args.join(' ')}: ${run.stderr}`).toBe(true);
    }
    expect((await readdir(dir.path)).filter((name) => name.endsWith('.sqlite'))).toEqual(['agent.sqlite']);
  });

  it('exits 1 and says NOT OK for a damaged database', async () => {
    const store = await openStore(db);
    await store.createToken({ name: 'a', role: 'reader', expiresAt: null, actor: 't', at: new Date() });
    await store.close();
    const file = await open(db, 'r+');
    await file.write(Buffer.alloc(8192, 0x5a), 0, 8192, 4096);
    await file.close();
    const run = await avma(['db', 'check', '--db', db]);
    expect(run.code, run.stderr).toBe(1);
    expect(run.stdout).toMatch(/^integrity {2}database .* is damaged/m);
    expect(run.stdout).toContain('schema     not read (the file is damaged)');
    expect(run.stdout.endsWith('\nNOT OK\n')).toBe(true);
    // A file that is not SQLite at all is reported the same way.
    await writeFile(dir.file('text.sqlite'), 'this is not a database, just some text');
    expect((await avma(['db', 'check', '--db', dir.file('text.sqlite'), '--json'])).code).toBe(1);
  });
});
