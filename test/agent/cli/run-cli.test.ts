import { KvpError } from 'hyperv-kvp';
import { describe, expect, it } from 'vitest';
import { CliError } from '../../../agent/cli/cli-error.js';
import type { CommandSpec } from '../../../agent/cli/command.js';
import { COMMANDS } from '../../../agent/cli/commands.js';
import { dispatch } from '../../../agent/cli/run-cli.js';
import { ConfigError } from '../../../agent/config/config-error.js';
import { DriverError } from '../../../agent/driver/driver-error.js';
import { LabError } from '../../../agent/lab/lab-error.js';
import { RuntimeError } from '../../../agent/runtime/runtime-error.js';
import { StoreError } from '../../../agent/store/errors.js';
import { SweepError } from '../../../agent/sweep/sweep-error.js';
import { UsageError } from '../../../agent/usage/errors.js';
import { AvmaError } from '../../../shared/avma/index.js';
import { ProtocolError } from '../../../shared/protocol/index.js';
import { avma, isOneLineError } from './cli-harness.js';

/** Runs `avma boom` where the command throws `error`, and captures what the CLI makes of it. */
async function throwing(error: unknown) {
  const spec: CommandSpec = {
    path: ['boom'],
    summary: 'throws',
    options: {},
    positionals: [],
    run: () => Promise.reject(error),
  };
  let stdout = '';
  let stderr = '';
  const code = await dispatch(['boom'], [spec], {
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

// biome-ignore lint/suspicious/noControlCharactersInRegex: the characters an error line must not carry raw
const RAW_UNSAFE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/;

describe('agent/cli/run-cli', () => {
  it('lists every command in avma --help and exits 0', async () => {
    const run = await avma(['--help']);
    expect(run.code).toBe(0);
    for (const spec of COMMANDS) expect(run.stdout).toContain(spec.path.join(' '));
  });

  it('prints help on stderr with exit 2 when no command is given', async () => {
    const run = await avma([]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('Usage: avma <command>');
  });

  it.each(COMMANDS.map((spec) => [spec.path.join(' '), spec] as const))(
    'has --help for "%s"',
    async (_name, spec) => {
      const run = await avma([...spec.path, '--help']);
      expect(run.code).toBe(0);
      expect(run.stdout).toContain(`Usage: avma ${spec.path.join(' ')}`);
      expect(run.stdout).toContain('-h, --help');
      for (const option of Object.keys(spec.options)) expect(run.stdout).toContain(`--${option}`);
    },
  );

  it('shows the subcommands of a group for "avma kvp --help"', async () => {
    const run = await avma(['kvp', '--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/kvp decode[\s\S]*kvp identify[\s\S]*kvp encode/);
  });

  it('refuses an unknown command in one line naming it', async () => {
    const run = await avma(['frobnicate']);
    expect(isOneLineError(run)).toBe(true);
    expect(run.stderr).toContain('unknown command "frobnicate"');
  });

  it('refuses a group without its subcommand in one line', async () => {
    const run = await avma(['key']);
    expect(isOneLineError(run)).toBe(true);
    expect(run.stderr).toContain('avma key: missing command');
  });

  it('refuses an unknown option in one line that points at --help', async () => {
    const run = await avma(['spla', '--sockets', '2', '--cores-per-socket', '8', '--threads', '4']);
    expect(isOneLineError(run)).toBe(true);
    expect(run.stderr).toContain('--threads');
    expect(run.stderr).toContain('avma spla --help');
  });

  it('refuses a missing required argument and an extra one', async () => {
    expect(isOneLineError(await avma(['error']))).toBe(true);
    const extra = await avma(['error', '0xC004FD02', 'again']);
    expect(isOneLineError(extra)).toBe(true);
    expect(extra.stderr).toContain('unexpected argument "again"');
  });

  it.each([
    [['run', '--interval', '-5'], '--interval is -5, out of range: expected a whole number from 1 to 86400'],
    [['run', '--lab-speed', '-60'], '--lab-speed is -60, out of range: expected a whole number from 1 to'],
    [['sweep', '--interval', '-1'], '--interval is -1, out of range: expected a whole number from 1 to'],
    [['lab', 'run', '--days', '-30'], '--days is -30, out of range: expected a whole number from 1 to 3650'],
    [
      ['lab', 'run', '--days', '1', '--seed', '-7'],
      '--seed is -7, out of range: expected a whole number from 0',
    ],
    [
      ['lab', 'run', '--days', '1', '--db', 'x.sqlite', '--sweep-interval', '-15'],
      '--sweep-interval is -15, out of range: expected a whole number from 1 to 1440',
    ],
    [
      ['events', '--db', 'x.sqlite', '--id', '-12309'],
      '--id is -12309, out of range: expected a whole number',
    ],
    [
      [
        'export',
        'usage',
        '--db',
        'x',
        '--month',
        '2026-11',
        '--format',
        'csv',
        '--min-cores-per-server',
        '-16',
      ],
      '--min-cores-per-server is -16, out of range',
    ],
    [['spla', '--sockets', '-2', '--cores-per-socket', '8'], '--sockets is -2, out of range'],
    [['spla', '--sockets', '2', '--cores-per-socket', '-8'], '--cores-per-socket is -8, out of range'],
    [
      ['kvp', 'encode', '--name', 'n', '--data', 'd', '--source', '-1'],
      '--source is -1, out of range: expected a whole number from 0 to 4',
    ],
    [['run', '--interval', '99999999999999999999'], '--interval is 99999999999999999999, out of range'],
  ])('says a negative or huge number for a numeric option is out of range: %j', async (args, message) => {
    const run = await avma(args);
    expect(isOneLineError(run)).toBe(true);
    expect(run.stderr).toContain(message);
    expect(run.stderr).not.toContain('ambiguous');
  });

  it('still takes a negative number as the value of a text option', async () => {
    const run = await avma(['kvp', 'encode', '--name', 'n', '--data', '-5']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('<VALUE>-5</VALUE>');
  });
});

describe('agent/cli/run-cli errors', () => {
  it.each([
    new CliError('INPUT', 'bad --name'),
    new ConfigError('INVALID', 'a.json: interval: expected a whole number'),
    new RuntimeError('LAB_MISMATCH', 'the database holds another lab run'),
    new SweepError('INVALID_ARGUMENT', 'concurrency 0, expected 1..64'),
    new StoreError('NOT_FOUND', 'database file x.sqlite does not exist'),
    new UsageError('INVALID_MONTH', 'month "2026-13", expected YYYY-MM'),
    new DriverError('INVALID_ARGUMENT', 'unknown host "HV99"'),
    new LabError('INVALID_SCENARIO', 'vms[0].host: unknown host "HV9"'),
    new ProtocolError('SCHEMA', 'status.channel: expected one of avma, …'),
    new KvpError('MALFORMED_XML', 'not XML'),
    new AvmaError('UNKNOWN_EDITION', 'edition "home", expected one of datacenter, standard'),
  ])('reports a bad-input %s in one line, exit 2', async (error) => {
    const run = await throwing(error);
    expect(run).toEqual({ code: 2, stdout: '', stderr: `avma boom: ${error.message}\n` });
  });

  it('reports a runtime error wrapping a missing database as bad input, exit 2', async () => {
    const cause = new StoreError('NOT_FOUND', 'database file x.sqlite does not exist');
    const run = await throwing(new RuntimeError('STORE_UNAVAILABLE', cause.message, { cause }));
    expect(run).toEqual({
      code: 2,
      stdout: '',
      stderr: 'avma boom: database file x.sqlite does not exist\n',
    });
  });

  it('reports an operational failure in one line, exit 1, without calling it internal', async () => {
    const locked = new StoreError('LOCKED', 'database x.sqlite is locked by another process');
    expect(await throwing(locked)).toEqual({
      code: 1,
      stdout: '',
      stderr: 'avma boom: database x.sqlite is locked by another process\n',
    });
    const wrapped = await throwing(new SweepError('STORE_UNAVAILABLE', 'cannot read', { cause: locked }));
    expect(wrapped.code).toBe(1);
  });

  it('reports an unexpected error as internal in one line, exit 1, whatever its name claims', async () => {
    expect(await throwing(new TypeError('x is undefined\n    at y'))).toEqual({
      code: 1,
      stdout: '',
      stderr: 'avma boom: internal error: x is undefined\\n    at y\n',
    });
    const impostor = Object.assign(new Error('not XML'), { name: 'KvpError', code: 'MALFORMED_XML' });
    expect((await throwing(impostor)).code).toBe(1);
  });

  it.each([
    [['key', 'check', 'AB\x1b[31mC\rD\u202e\u2028'], ''],
    [['error', '0xC004FD02', 'again\x1b[31m\r\n'], ''],
    [['frob\x1b]0;owned\x07'], ''],
    [['run', '--driver', 'vm\x1bware\r'], ''],
    [['kvp', 'decode'], '<INSTANCE CLASSNAME="Msvm_KvpExchangeDataItem">\u2028\u202eX\x85</INSTANCE>'],
  ])('writes the error for %j as exactly one line with no raw control character', async (args, stdin) => {
    const run = await avma(args, stdin);
    expect(isOneLineError(run)).toBe(true);
    expect(RAW_UNSAFE.test(run.stderr)).toBe(false);
  });

  it('escapes ESC, CR and LF visibly, so the user still sees what was typed', async () => {
    const run = await avma(['error', '0xC004FD02', 'again\x1b[31m\r\n']);
    expect(run.stderr).toBe(
      'avma error: unexpected argument "again\\x1b[31m\\r\\n"; see "avma error --help"\n',
    );
  });
});
