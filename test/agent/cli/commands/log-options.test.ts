import { existsSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eventLogRunnerFactory } from '../../../../agent/cli/commands/log-options.js';
import type { PsRequest } from '../../../../agent/driver/powershell/runner.js';
import { type TempDir, tempDir } from '../../store/store-test-kit.js';
import { avma, isOneLineError } from '../cli-harness.js';

function records(file: string): { level: number; msg: string; [key: string]: unknown }[] {
  return readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line));
}

const openEventLogRunner = eventLogRunnerFactory.open;

describe('avma run / serve log options', () => {
  let dir: TempDir;
  beforeEach(async () => {
    dir = await tempDir();
  });
  afterEach(async () => {
    eventLogRunnerFactory.open = openEventLogRunner;
    await dir.remove();
  });

  it('--log-file: JSON lines for the start, every host swept and the stop, and nothing extra on stdout', async () => {
    const log = dir.file('agent.log');
    const run = await avma(['run', '--once', '--no-listen', '--db', dir.file('a.sqlite'), '--log-file', log]);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('');
    const lines = records(log);
    expect(lines.map((line) => line.msg)).toEqual([
      'avma run started',
      ...Array.from({ length: 6 }, () => 'host swept'),
      'avma run stopped',
    ]);
    expect(lines[1]).toMatchObject({ level: 30, host: 'HV01', vms: 19, at: '2026-11-01T00:00:00.000Z' });
    expect(lines[0]).toMatchObject({ db: dir.file('a.sqlite') });
  });

  it('--log-format pretty shows the log on stdout for people; --log-level warn leaves the info records out', async () => {
    const pretty = await avma([
      'run',
      '--once',
      '--no-listen',
      '--db',
      dir.file('a.sqlite'),
      '--log-format',
      'pretty',
    ]);
    expect(pretty.code).toBe(0);
    expect(pretty.stdout).toMatch(/INFO: host swept\n {4}host: "HV01"/);
    const quiet = await avma([
      'run',
      '--once',
      '--no-listen',
      '--db',
      dir.file('b.sqlite'),
      '--log-level',
      'warn',
    ]);
    expect(quiet.stdout).toBe('');
  });

  it('says in the log why the agent did not start (a database it refuses)', async () => {
    const log = dir.file('agent.log');
    await writeFile(dir.file('not-a-db.sqlite'), 'plain text, not SQLite');
    const run = await avma([
      'run',
      '--once',
      '--no-listen',
      '--db',
      dir.file('not-a-db.sqlite'),
      '--log-file',
      log,
    ]);
    expect(run.code).toBe(2);
    const [line] = records(log);
    expect(line).toMatchObject({ level: 50, msg: 'avma run could not start' });
    expect(String(line?.reason)).toContain('is not an SQLite database');
  });

  it('--event-log-source: the reason the agent did not start also goes to the Application log, through the PowerShell runner', async () => {
    const requests: PsRequest[] = [];
    eventLogRunnerFactory.open = async () => ({
      run: async (request) => {
        requests.push(request);
        return { Status: 'done' };
      },
      close: async () => {},
    });
    await writeFile(dir.file('not-a-db.sqlite'), 'plain text, not SQLite');
    const args = [
      'run',
      '--once',
      '--no-listen',
      '--db',
      dir.file('not-a-db.sqlite'),
      '--event-log-source',
      'avma-agent',
    ];
    expect((await avma(args)).code).toBe(2);
    expect(requests).toHaveLength(1);
    expect(requests[0]).toMatchObject({
      operation: 'write-event-log',
      arguments: { Source: 'avma-agent', EntryType: 'Error', EventId: 1002 },
    });
    expect(String(requests[0]?.arguments.Message)).toMatch(
      /^avma run could not start; db=.*; reason=.*is not an SQLite database/,
    );
  });

  it("--event-log-source: the Application log is written through the configuration's powershell.executable", async () => {
    const executables: (string | undefined)[] = [];
    eventLogRunnerFactory.open = async (executable?: string) => {
      executables.push(executable);
      return { run: async () => ({ Status: 'done' }), close: async () => {} };
    };
    const config = dir.file('agent.json');
    await writeFile(config, JSON.stringify({ powershell: { executable: 'pwsh' } }));
    const common = ['run', '--once', '--no-listen', '--event-log-source', 'avma-agent'];
    expect((await avma([...common, '--db', dir.file('d.sqlite'), '--config', config])).code).toBe(0);
    expect((await avma([...common, '--db', dir.file('e.sqlite')])).code).toBe(0);
    // Configured: PowerShell 7; not configured: the runner's default, Windows PowerShell.
    expect(executables).toEqual(['pwsh', undefined]);
  });

  it('refuses a bad level, format, source or log folder in one line (exit 2)', async () => {
    for (const extra of [
      ['--log-level', 'loud'],
      ['--log-format', 'xml'],
      ['--event-log-source', 'bad"name'],
      ['--log-file', dir.file('no/such/folder/agent.log')],
      ['--stop-timeout', '0'],
    ]) {
      const run = await avma(['run', '--once', '--no-listen', '--db', dir.file('c.sqlite'), ...extra]);
      expect(isOneLineError(run), `${extra.join(' ')}: ${run.stderr}`).toBe(true);
    }
    // Refused before anything was opened: no database was created.
    expect(existsSync(dir.file('c.sqlite'))).toBe(false);
    const serve = await avma(['serve', '--db', dir.file('c.sqlite'), '--log-level', 'loud']);
    expect(isOneLineError(serve)).toBe(true);
  });
});
