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
});
