/**
 * `avma service install|uninstall|status` against a PowerShell runner: probe the host, plan, then one
 * `service-step` call per step (or, for a dry run, print the plan and change nothing). Tests drive the
 * same functions with recorded answers.
 */
import { DriverError } from '../driver/driver-error.js';
import type { PsRunner } from '../driver/powershell/runner.js';
import { hostServicePaths } from './host-service-config.js';
import { ServiceError } from './service-error.js';
import {
  describeStep,
  type InstallOptions,
  planInstall,
  planUninstall,
  requiredFiles,
  type ServiceStep,
} from './service-plan.js';
import { freshHostFacts, probeHost, type ServiceFacts } from './service-probe.js';

export interface ServiceRun {
  readonly runner: PsRunner;
  /** A data folder other than %ProgramData%\avma-agent. */
  readonly dataFolder: string | null;
  readonly dryRun: boolean;
  /** One line (or a file's text) of progress or dry-run output. */
  readonly print: (text: string) => void;
}

export interface ServiceOutcome {
  readonly facts: ServiceFacts;
  readonly steps: readonly ServiceStep[];
  /** For install: the service's state a few seconds after it was started (`Running`). */
  readonly finalState: string | null;
}

async function factsFor(run: ServiceRun, files: readonly string[]): Promise<ServiceFacts> {
  try {
    return await probeHost(run.runner, run.dataFolder, files);
  } catch (error) {
    if (!run.dryRun || !(error instanceof DriverError)) throw error;
    run.print(`(cannot look at this machine: ${error.message}; showing the steps for a fresh Windows host)`);
    return freshHostFacts(run.dataFolder);
  }
}

async function carryOut(run: ServiceRun, steps: readonly ServiceStep[]): Promise<string | null> {
  let detail: string | null = null;
  for (const [index, step] of steps.entries()) {
    const line = `${index + 1}/${steps.length} ${describeStep(step)}`;
    run.print(run.dryRun ? line : (line.split('\n')[0] ?? line));
    if (run.dryRun) continue;
    try {
      const answer = (await run.runner.run({ operation: 'service-step', arguments: { ...step } })) as {
        Status?: unknown;
        Detail?: unknown;
      } | null;
      if (answer?.Status !== 'done')
        throw new ServiceError('STEP_FAILED', `answered ${JSON.stringify(answer).slice(0, 200)}`);
      detail = typeof answer.Detail === 'string' ? answer.Detail : null;
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new ServiceError(
        'STEP_FAILED',
        `step ${index + 1} of ${steps.length} (${step.Action}) failed: ${reason}; steps before it were done, run the command again after fixing the cause`,
        { cause: error },
      );
    }
  }
  return detail;
}

export async function installService(run: ServiceRun, options: InstallOptions): Promise<ServiceOutcome> {
  const facts = await factsFor(run, requiredFiles(options));
  const steps = planInstall(facts, options, run.dryRun);
  const paths = hostServicePaths(facts.DataFolder);
  if (facts.Service !== null)
    run.print(
      `re-installing over the existing ${facts.Service.State.toLowerCase()} service; configuration and data are kept`,
    );
  if (facts.ConfigExists) run.print(`keeping ${paths.config}`);
  if (facts.DatabaseExists) run.print(`keeping ${paths.database}`);
  const finalState = await carryOut(run, steps);
  return { facts, steps, finalState: run.dryRun ? null : finalState };
}

export async function uninstallService(run: ServiceRun, removeData: boolean): Promise<ServiceOutcome> {
  const facts = await factsFor(run, []);
  const steps = planUninstall(facts, removeData, run.dryRun);
  if (!removeData && facts.DataFolderExists)
    run.print(`keeping ${facts.DataFolder} (configuration, database, logs); --remove-data deletes it`);
  await carryOut(run, steps);
  return { facts, steps, finalState: null };
}

export interface ServiceStatus {
  readonly installed: boolean;
  readonly state: string | null;
  readonly startMode: string | null;
  readonly account: string | null;
  readonly dataFolder: string;
  readonly config: string | null;
  readonly database: string | null;
  readonly logFile: string;
  readonly eventSource: ServiceFacts['EventSource'];
}

export async function serviceStatus(runner: PsRunner, dataFolder: string | null): Promise<ServiceStatus> {
  const facts = await probeHost(runner, dataFolder, []);
  const paths = hostServicePaths(facts.DataFolder);
  const service = facts.Service;
  const delayed = service?.DelayedAutoStart.toLowerCase() === 'true' ? ' (delayed)' : '';
  return {
    installed: service !== null,
    state: service?.State ?? null,
    startMode: service === null ? null : `${service.StartMode}${delayed}`,
    account: service?.StartName ?? null,
    dataFolder: facts.DataFolder,
    config: facts.ConfigExists ? paths.config : null,
    database: facts.DatabaseExists ? paths.database : null,
    logFile: paths.logFile,
    eventSource: facts.EventSource,
  };
}
