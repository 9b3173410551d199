import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { findScriptDirectory } from '../../../agent/driver/powershell/script-catalog.js';
import { describeStep, planInstall, planUninstall } from '../../../agent/service/service-plan.js';
import { freshHostFacts, ServiceFacts } from '../../../agent/service/service-probe.js';

const script = (name: string) => readFileSync(`${findScriptDirectory()}${name}`, 'utf8');
const OPTIONS = {
  agentRoot: 'C:\\Program Files\\avma-agent',
  nodePath: 'C:\\Program Files\\nodejs\\node.exe',
  account: 'virtual',
} as const;

describe('agent/service/service-plan', () => {
  it('plans only actions service-step.ps1 carries out, with the argument names it reads', () => {
    const installed = {
      ...freshHostFacts(null),
      Service: {
        State: 'Running',
        StartMode: 'Auto',
        DelayedAutoStart: 'True',
        StartName: 'NT SERVICE\\avma-agent',
        PathName: '',
      },
      DataFolderExists: true,
    };
    const steps = [
      ...planInstall(freshHostFacts(null), OPTIONS),
      ...planInstall(installed, { ...OPTIONS, account: 'LocalSystem' }),
      ...planUninstall(installed, true),
      ...planUninstall(installed, false),
    ];
    const source = script('service-step.ps1');
    const actions = new Set(steps.map((step) => step.Action));
    expect(actions.size).toBe(13);
    for (const action of actions) expect(source, action).toContain(`$action -eq '${action}'`);
    for (const step of steps) {
      for (const name of Object.keys(step).filter((key) => key !== 'Action')) {
        expect(source, `${step.Action}.${name}`).toMatch(new RegExp(`\\$Arguments\\.${name}\\b`));
      }
      expect(describeStep(step)).not.toBe('');
    }
  });

  it('reads every field the probe script writes, and the probe writes every field the plan needs', () => {
    const source = script('service-probe.ps1');
    for (const field of Object.keys(ServiceFacts.shape))
      expect(source, field).toMatch(new RegExp(`\\b${field} = `));
  });

  it('a dry run shows the plan even without elevation; a real run refuses before any step', () => {
    const user = { ...freshHostFacts(null), IsAdministrator: false };
    expect(planInstall(user, OPTIONS, true).length).toBeGreaterThan(10);
    expect(() => planInstall(user, OPTIONS)).toThrow(/elevated PowerShell/);
    expect(() => planUninstall(user, false)).toThrow(/elevated PowerShell/);
  });
});
