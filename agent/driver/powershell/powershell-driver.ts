import { DriverError, unsupported } from '../driver-error.js';
import type {
  DriverCapabilities,
  HostEvent,
  HostInfo,
  HypervDriver,
  KvpWriteItem,
  RawVm,
  ReadEventsRequest,
} from '../hyperv-driver.js';
import type { DriverConfig } from '../registry.js';
import {
  optionsForHost,
  type PowerShellDriverOptions,
  type ResolvedDriverOptions,
  resolveDriverOptions,
} from './driver-options.js';
import { DryRunRunner } from './dry-run-runner.js';
import { eventsFromList } from './events.js';
import { hostInfoFromFacts } from './host-facts.js';
import { type InventoryProblem, vmsFromInventory } from './inventory.js';
import {
  dataExchangeRequest,
  type KvpWriteSettings,
  kvpRemoveRequest,
  kvpWriteRequest,
  readEventsRequest,
} from './requests.js';
import { type PsRequest, type PsRunner, ShellRunner } from './runner.js';
import { loadScriptCatalog, type ScriptCatalog } from './script-catalog.js';
import { nodePowerShellFactory } from './shell.js';
import { checkDataExchangeResult, checkWriteResult } from './write-results.js';

export type { PowerShellDriverOptions } from './driver-options.js';

const CAPABILITIES: DriverCapabilities = Object.freeze({
  kvpWrite: true,
  events: true,
  setDataExchange: true,
  // PowerShell Direct (Invoke-Command -VMName) needs guest credentials from a protected store; not built.
  guestExec: false,
});

function reportOnStderr(problem: InventoryProblem): void {
  const vm = problem.vmId === null ? `VM #${problem.index}` : `VM ${problem.vmId}`;
  process.stderr.write(`avma: powershell driver: list-vms: ${vm} ${problem.reason}\n`);
}

/**
 * The driver against a real Hyper-V host, through one PowerShell process per host (node-powershell).
 * A sweep costs three invocations (host-info, list-vms, read-events) whatever the number of VMs.
 */
export class PowerShellDriver implements HypervDriver {
  readonly kind = 'powershell';
  readonly capabilities = CAPABILITIES;
  readonly hostName: string;
  readonly #settings: KvpWriteSettings;
  readonly #report: (problem: InventoryProblem) => void;
  #closed = false;

  constructor(
    private readonly runner: PsRunner,
    resolved: ResolvedDriverOptions,
    onInventoryProblem: ((problem: InventoryProblem) => void) | undefined,
  ) {
    this.hostName = resolved.hostName;
    this.#settings = Object.freeze({
      api: resolved.kvpWriteApi,
      jobTimeoutSeconds: resolved.jobTimeoutSeconds,
    });
    this.#report = onInventoryProblem ?? reportOnStderr;
  }

  /** The runner's result for `request`; OPERATION_INVALID once the driver is closed. */
  #run(request: PsRequest): Promise<unknown> {
    if (this.#closed) {
      return Promise.reject(
        new DriverError('OPERATION_INVALID', `the PowerShell connection to ${this.hostName} is closed`),
      );
    }
    return this.runner.run(request);
  }

  /** Host facts; rejects with DriverError (BAD_RESPONSE for output of another shape). */
  async hostInfo(): Promise<HostInfo> {
    return hostInfoFromFacts(await this.#run({ operation: 'host-info', arguments: {} }));
  }

  /** All VMs in one invocation; odd VMs are reported and left out (see vmsFromInventory). */
  async listVms(): Promise<RawVm[]> {
    return vmsFromInventory(await this.#run({ operation: 'list-vms', arguments: {} }), this.#report);
  }

  /** AddKvpItems; KEY_EXISTS when any key is already a host item, NO_VM for an unknown VM. */
  async addKvpItems(vmId: string, items: readonly KvpWriteItem[]): Promise<void> {
    const request = kvpWriteRequest('add-kvp', vmId, items, this.#settings);
    checkWriteResult('add-kvp', String(request.arguments.VmId), await this.#run(request));
  }

  /** ModifyKvpItems; KEY_NOT_FOUND when any key is not a host item. */
  async modifyKvpItems(vmId: string, items: readonly KvpWriteItem[]): Promise<void> {
    const request = kvpWriteRequest('modify-kvp', vmId, items, this.#settings);
    checkWriteResult('modify-kvp', String(request.arguments.VmId), await this.#run(request));
  }

  /** RemoveKvpItems; KEY_NOT_FOUND when any key is not a host item. */
  async removeKvpItems(vmId: string, names: readonly string[]): Promise<void> {
    const request = kvpRemoveRequest(vmId, names, this.#settings);
    checkWriteResult('remove-kvp', String(request.arguments.VmId), await this.#run(request));
  }

  /**
   * Events after the bookmark, oldest first; BAD_RESPONSE if the host answers another question. No ids
   * means no events, without asking the host.
   */
  async readEvents(request: ReadEventsRequest): Promise<HostEvent[]> {
    const { request: psRequest, max } = readEventsRequest(request);
    if ((psRequest.arguments.EventIds as readonly number[]).length === 0) {
      if (this.#closed)
        throw new DriverError('OPERATION_INVALID', `the PowerShell connection to ${this.hostName} is closed`);
      return [];
    }
    return eventsFromList(await this.#run(psRequest), request, max);
  }

  /** Enable-/Disable-VMIntegrationService on the KVP service; NO_VM, OPERATION_INVALID when absent. */
  async setDataExchange(vmId: string, enabled: boolean): Promise<void> {
    if (typeof enabled !== 'boolean')
      throw new DriverError('INVALID_ARGUMENT', 'enabled must be true or false');
    const request = dataExchangeRequest(vmId, enabled);
    checkDataExchangeResult(
      request.operation,
      String(request.arguments.VmId),
      enabled,
      await this.#run(request),
    );
  }

  /**
   * PowerShell Direct (`Invoke-Command -VMName`) is not built: it needs guest credentials from a
   * protected store. Always rejects with UNSUPPORTED (`capabilities.guestExec` is false).
   */
  async guestExec(_vmId: string, _script: string): Promise<never> {
    throw unsupported('powershell', 'guestExec (PowerShell Direct)');
  }

  /** Stops the shell (and with it the PSSession); later calls reject with OPERATION_INVALID. Idempotent. */
  async close(): Promise<void> {
    this.#closed = true;
    await this.runner.close();
  }
}

/**
 * Creates the PowerShell driver. Without `options.runner` it loads the scripts and node-powershell
 * (the shell itself starts on the first call). Rejects with DriverError 'INVALID_ARGUMENT' for bad
 * options and 'UNSUPPORTED' when the scripts are missing.
 */
export async function createPowerShellDriver(
  options: PowerShellDriverOptions = {},
  catalog: ScriptCatalog = loadScriptCatalog(),
): Promise<PowerShellDriver> {
  const resolved = resolveDriverOptions(options);
  let runner: PsRunner =
    options.runner ??
    new ShellRunner({
      catalog,
      startShell: await nodePowerShellFactory({ executable: resolved.executable }),
      computerName: resolved.computerName,
      timeoutMs: resolved.timeoutMs,
    });
  if (options.dryRun !== undefined)
    runner = new DryRunRunner(runner, catalog, resolved.computerName, options.dryRun);
  return new PowerShellDriver(runner, resolved, options.onInventoryProblem);
}

/**
 * The registry entry point: one driver per configured host (default: the local host only). Rejects
 * with DriverError 'INVALID_ARGUMENT' for bad options or host names, 'UNSUPPORTED' when the scripts are
 * missing. Every driver has its own shell; nothing runs until the first call.
 */
export async function createDrivers(config: DriverConfig): Promise<HypervDriver[]> {
  const hosts = config.hosts ?? ['localhost'];
  const catalog = loadScriptCatalog();
  const drivers: HypervDriver[] = [];
  for (const host of hosts)
    drivers.push(await createPowerShellDriver(optionsForHost(host, config.options), catalog));
  return drivers;
}
