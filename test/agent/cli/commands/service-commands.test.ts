import { afterEach, describe, expect, it } from 'vitest';
import { serviceRunnerFactory } from '../../../../agent/cli/commands/service-commands.js';
import { DriverError } from '../../../../agent/driver/driver-error.js';
import type { PsRunner } from '../../../../agent/driver/powershell/runner.js';
import { loadRecording, ReplayingRunner } from '../../driver/powershell/replaying-runner.js';
import { avma, isOneLineError } from '../cli-harness.js';

const ROOT = [
  '--agent-root',
  'C:\\Program Files\\avma-agent',
  '--node',
  'C:\\Program Files\\nodejs\\node.exe',
];
const original = serviceRunnerFactory.open;

function useRunner(runner: PsRunner): void {
  serviceRunnerFactory.open = async () => runner;
}

describe('avma service install / uninstall / status', () => {
  afterEach(() => {
    serviceRunnerFactory.open = original;
  });

  it('--dry-run prints every step with the files it would write, sends only the probe, and says nothing changed', async () => {
    const [probe] = loadRecording('service-install-fresh.recording.json').steps;
    const runner = new ReplayingRunner(probe === undefined ? [] : [probe]);
    useRunner(runner);
    const run = await avma(['service', 'install', '--dry-run', ...ROOT]);
    await runner.close();
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('avma service install --dry-run: 19 steps above; nothing was changed\n');
    expect(run.stderr).toContain('4/19 write C:\\ProgramData\\avma-agent\\agent.json (UTF-8, ');
    expect(run.stderr).toContain('    |   <argument>--event-log-source</argument>');
    expect(run.stderr).toContain(
      'C:\\Windows\\System32\\sc.exe config avma-agent obj= "NT SERVICE\\avma-agent"',
    );
    expect(run.stderr).toMatch(/19\/19 Start-Service avma-agent\n$/);
  });

  it('--dry-run on a machine without PowerShell shows a fresh host’s steps instead of failing', async () => {
    useRunner({
      run: async () => {
        throw new DriverError(
          'HOST_UNAVAILABLE',
          'service-probe on the local host: cannot start the shell: spawn powershell ENOENT',
        );
      },
      close: async () => {},
    });
    const run = await avma(['service', 'uninstall', '--dry-run']);
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(
      /^\(cannot look at this machine: .*showing the steps for a fresh Windows host\)\n/,
    );
  });

  it('installs over an existing service and tells where the data is; refuses bad options in one line', async () => {
    const runner = new ReplayingRunner(loadRecording('service-reinstall.recording.json').steps);
    useRunner(runner);
    const run = await avma(['service', 'install', ...ROOT]);
    await runner.close();
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(
      'installed the avma-agent service (NT SERVICE\\avma-agent, delayed automatic start, restarted after a failure); configuration, database and logs in C:\\ProgramData\\avma-agent\n',
    );
    for (const args of [
      ['service', 'install', '--account', 'Administrator', ...ROOT],
      ['service', 'install', '--data-folder', 'relative\\folder', ...ROOT],
      ['service', 'uninstall', '--data-folder', 'C:\\a"b'],
    ]) {
      expect(isOneLineError(await avma(args)), args.join(' ')).toBe(true);
    }
  });

  it('status: JSON from the probe, exit 0 while it runs', async () => {
    const [probe] = loadRecording('service-uninstall.recording.json').steps;
    const runner = new ReplayingRunner(probe === undefined ? [] : [probe]);
    useRunner(runner);
    const run = await avma(['service', 'status', '--json']);
    await runner.close();
    expect(run.code).toBe(0);
    expect(run.json()).toMatchObject({
      installed: true,
      state: 'Running',
      account: 'NT SERVICE\\avma-agent',
    });
  });
});
