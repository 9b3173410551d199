import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventsCommand } from '../../../../agent/cli/commands/store-commands.js';
import { dispatch } from '../../../../agent/cli/run-cli.js';
import { storeWithHosts, type TempDir, tempDir } from '../../store/store-test-kit.js';

/** More events than one page (1,000) holds, one a minute from START, record ids 1..EVENTS. */
const EVENTS = 2500;
const START = Date.parse('2026-11-01T00:00:00Z');

async function avma(args: readonly string[]) {
  let stdout = '';
  let stderr = '';
  const code = await dispatch(args, [eventsCommand], {
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
    readStdin: async () => '',
  });
  return { code, stdout, stderr };
}

describe('agent/cli/commands/events-output (avma events, streamed in pages)', () => {
  let dir: TempDir;
  let db: string;
  beforeAll(async () => {
    dir = await tempDir();
    const store = await storeWithHosts(dir);
    db = store.path;
    const events = Array.from({ length: EVENTS }, (_, i) => ({
      recordId: i + 1,
      eventId: 12310,
      time: new Date(START + i * 60_000),
    }));
    await store.transaction((tx) => tx.recordHostEvents('HV01', 'Application', events, new Date(START)));
    await store.close();
  });
  afterAll(async () => {
    await dir.remove();
  });

  it('--json prints every event across pages as one valid JSON array, oldest first, nothing on stderr', async () => {
    const run = await avma(['events', '--db', db, '--json']);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    const rows = JSON.parse(run.stdout) as { recordId: number }[];
    expect(rows.map((row) => row.recordId)).toEqual(Array.from({ length: EVENTS }, (_, i) => i + 1));
  });

  it('the table shows 1,000 events by default and says on stderr that more match', async () => {
    const run = await avma(['events', '--db', db]);
    expect(run.code).toBe(0);
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(1 + 1000);
    expect(lines.filter((line) => line.startsWith('TIME'))).toHaveLength(1);
    expect(run.stderr).toBe(
      'avma events: showing the first 1000 events, more match; narrow them with --since/--until or raise --limit\n',
    );
  });

  it('--limit cuts JSON too and says so; a limit that leaves nothing out says nothing', async () => {
    const cut = await avma(['events', '--db', db, '--json', '--limit', '1500']);
    expect((JSON.parse(cut.stdout) as unknown[]).length).toBe(1500);
    expect(cut.stderr).toContain('showing the first 1500 events, more match');
    const all = await avma(['events', '--db', db, '--json', '--limit', String(EVENTS)]);
    expect((JSON.parse(all.stdout) as unknown[]).length).toBe(EVENTS);
    expect(all.stderr).toBe('');
  });

  it('--since (inclusive) and --until (exclusive) select by time', async () => {
    const run = await avma([
      'events',
      '--db',
      db,
      '--json',
      '--since',
      '2026-11-01T01:00:00Z',
      '--until',
      '2026-11-01T01:03:00Z',
    ]);
    expect((JSON.parse(run.stdout) as { recordId: number }[]).map((row) => row.recordId)).toEqual([
      61, 62, 63,
    ]);
    expect(
      JSON.parse((await avma(['events', '--db', db, '--json', '--since', '2027-01-01T00:00:00Z'])).stdout),
    ).toEqual([]);
  });

  it('refuses a time that is not ISO-8601 in one line naming the option', async () => {
    const run = await avma(['events', '--db', db, '--since', 'yesterday']);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      'avma events: --since is "yesterday", expected an ISO-8601 time such as 2026-11-01T00:00:00Z\n',
    );
  });

  it('documents --id as the Windows event id, 12309 or 12310', async () => {
    const help = (await avma(['events', '--help'])).stdout;
    expect(help).toMatch(/--id 12309\|12310\s+only this Windows event id: 12310 \(host\) or 12309 \(guest\)/);
    expect(help).toContain('--since ISO');
    expect(help).toContain('--limit N');
  });
});
