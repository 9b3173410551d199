import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { sevenOnlySyntax, syntaxErrors } from '../powershell-checks.js';

const SOURCE = readFileSync(
  new URL('../../../guest/install/install-guest-agent.ps1', import.meta.url),
  'utf8',
);

describe('guest/install/install-guest-agent.ps1', () => {
  it('parses without errors and without PowerShell 7-only syntax', () => {
    expect(syntaxErrors(SOURCE)).toEqual([]);
    expect(sevenOnlySyntax(SOURCE)).toEqual([]);
  });

  it('says plainly that it installs a scheduled task, not a service, and why', () => {
    expect(SOURCE).toContain('SCHEDULED TASK, NOT A WINDOWS SERVICE');
    expect(SOURCE).toContain('Service Control Manager');
  });

  it('runs the agent as SYSTEM at boot', () => {
    expect(SOURCE).toMatch(/New-ScheduledTaskTrigger -AtStartup/);
    expect(SOURCE).toMatch(
      /New-ScheduledTaskPrincipal -UserId 'SYSTEM' -LogonType ServiceAccount -RunLevel Highest/,
    );
  });

  it('brings a crashed agent back: restart on failure plus a 5-minute watchdog that never doubles it', () => {
    expect(SOURCE).toMatch(/-RestartCount 255 -RestartInterval \(New-TimeSpan -Minutes 1\)/);
    expect(SOURCE).toMatch(/-RepetitionInterval \(New-TimeSpan -Minutes 5\)/);
    expect(SOURCE).toMatch(/-MultipleInstances IgnoreNew/);
    expect(SOURCE).toMatch(/-ExecutionTimeLimit \(\[TimeSpan\]::Zero\)/);
  });

  it('locks the state folder to SYSTEM and Administrators', () => {
    expect(SOURCE).toContain("@('S-1-5-18', 'S-1-5-32-544')");
    expect(SOURCE).toContain('SetAccessRuleProtection($true, $false)');
  });
});
