import { existsSync, readFileSync } from 'node:fs';
import Parser from 'tree-sitter';
import PowerShell from 'tree-sitter-powershell';
import { describe, expect, it } from 'vitest';
import {
  RESET_FAILURE_SECONDS,
  SERVICE_ID,
  scFailureActionsText,
} from '../../../guest/install/service-config.js';
import { parseServiceConfigArguments } from '../../../guest/install/service-config-cli.js';
import { sevenOnlySyntax, syntaxErrors } from '../powershell-checks.js';

const SOURCE = readFileSync(
  new URL('../../../guest/install/install-guest-agent.ps1', import.meta.url),
  'utf8',
);

const parser = new Parser();
parser.setLanguage(PowerShell);

interface CommandCall {
  readonly name: string;
  readonly line: number;
  readonly text: string;
}

function walk(node: Parser.SyntaxNode, visit: (node: Parser.SyntaxNode) => void): void {
  visit(node);
  for (const child of node.children) walk(child, visit);
}

/** Every command the script runs (comments and strings excluded), as the PowerShell grammar sees it. */
function commandCalls(source: string): CommandCall[] {
  const calls: CommandCall[] = [];
  walk(parser.parse(source).rootNode, (node) => {
    const name = node.type === 'command' ? node.childForFieldName('command_name') : null;
    if (name !== null) calls.push({ name: name.text, line: node.startPosition.row + 1, text: node.text });
  });
  return calls;
}

/** The `-ArgumentList @(...)` items of each Invoke-Native call of `filePath`, quotes removed. */
function nativeCalls(filePath: string): string[][] {
  return commandCalls(SOURCE)
    .filter((call) => call.name === 'Invoke-Native' && call.text.includes(`-FilePath ${filePath} `))
    .map((call) =>
      (/-ArgumentList @\((.*)\)/.exec(call.text)?.[1] ?? '')
        .split(',')
        .map((item) => item.trim().replace(/^'(.*)'$/, '$1')),
    );
}

/** The script with its comments (the help block included) blanked out. */
function withoutComments(source: string): string {
  let code = source;
  walk(parser.parse(source).rootNode, (node) => {
    if (node.type === 'comment') code = code.replace(node.text, ' '.repeat(node.text.length));
  });
  return code;
}

const COMMANDS = commandCalls(SOURCE).map((call) => call.name);

describe('guest/install/install-guest-agent.ps1', () => {
  it('parses without errors and without PowerShell 7-only syntax', () => {
    expect(syntaxErrors(SOURCE)).toEqual([]);
    expect(sevenOnlySyntax(SOURCE)).toEqual([]);
  });

  it('never evaluates text as code', () => {
    expect(SOURCE).not.toMatch(/Invoke-Expression|\biex\b|\[scriptblock\]::Create|AddScript/i);
  });

  it('installs a Windows service through the WinSW wrapper, not a scheduled task', () => {
    expect(SOURCE).toContain(`$ServiceId = '${SERVICE_ID}'`);
    expect(nativeCalls('$ServiceExe')).toEqual([['install']]);
    expect(COMMANDS).not.toContain('Register-ScheduledTask');
    expect(COMMANDS).not.toContain('New-Service');
    expect(SOURCE).not.toMatch(/scheduled task, not a|SCHEDULED TASK/);
  });

  it('copies winsw.exe and its .NET 4 runtime file next to the XML of the same base name', () => {
    expect(SOURCE).toContain(`$ServiceExe = Join-Path -Path $WrapperFolder -ChildPath "$ServiceId.exe"`);
    expect(SOURCE).toContain(`$ServiceXml = Join-Path -Path $WrapperFolder -ChildPath "$ServiceId.xml"`);
    expect(SOURCE).toContain("-ChildPath 'winsw.exe') -Destination $ServiceExe -Force");
    expect(SOURCE).toContain('-ChildPath \'winsw.exe.config\') -Destination "$ServiceExe.config" -Force');
  });

  it('refuses clearly when winsw.exe, its config or the built agent is missing', () => {
    expect(SOURCE).toContain("'node_modules\\node-windows\\bin\\winsw'");
    expect(SOURCE).toContain("run 'npm ci --omit=dev --ignore-scripts' in $root on this guest");
    expect(SOURCE).toMatch(/Assert-File -Path \(Join-Path -Path \$winswFolder -ChildPath 'winsw\.exe'\)/);
    expect(SOURCE).toMatch(
      /Assert-File -Path \(Join-Path -Path \$winswFolder -ChildPath 'winsw\.exe\.config'\)/,
    );
    expect(SOURCE).toContain("throw 'node.exe was not found: install Node.js 20 or later");
    // The wrapper is checked before anything on the guest changes.
    expect(SOURCE.indexOf('Assert-File -Path (Join-Path')).toBeLessThan(
      SOURCE.indexOf('\n    Initialize-StateFolder'),
    );
  });

  it('hands the paths to the XML writer as process arguments it accepts, and builds no XML itself', () => {
    const calls = nativeCalls('$node');
    expect(calls).toHaveLength(1);
    const argumentList = calls[0] ?? [];
    expect(argumentList[0]).toBe('$configCli');
    expect(SOURCE).toContain("'dist\\guest\\install\\service-config-cli.js'");
    expect(existsSync(new URL('../../../guest/install/service-config-cli.ts', import.meta.url))).toBe(true);
    // Replace each PowerShell variable by a value of the kind it holds, then let the CLI parse it.
    const sample: Record<string, string> = {
      $node: 'C:\\Program Files\\nodejs\\node.exe',
      $main: 'C:\\avma\\dist\\guest\\main.js',
      '[string]$IntervalMinutes': '5',
      $StateFolder: 'C:\\ProgramData\\avma-agent',
      $root: 'C:\\avma',
      $ServiceXml: 'C:\\ProgramData\\avma-agent\\service\\avma-guest-agent.xml',
    };
    const argv = argumentList.slice(1).map((item) => sample[item] ?? item);
    expect(parseServiceConfigArguments(argv).options.intervalMinutes).toBe(5);
    expect(withoutComments(SOURCE)).not.toMatch(/<service>|<executable>|<onfailure|@"|@'/);
    expect(SOURCE).toMatch(/<onfailure>/);
  });

  it('sets the same recovery actions through sc.exe as WinSW does, and counts a non-zero stop as a failure', () => {
    const calls = nativeCalls('$ScExe');
    expect(calls).toContainEqual([
      'failure',
      '$ServiceId',
      'reset=',
      String(RESET_FAILURE_SECONDS),
      'actions=',
      scFailureActionsText(),
    ]);
    expect(calls).toContainEqual(['failureflag', '$ServiceId', '1']);
    expect(COMMANDS.indexOf('Set-ServiceRecovery')).toBeGreaterThan(
      commandCalls(SOURCE).findIndex((call) =>
        call.text.includes("-FilePath $ServiceExe -ArgumentList @('install')"),
      ),
    );
  });

  it('locks the state folder, which also holds the service binary, to SYSTEM and Administrators', () => {
    expect(SOURCE).toContain("@('S-1-5-18', 'S-1-5-32-544')");
    expect(SOURCE).toContain('SetAccessRuleProtection($true, $false)');
    expect(SOURCE).toContain("$WrapperFolder = Join-Path -Path $StateFolder -ChildPath 'service'");
    expect(COMMANDS.indexOf('Initialize-StateFolder')).toBeLessThan(COMMANDS.indexOf('Copy-Item'));
  });

  it('removes the service on -Uninstall without needing the wrapper, and the old scheduled task too', () => {
    const uninstall = SOURCE.slice(SOURCE.indexOf('if ($Uninstall) {'));
    expect(uninstall).toMatch(/Remove-LegacyTask\s+Remove-AgentService/);
    expect(SOURCE).toContain("@('delete', $ServiceId)");
    expect(SOURCE).toContain('Unregister-ScheduledTask -TaskName $ServiceId -Confirm:$false');
    expect(SOURCE).toContain('Stop-Service -Name $ServiceId -Force');
  });

  it('checks the account and start mode the service got before starting it', () => {
    expect(SOURCE).toContain("if ($service.StartName -ne 'LocalSystem') { throw");
    expect(SOURCE).toContain(
      "if ($service.StartMode -ne 'Auto') { Set-Service -Name $ServiceId -StartupType Automatic }",
    );
    expect(COMMANDS.indexOf('Assert-ServiceShape')).toBeLessThan(COMMANDS.indexOf('Start-Service'));
  });
});
