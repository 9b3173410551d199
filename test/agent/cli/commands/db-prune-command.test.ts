/** `avma db prune` on a real SQLite file: retention from --config, dry run, one-line refusals. */
import { writeFile } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore } from '../../../../agent/store/index.js';
import { type TempDir, tempDir } from '../../store/store-test-kit.js';
import { avma, isOneLineError } from '../cli-harness.js';

describe('agent/cli/commands/db-prune-command', () => {
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

  it('prints what a prune would delete, with the horizon from retention.rawMonths', async () => {
    const config = dir.file('agent.json');
    await writeFile(config, JSON.stringify({ retention: { rawMonths: 48 } }));
    const run = await avma(['db', 'prune', '--db', db, '--dry-run', '--config', config, '--json']);
    expect(run.code).toBe(0);
    const result = run.json<{ rawMonths: number; horizon: string; dryRun: boolean; events: number }>();
    const now = new Date();
    const horizon = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 48, 1)).toISOString();
    expect(result).toMatchObject({ rawMonths: 48, horizon, dryRun: true, events: 0 });
    const text = await avma(['db', 'prune', '--db', db]);
    expect(text.stdout).toMatch(
      /^retention 60 months: deleted 0 raw event\(s\) and 0 observation interval\(s\) before /,
    );
  });

  it('refuses a retention under 36 months and a missing database in one line (exit 2)', async () => {
    const config = dir.file('short.json');
    await writeFile(config, JSON.stringify({ retention: { rawMonths: 12 } }));
    const short = await avma(['db', 'prune', '--db', db, '--config', config]);
    expect(isOneLineError(short)).toBe(true);
    expect(short.stderr).toContain('retention.rawMonths');
    expect(isOneLineError(await avma(['db', 'prune', '--db', dir.file('none.db'), '--dry-run']))).toBe(true);
  });
});
