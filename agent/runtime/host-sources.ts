/**
 * The two host sources (host-source.ts): the lab — a simulated fleet, its drivers and its clock — and
 * real Hyper-V hosts through PowerShell. Chosen by the session's `driver`; everything above speaks
 * `HostSource` only.
 */
import { tenantResolver } from '../config/tenants.js';
import { DEFAULT_HOST_EVIDENCE_WINDOW_MS } from '../decide/licence-evidence.js';
import type { HypervDriver } from '../driver/hyperv-driver.js';
import { createDrivers } from '../driver/registry.js';
import { DEFAULT_SEED, Lab } from '../lab/lab.js';
import { LabError } from '../lab/lab-error.js';
import { defaultScenario, loadScenarioFile } from '../lab/scenario-loader.js';
import { describeError } from '../sweep/collector.js';
import type { SessionOptions } from './agent-session.js';
import { type DriverClock, type HostSource, WALL_CLOCK } from './host-source.js';
import { replayLab } from './lab-replay.js';
import { labUrlSource } from './lab-url-source.js';
import { RuntimeError } from './runtime-error.js';

/** A lab source, with the lab itself for the commands that are about the lab (`avma lab run`). */
export interface LabSource extends HostSource {
  readonly kind: 'lab';
  readonly lab: Lab;
}

async function drivers(options: SessionOptions, driverOptions: object): Promise<HypervDriver[]> {
  try {
    return await createDrivers({
      driver: options.driver,
      ...(options.hosts === undefined ? {} : { hosts: options.hosts }),
      options: driverOptions,
    });
  } catch (error) {
    throw new RuntimeError('DRIVER_UNAVAILABLE', describeError(error), { cause: error });
  }
}

async function buildLab(options: SessionOptions): Promise<Lab> {
  try {
    const scenario =
      options.scenario === undefined
        ? defaultScenario()
        : typeof options.scenario === 'string'
          ? await loadScenarioFile(options.scenario)
          : options.scenario;
    return await Lab.create(scenario, {
      seed: options.seed ?? DEFAULT_SEED,
      ...(options.labSettings === undefined ? {} : { settings: options.labSettings }),
      ...(options.guestAgentFactory === undefined ? {} : { guestAgentFactory: options.guestAgentFactory }),
    });
  } catch (error) {
    if (error instanceof LabError) throw new RuntimeError('INVALID_OPTIONS', error.message, { cause: error });
    throw error;
  }
}

/** The lab's simulated clock: it moves when told to, so the loop moves it with real time at `speed`. */
function labClock(lab: Lab): DriverClock {
  return {
    now: () => lab.now(),
    advanceTo: async (at) => {
      await lab.advanceTo(Math.max(lab.now(), at));
    },
    realWait: (intervalMs, speed) => intervalMs / speed,
    follow: async (start, realElapsedMs, speed) => {
      await lab.advanceTo(Math.max(lab.now(), start + realElapsedMs * speed));
    },
  };
}

async function labSource(options: SessionOptions): Promise<LabSource> {
  const lab = await buildLab(options);
  const labDrivers = await drivers(options, { lab });
  const scenario = typeof options.scenario === 'string' ? options.scenario : 'the bundled scenario';
  return {
    kind: 'lab',
    lab,
    drivers: labDrivers,
    clock: labClock(lab),
    tenantOf: (_host, vm) => lab.findVm(vm.id)?.tenant ?? null,
    evidenceWindowMs: lab.settings.avmaValidityMinutes * 60_000,
    describe: () => `lab driver, ${scenario} (${lab.hosts().length} hosts, ${lab.vms().length} VMs)`,
    resume: (store) => replayLab(lab, store),
    close: async () => {
      await Promise.allSettled(labDrivers.map((driver) => driver.close()));
    },
  };
}

async function powershellSource(options: SessionOptions): Promise<HostSource> {
  const psDrivers = await drivers(options, {
    ...options.powershell,
    ...(options.dryRun === undefined ? {} : { dryRun: options.dryRun }),
  });
  const resolve = tenantResolver(options.tenants ?? []);
  return {
    kind: 'powershell',
    drivers: psDrivers,
    clock: WALL_CLOCK,
    tenantOf: (_host, vm) => resolve(vm.name),
    evidenceWindowMs: DEFAULT_HOST_EVIDENCE_WINDOW_MS,
    describe: () => `powershell driver, hosts ${psDrivers.map((d) => d.hostName).join(', ')}`,
    resume: async () => null,
    close: async () => {
      await Promise.allSettled(psDrivers.map((driver) => driver.close()));
    },
  };
}

/**
 * The host source a session's options ask for. Validates the scenario and creates the drivers (which
 * connect lazily: nothing runs before the first call). Rejects with RuntimeError INVALID_OPTIONS or
 * DRIVER_UNAVAILABLE.
 */
export function openHostSource(options: SessionOptions): Promise<HostSource> {
  if (options.driver === 'lab' && options.labUrl !== undefined) {
    return labUrlSource({ ...options, labUrl: options.labUrl });
  }
  return options.driver === 'lab' ? labSource(options) : powershellSource(options);
}

/** The lab of a source, or `null` for real hosts. */
export function labOf(source: HostSource): Lab | null {
  // A lab server's source has no lab in this process.
  return source.kind === 'lab' ? ((source as Partial<LabSource>).lab ?? null) : null;
}
