import { describe, expect, it } from 'vitest';
import { powershellScriptCommand } from '../../../../agent/cli/commands/powershell-command.js';
import { dispatch } from '../../../../agent/cli/run-cli.js';
import { PS_OPERATIONS } from '../../../../agent/driver/powershell/operations.js';
import { syntaxProblems } from '../../driver/powershell/ps-parser.js';
import { payloadOf } from '../../driver/powershell/replaying-runner.js';

const VM = 'a1576c71-f505-4d1b-9b78-2cfd971b0f31';

async function avma(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await dispatch(args, [powershellScriptCommand], {
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

const inputs: Readonly<Record<string, readonly string[]>> = {
  'add-kvp': ['--vm-id', VM, '--name', 'AvmaAgent.Key', '--data', 'value'],
  'modify-kvp': ['--vm-id', VM, '--name', 'AvmaAgent.Key', '--data', 'value'],
  'remove-kvp': ['--vm-id', VM, '--name', 'AvmaAgent.Key'],
  'read-events': ['--after-record-id', '4802'],
  'enable-data-exchange': ['--vm-id', VM],
  'disable-data-exchange': ['--vm-id', VM],
  'write-event-log': ['--name', 'avma-agent', '--data', "host HV01 unreachable: 'x'; Stop-Computer"],
};

describe('agent/cli/commands/powershell-command', () => {
  it.each(PS_OPERATIONS)('prints %s as one line of PowerShell that parses', async (operation) => {
    const run = await avma(['powershell', 'script', operation, ...(inputs[operation] ?? [])]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^& \{[^\n]*\}\n$/);
    expect(syntaxProblems(run.stdout.trim())).toEqual([]);
  });

  it('keeps a hostile key and value out of the text and shows them decoded with --payload', async () => {
    const hostile = [
      '--vm-id',
      VM,
      '--name',
      "x'; Stop-Computer; '",
      '--data',
      '$(Remove-Item C:\\ -Recurse)',
    ];
    const text = await avma(['powershell', 'script', 'add-kvp', ...hostile]);
    expect(text.stdout).not.toContain('Stop-Computer');
    expect(text.stdout).not.toContain('Remove-Item');
    expect((payloadOf(text.stdout) as { Arguments: { Names: string[] } }).Arguments.Names).toEqual([
      "x'; Stop-Computer; '",
    ]);
    const payload = await avma(['powershell', 'script', 'add-kvp', ...hostile, '--payload']);
    expect(JSON.parse(payload.stdout).Arguments.Names).toEqual(["x'; Stop-Computer; '"]);
  });

  it('puts the bookmark and the remote host into the request', async () => {
    const run = await avma([
      'powershell',
      'script',
      'read-events',
      '--after-record-id',
      '9007199254740991',
      '--computer-name',
      'hv02',
      '--payload',
    ]);
    expect(JSON.parse(run.stdout)).toEqual({
      ComputerName: 'hv02',
      Arguments: { EventIds: [12310], AfterRecordId: '9007199254740991', MaxEvents: 1000 },
    });
  });

  it.each([
    [
      ['powershell', 'script', 'reboot-host'],
      'unknown operation "reboot-host"; expected one of host-info, list-vms,',
    ],
    [['powershell', 'script', 'add-kvp', '--name', 'k', '--data', 'v'], 'add-kvp needs a VM id (--vm-id)'],
    [
      ['powershell', 'script', 'remove-kvp', '--vm-id', 'DemoVM', '--name', 'k'],
      '--vm-id is "DemoVM", expected a VM GUID: 8-4-4-4-12 hexadecimal digits',
    ],
    [
      ['powershell', 'script', 'enable-data-exchange', '--vm-id', 'notaguid'],
      '--vm-id is "notaguid", expected a VM GUID: 8-4-4-4-12 hexadecimal digits',
    ],
    [
      ['powershell', 'script', 'read-events', '--after-record-id', '-1'],
      '--after-record-id is -1, out of range: expected a whole number from 0 to',
    ],
    [
      ['powershell', 'script', 'host-info', '--computer-name', 'a b'],
      'computerName "a b" is not a host name',
    ],
  ])('answers bad input %j with one line on stderr and exit 2', async (args, message) => {
    const run = await avma(args);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/^[^\n]+\n$/);
    expect(run.stderr).toContain(message);
  });
});
