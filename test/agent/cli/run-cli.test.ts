import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../../../agent/cli/commands.js';
import { avma, isOneLineError } from './cli-harness.js';

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
