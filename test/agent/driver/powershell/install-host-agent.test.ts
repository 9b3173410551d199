import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  serviceInstallCommand,
  serviceStatusCommand,
  serviceUninstallCommand,
} from '../../../../agent/cli/commands/service-commands.js';
import { sevenOnlySyntax, syntaxErrors } from '../../../guest/powershell-checks.js';

const SOURCE = readFileSync(
  new URL('../../../../agent/driver/powershell/install/install-host-agent.ps1', import.meta.url),
  'utf8',
);

/** The `--options` the script passes to `avma service ...`. */
function optionsPassed(): string[] {
  return [...SOURCE.matchAll(/'--([a-z-]+)'/g)].map((match) => match[1] ?? '');
}

describe('agent/driver/powershell/install/install-host-agent.ps1', () => {
  it('parses on the PowerShell grammar without errors and without PowerShell 7-only syntax', () => {
    expect(syntaxErrors(SOURCE)).toEqual([]);
    expect(sevenOnlySyntax(SOURCE)).toEqual([]);
  });

  it('runs `avma service` through node.exe with each value as its own argument, never evaluating text', () => {
    expect(SOURCE).not.toMatch(/Invoke-Expression|\biex\b|\[scriptblock\]::Create|AddScript|Start-Process/i);
    expect(SOURCE).toContain("$arguments = @($bin, 'service')");
    expect(SOURCE).toMatch(/\n& \$node @arguments\nexit \$LASTEXITCODE\n$/);
  });

  it('passes only options the avma service commands accept', () => {
    const known = new Set([
      ...Object.keys(serviceInstallCommand.options),
      ...Object.keys(serviceUninstallCommand.options),
      ...Object.keys(serviceStatusCommand.options),
    ]);
    const passed = optionsPassed();
    expect([...passed].sort()).toEqual([
      'account',
      'agent-root',
      'data-folder',
      'dry-run',
      'node',
      'remove-data',
    ]);
    for (const option of passed) expect(known.has(option), option).toBe(true);
    expect(SOURCE).toContain("[ValidateSet('virtual', 'LocalSystem')][string]$Account = 'virtual'");
  });
});
