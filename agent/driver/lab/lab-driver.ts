/**
 * The lab driver (`driver: lab`, the default): a `HypervDriver` over one host of a simulated lab. It
 * follows WMI's rules for KVP writes (Msvm_VirtualSystemManagementService AddKvpItems/ModifyKvpItems/
 * RemoveKvpItems: at most 128 items, all-or-nothing, add fails on an existing key, modify and remove
 * fail on a missing one) and answers every call of a host that is down with HOST_UNAVAILABLE.
 */
import { encodeKvpItem, isKvpError, KVP_MAX_ITEMS_PER_CALL } from 'hyperv-kvp';
import { z } from 'zod';
import type { LabHost } from '../../lab/host-model.js';
import { Lab } from '../../lab/lab.js';
import { LabError } from '../../lab/lab-error.js';
import { defaultScenario, loadScenarioFile } from '../../lab/scenario-loader.js';
import type { LabVm } from '../../lab/vm-model.js';
import { DriverError } from '../driver-error.js';
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

const MAX_EVENT_IDS = 64;
const DEFAULT_MAX_EVENTS = 1000;

function invalid(message: string): DriverError {
  return new DriverError('INVALID_ARGUMENT', message);
}

/** Checks one KVP call's items as WMI would: count, types, wire limits; no key twice in one call. */
function checkItems(items: readonly KvpWriteItem[], withData: boolean): void {
  if (!Array.isArray(items)) throw invalid('items is not an array, expected up to 128 KVP items');
  if (items.length > KVP_MAX_ITEMS_PER_CALL) {
    throw invalid(`${items.length} items in one call, expected at most ${KVP_MAX_ITEMS_PER_CALL}`);
  }
  const seen = new Set<string>();
  items.forEach((item, index) => {
    const name = (item as { name?: unknown } | null)?.name;
    const data = withData ? (item as { data?: unknown }).data : '';
    if (typeof name !== 'string' || typeof data !== 'string') {
      throw invalid(`item ${index}: expected a string name${withData ? ' and a string data' : ''}`);
    }
    try {
      encodeKvpItem({ name, data, source: 0 });
    } catch (error) {
      if (isKvpError(error)) throw invalid(`item ${index}: ${error.reason}`);
      throw error;
    }
    // WMI's behaviour for a key repeated in one call is UNCONFIRMED; the lab refuses the call.
    if (seen.has(name)) throw invalid(`item ${index}: key "${name.slice(0, 60)}" appears twice in one call`);
    seen.add(name);
  });
}

/** A connection to one lab host; every method rejects with `DriverError`. */
export class LabDriver implements HypervDriver {
  readonly kind = 'lab';
  readonly hostName: string;
  readonly capabilities: DriverCapabilities = Object.freeze({
    kvpWrite: true,
    events: true,
    setDataExchange: true,
    guestExec: false,
  });
  readonly lab: Lab;
  #closed = false;

  constructor(lab: Lab, hostName: string) {
    this.lab = lab;
    this.hostName = lab.host(hostName).name;
  }

  #host(): LabHost {
    if (this.#closed)
      throw new DriverError('OPERATION_INVALID', `the lab connection to ${this.hostName} is closed`);
    const host = this.lab.host(this.hostName);
    if (!host.up) throw new DriverError('HOST_UNAVAILABLE', `host ${host.name} does not answer (host down)`);
    return host;
  }

  #vm(vmId: string): { host: LabHost; vm: LabVm } {
    const host = this.#host();
    const vm = typeof vmId === 'string' ? this.lab.findVm(vmId) : undefined;
    if (vm === undefined || vm.hostName !== host.name) {
      throw new DriverError('NO_VM', `no VM with id "${String(vmId).slice(0, 40)}" on host ${host.name}`);
    }
    return { host, vm };
  }

  async hostInfo(): Promise<HostInfo> {
    const host = this.#host();
    return host.info(this.lab.clusterNodes(host).map((node) => node.name));
  }

  async listVms(): Promise<RawVm[]> {
    const host = this.#host();
    return this.lab.vmsOn(host.name).map((vm) => vm.raw());
  }

  async addKvpItems(vmId: string, items: readonly KvpWriteItem[]): Promise<void> {
    const { host, vm } = this.#vm(vmId);
    checkItems(items, true);
    const existing = items.findIndex((item) => vm.hostItems.has(item.name));
    if (existing >= 0) {
      throw new DriverError(
        'KEY_EXISTS',
        `item ${existing}: key "${items[existing]?.name}" already exists on ${vm.name}`,
      );
    }
    vm.writeHostItems(
      items.map((item) => [item.name, item.data] as const),
      [],
      host,
    );
  }

  async modifyKvpItems(vmId: string, items: readonly KvpWriteItem[]): Promise<void> {
    const { host, vm } = this.#vm(vmId);
    checkItems(items, true);
    this.#requireExisting(
      vm,
      items.map((item) => item.name),
    );
    vm.writeHostItems(
      items.map((item) => [item.name, item.data] as const),
      [],
      host,
    );
  }

  async removeKvpItems(vmId: string, names: readonly string[]): Promise<void> {
    const { host, vm } = this.#vm(vmId);
    if (!Array.isArray(names)) throw invalid('names is not an array, expected up to 128 keys');
    checkItems(
      names.map((name) => ({ name, data: '' })),
      false,
    );
    this.#requireExisting(vm, names);
    vm.writeHostItems([], names, host);
  }

  #requireExisting(vm: LabVm, names: readonly string[]): void {
    const missing = names.findIndex((name) => !vm.hostItems.has(name));
    if (missing >= 0) {
      throw new DriverError(
        'KEY_NOT_FOUND',
        `item ${missing}: key "${names[missing]}" does not exist on ${vm.name}`,
      );
    }
  }

  async readEvents(request: ReadEventsRequest): Promise<HostEvent[]> {
    const host = this.#host();
    const { ids, afterRecordId } = request;
    const max = request.max ?? DEFAULT_MAX_EVENTS;
    if (
      !Array.isArray(ids) ||
      ids.length > MAX_EVENT_IDS ||
      !ids.every((id) => Number.isInteger(id) && id >= 0)
    ) {
      throw invalid(`ids must be up to ${MAX_EVENT_IDS} event ids (integers >= 0)`);
    }
    if (!Number.isSafeInteger(afterRecordId) || afterRecordId < 0) {
      throw invalid(`afterRecordId is ${String(afterRecordId)}, expected an integer >= 0`);
    }
    if (!Number.isSafeInteger(max) || max < 1)
      throw invalid(`max is ${String(max)}, expected an integer >= 1`);
    return host.log.read(ids, afterRecordId, max).map((record) => ({ ...record, data: { ...record.data } }));
  }

  async setDataExchange(vmId: string, enabled: boolean): Promise<void> {
    const { vm } = this.#vm(vmId);
    if (typeof enabled !== 'boolean') throw invalid('enabled must be true or false');
    this.lab.setDataExchange(vm, enabled);
  }

  async close(): Promise<void> {
    this.#closed = true;
  }
}

const labOptionsSchema = z
  .strictObject({
    /** An existing lab (tests, `avma lab run`); otherwise one is built from the scenario. */
    lab: z.custom<Lab>((value) => value instanceof Lab, 'expected a Lab').optional(),
    scenarioFile: z.string().min(1).optional(),
    seed: z.number().int().optional(),
  })
  .optional();

async function buildLab(scenarioFile: string | undefined, seed: number | undefined): Promise<Lab> {
  try {
    const scenario = scenarioFile === undefined ? defaultScenario() : await loadScenarioFile(scenarioFile);
    return await Lab.create(scenario, seed === undefined ? {} : { seed });
  } catch (error) {
    if (error instanceof LabError) throw invalid(error.message);
    throw error;
  }
}

/**
 * One lab driver per configured host. Options: `lab` (use this lab), else `scenarioFile` (default: the
 * bundled default scenario) and `seed`. Rejects with `DriverError` INVALID_ARGUMENT for bad options or
 * a host the lab does not have, naming the hosts it has.
 */
export async function createDrivers(config: DriverConfig): Promise<HypervDriver[]> {
  const parsed = labOptionsSchema.safeParse(config.options);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw invalid(`lab driver options: ${issue?.path.join('.') ?? ''} ${issue?.message ?? 'invalid'}`.trim());
  }
  const options = parsed.data ?? {};
  const lab = options.lab ?? (await buildLab(options.scenarioFile, options.seed));
  const names = config.hosts ?? lab.hosts().map((host) => host.name);
  const known = lab.hosts().map((host) => host.name);
  return names.map((name) => {
    if (lab.findHost(name) === undefined) {
      throw invalid(`unknown lab host "${String(name).slice(0, 40)}", expected one of ${known.join(', ')}`);
    }
    return new LabDriver(lab, name);
  });
}
