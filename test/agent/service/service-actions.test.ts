import { describe, expect, it } from 'vitest';
import type { RecordedStep } from '../../../agent/driver/powershell/recording.js';
import { accountName, WELL_KNOWN_SIDS } from '../../../agent/service/host-service-config.js';
import { installService, serviceStatus, uninstallService } from '../../../agent/service/service-actions.js';
import { planInstall, type ServiceStep } from '../../../agent/service/service-plan.js';
import { ServiceFacts } from '../../../agent/service/service-probe.js';
import { loadRecording, ReplayingRunner } from '../driver/powershell/replaying-runner.js';

const OPTIONS = {
  agentRoot: 'C:\\Program Files\\avma-agent',
  nodePath: 'C:\\Program Files\\nodejs\\node.exe',
  account: 'virtual',
} as const;
const DATA = 'C:\\ProgramData\\avma-agent';

function replay(file: string, edit: (steps: RecordedStep[]) => RecordedStep[] = (steps) => steps) {
  const runner = new ReplayingRunner(edit(loadRecording(file).steps));
  const printed: string[] = [];
  return {
    runner,
    printed,
    run: { runner, dataFolder: null, dryRun: false, print: (text: string) => printed.push(text) },
  };
}

/** Steps that write, copy to or delete `path` itself (the XML merely naming agent.json does not count). */
const changes = (steps: readonly ServiceStep[], path: string) =>
  steps.filter((step) => ('Path' in step && step.Path === path) || ('To' in step && step.To === path));

function probeWith(steps: RecordedStep[], change: Record<string, unknown>): RecordedStep[] {
  const probe = steps[0] as RecordedStep;
  const facts = (probe.output as { ok: Record<string, unknown> }).ok;
  return [{ ...probe, output: { ok: { ...facts, ...change } } }];
}

describe('agent/service/service-actions (recorded runs)', () => {
  it('installs on a fresh host: folders, agent.json, the WinSW wrapper, delayed start, recovery, the virtual account in both groups, the ACLs, the event source, then starts it', async () => {
    const { runner, run } = replay('service-install-fresh.recording.json');
    const outcome = await installService(run, OPTIONS);
    await runner.close();
    const actions = outcome.steps.map((step) => step.Action);
    expect(actions[0]).toBe('create-folder');
    expect(actions.at(-1)).toBe('start-service');
    expect(outcome.finalState).toBe('Running');
    const runs = outcome.steps.flatMap((step) => (step.Action === 'run' ? [step.Arguments.join(' ')] : []));
    expect(runs).toEqual([
      'install',
      'config avma-agent start= delayed-auto',
      'sidtype avma-agent unrestricted',
      'config avma-agent obj= NT SERVICE\\avma-agent',
      'failure avma-agent reset= 86400 actions= restart/10000/restart/30000/restart/120000',
      'failureflag avma-agent 1',
    ]);
    const groups = outcome.steps.flatMap((step) =>
      step.Action === 'add-group-member' ? [step.GroupSid] : [],
    );
    expect(groups).toEqual([WELL_KNOWN_SIDS.hyperVAdministrators, WELL_KNOWN_SIDS.eventLogReaders]);
    const acl = outcome.steps.find((step) => step.Action === 'protect-folder' && step.Path === DATA);
    expect(acl).toMatchObject({
      Grants: [
        { Account: WELL_KNOWN_SIDS.administrators, Rights: 'FullControl' },
        { Account: accountName('virtual'), Rights: 'Modify' },
      ],
    });
    // The ACL is set once the service (and so its account) exists, and before the service starts.
    expect(actions.indexOf('protect-folder')).toBeGreaterThan(actions.indexOf('run'));
    const config = outcome.steps.find(
      (step) => step.Action === 'write-file' && step.Path === `${DATA}\\agent.json`,
    );
    expect(config).toBeDefined();
    // Paths, the XML and account names travel only inside the base64 request.
    expect(runner.sent.join('\n')).not.toMatch(/NT SERVICE|ProgramData\\avma-agent|<service>|"driver"/);
    expect(runner.sent).toHaveLength(outcome.steps.length + 1);
  });

  it('re-installs over a running install: stops and replaces the service, keeps agent.json, the database and the logs', async () => {
    const { runner, run, printed } = replay('service-reinstall.recording.json');
    const outcome = await installService(run, OPTIONS);
    await runner.close();
    expect(outcome.steps.slice(0, 2).map((step) => step.Action)).toEqual(['stop-service', 'delete-service']);
    expect(changes(outcome.steps, `${DATA}\\agent.json`)).toEqual([]);
    expect(changes(outcome.steps, `${DATA}\\avma.sqlite`)).toEqual([]);
    expect(changes(outcome.steps, `${DATA}\\logs\\agent.log`)).toEqual([]);
    expect(outcome.steps.filter((step) => step.Action === 'remove-folder')).toEqual([]);
    expect(printed).toContain(`keeping ${DATA}\\agent.json`);
    expect(printed).toContain(`keeping ${DATA}\\avma.sqlite`);
  });

  it('uninstalls and keeps the data folder; with --remove-data deletes it and the event source', async () => {
    const kept = replay('service-uninstall.recording.json');
    const outcome = await uninstallService(kept.run, false);
    await kept.runner.close();
    expect(outcome.steps.map((step) => step.Action)).toEqual([
      'stop-service',
      'remove-group-member',
      'remove-group-member',
      'delete-service',
      'remove-folder',
    ]);
    expect(outcome.steps.at(-1)).toEqual({ Action: 'remove-folder', Path: `${DATA}\\service` });
    expect(kept.printed.join('\n')).toContain(`keeping ${DATA} (configuration, database, logs)`);

    const removed = replay('service-uninstall-remove-data.recording.json');
    const all = await uninstallService(removed.run, true);
    await removed.runner.close();
    expect(all.steps.slice(-2)).toEqual([
      { Action: 'remove-folder', Path: DATA },
      { Action: 'remove-event-source', Source: 'avma-agent' },
    ]);
  });

  it('refuses without elevation or without the wrapper before changing anything', async () => {
    const notAdmin = replay('service-install-fresh.recording.json', (steps) =>
      probeWith(steps, { IsAdministrator: false }),
    );
    await expect(installService(notAdmin.run, OPTIONS)).rejects.toMatchObject({ code: 'NOT_ADMINISTRATOR' });
    await notAdmin.runner.close();
    const winsw = `${OPTIONS.agentRoot}\\node_modules\\node-windows\\bin\\winsw\\winsw.exe`;
    const missing = replay('service-install-fresh.recording.json', (steps) =>
      probeWith(steps, { MissingFiles: [winsw] }),
    );
    await expect(installService(missing.run, OPTIONS)).rejects.toThrow(
      `missing on this host: ${winsw}; the wrapper comes from the optional, Windows-only dependency node-windows`,
    );
    await missing.runner.close();
  });

  it('stops at a failed step, naming it and what the host said', async () => {
    const { runner, run } = replay('service-reinstall.recording.json', (steps) => [
      steps[0] as RecordedStep,
      {
        ...(steps[1] as RecordedStep),
        output: {
          error: {
            message: 'Cannot stop service avma-agent: access denied',
            type: 'System.InvalidOperationException',
            id: 'x',
          },
        },
      },
    ]);
    await expect(installService(run, OPTIONS)).rejects.toMatchObject({
      code: 'STEP_FAILED',
      message: expect.stringMatching(/^step 1 of 20 \(stop-service\) failed: .*access denied/),
    });
    await runner.close();
  });

  it('reports the status from the probe', async () => {
    const { runner } = replay('service-uninstall.recording.json', (steps) => [steps[0] as RecordedStep]);
    expect(await serviceStatus(runner, null)).toEqual({
      installed: true,
      state: 'Running',
      startMode: 'Auto (delayed)',
      account: 'NT SERVICE\\avma-agent',
      dataFolder: DATA,
      config: `${DATA}\\agent.json`,
      database: `${DATA}\\avma.sqlite`,
      logFile: `${DATA}\\logs\\agent.log`,
      eventSource: 'registered',
    });
    await runner.close();
  });

  it('moving a virtual-account install to LocalSystem takes the old account out of both groups first', async () => {
    const probe = loadRecording('service-reinstall.recording.json').steps[0] as RecordedStep;
    const facts = ServiceFacts.parse((probe.output as { ok: unknown }).ok);
    const steps = planInstall(facts, { ...OPTIONS, account: 'LocalSystem' });
    expect(steps.slice(0, 4).map((step) => step.Action)).toEqual([
      'remove-group-member',
      'remove-group-member',
      'stop-service',
      'delete-service',
    ]);
    expect(steps.filter((step) => step.Action === 'add-group-member')).toEqual([]);
    expect(steps.find((step) => step.Action === 'protect-folder')).toMatchObject({
      Grants: [
        { Account: WELL_KNOWN_SIDS.administrators, Rights: 'FullControl' },
        { Account: WELL_KNOWN_SIDS.localSystem, Rights: 'Modify' },
      ],
    });
  });
});
