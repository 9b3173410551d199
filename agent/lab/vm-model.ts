/**
 * One simulated VM: GUID (stable across renames and migrations), name, host, state, the Data Exchange
 * switch and the KVP pools:
 * - host items (`HostExchangeItems`, Source 0) live in the VM configuration and can be written in any
 *   state; the guest sees them in its External pool only while it runs with Data Exchange on;
 * - the guest's `Guest` and `External` registry keys live in the guest and move with it;
 * - intrinsic and guest items are visible to the host only while the VM runs with Data Exchange on
 *   ("The data is only available when the VM is running", kvp-and-powershell.md §0.3).
 * The CIM-XML of each list is cached until that list changes (the guest's Status changes every few
 * minutes, its intrinsic items almost never), so listing a large fleet renders only what changed.
 */
import { encodeKvpItem, KVP_SOURCE, type KvpSource } from 'hyperv-kvp';
import type { RawVm, VmState } from '../model/index.js';
import type { LabHost } from './host-model.js';
import { hostParameterItems, intrinsicItems, type KvpPair, OS_FACT_ITEM_NAMES } from './intrinsic-items.js';
import type { LabGuest } from './lab-guest.js';

export interface LabVmInit {
  readonly id: string;
  readonly name: string;
  readonly hostName: string;
  readonly state: VmState;
  readonly dataExchange: boolean;
  readonly tenant: string | null;
  readonly guest: LabGuest;
  readonly guestAgent: boolean;
  /** Configured virtual processors. */
  readonly vcpus: number;
  /** Configured (static) memory in MiB: what the VM is assigned while it holds memory. */
  readonly memoryMb: number;
}

/** States in which a VM holds its memory (Get-VM MemoryAssigned > 0); Off and Saved hold none. */
const HOLDS_MEMORY: ReadonlySet<VmState> = new Set([
  'Running',
  'Paused',
  'Starting',
  'Stopping',
  'Saving',
  'Pausing',
  'Resuming',
  'Reset',
]);
const MIB = 1024 * 1024;

const EMPTY: readonly string[] = Object.freeze([]);

/** An item's CIM-XML as last rendered, by item name: rendered again only when its value changed. */
type RenderedItems = Map<string, { readonly data: string; readonly xml: string | null }>;

/**
 * One copy of each OS-fact intrinsic item's text (OS name, version, build, edition: the same for all
 * VMs of one OS) for every lab VM, where each VM held its own: 14 of a Windows guest's 19 items, and
 * 25 MB of the live heap of a generated 8,000-VM fleet once listed (105 → 79 MB). Keyed by the text, so
 * it holds as many entries as the scenarios in the process have OS facts.
 */
const SHARED_OS_FACT_TEXT = new Map<string, string>();

function sharedOsFactText(xml: string): string {
  const shared = SHARED_OS_FACT_TEXT.get(xml);
  if (shared !== undefined) return shared;
  SHARED_OS_FACT_TEXT.set(xml, xml);
  return xml;
}

/**
 * The pool's items as CIM-XML instances. `rendered` keeps each item's text: a guest agent rewrites
 * its Status every few minutes while the ring items beside it stay, and Hyper-V's own rendering is
 * not what the lab measures (bench/sweep's cold listing clears it with `touch`).
 */
function render(pairs: Iterable<KvpPair>, source: KvpSource, rendered?: RenderedItems): readonly string[] {
  const out: string[] = [];
  for (const [name, data] of pairs) {
    let entry = rendered?.get(name);
    if (entry === undefined || entry.data !== data) {
      let xml: string | null = null;
      try {
        xml = encodeKvpItem({ name, data, source });
        if (source === KVP_SOURCE.GUEST_INTRINSIC_EXCHANGE_ITEMS && OS_FACT_ITEM_NAMES.has(name)) {
          xml = sharedOsFactText(xml);
        }
      } catch {
        // A value the KVP wire cannot carry (the lab refuses such writes) never reaches the host.
      }
      entry = { data, xml };
      rendered?.set(name, entry);
    }
    if (entry.xml !== null) out.push(entry.xml);
  }
  return Object.freeze(out);
}

/** A simulated VM with its KVP pools (see the file comment). */
export class LabVm {
  readonly id: string;
  readonly tenant: string | null;
  readonly guest: LabGuest;
  /** The scenario installed the guest agent in this VM. */
  readonly guestAgentInstalled: boolean;
  /** The agent service runs (false after `guest-agent-stop`). */
  agentRunning: boolean;
  /** Bumped at every boot and stop: scheduled work of an earlier boot sees the change and does nothing. */
  bootGeneration = 0;
  /** Bumped when the agent is stopped or started: an earlier tick loop ends. */
  agentGeneration = 0;
  #guestPoolVersion = 0;
  #externalVersion = 0;
  #name: string;
  #hostName: string;
  #state: VmState;
  #dataExchange: boolean;
  #vcpus: number;
  #memoryMb: number;
  readonly #hostItems = new Map<string, string>();
  readonly #external = new Map<string, string>();
  readonly #guestPool = new Map<string, string>();
  #parameters: ReadonlyMap<string, string> = new Map();
  #raw: RawVm | null = null;
  #intrinsicXml: readonly string[] | null = null;
  #guestXml: readonly string[] | null = null;
  readonly #guestItemsXml: RenderedItems = new Map();
  #hostXml: readonly string[] | null = null;
  #externalCopy: ReadonlyMap<string, string> | null = null;
  #guestCopy: ReadonlyMap<string, string> | null = null;

  constructor(init: LabVmInit) {
    this.id = init.id;
    this.#name = init.name;
    this.#hostName = init.hostName;
    this.#state = init.state;
    this.#dataExchange = init.dataExchange;
    this.#vcpus = init.vcpus;
    this.#memoryMb = init.memoryMb;
    this.tenant = init.tenant;
    this.guest = init.guest;
    this.guestAgentInstalled = init.guestAgent;
    this.agentRunning = init.guestAgent;
  }

  get name(): string {
    return this.#name;
  }

  get hostName(): string {
    return this.#hostName;
  }

  get state(): VmState {
    return this.#state;
  }

  get dataExchange(): boolean {
    return this.#dataExchange;
  }

  get vcpus(): number {
    return this.#vcpus;
  }

  get memoryMb(): number {
    return this.#memoryMb;
  }

  /** Reconfigures processors and memory (the caller enforces Hyper-V's rules on when it may). */
  resize(vcpus: number, memoryMb: number): void {
    this.#vcpus = vcpus;
    this.#memoryMb = memoryMb;
    this.#raw = null;
  }

  /** Running with Data Exchange on: the KVP service moves data both ways. */
  get exchanging(): boolean {
    return this.#state === 'Running' && this.#dataExchange;
  }

  set name(name: string) {
    this.#name = name;
    this.#raw = null;
  }

  set hostName(name: string) {
    this.#hostName = name;
    this.#raw = null;
  }

  set state(state: VmState) {
    this.#state = state;
    this.#raw = null;
  }

  set dataExchange(enabled: boolean) {
    this.#dataExchange = enabled;
    this.#raw = null;
  }

  /** Marks the guest's published data as changed (edition, addresses): everything is rendered again. */
  touch(): void {
    this.#raw = null;
    this.#intrinsicXml = null;
    this.#guestXml = null;
    this.#guestItemsXml.clear();
    this.#hostXml = null;
  }

  get hostItems(): ReadonlyMap<string, string> {
    return this.#hostItems;
  }

  /** Applies a host-side KVP write (already validated by the driver) and pushes it if exchanging. */
  writeHostItems(writes: readonly KvpPair[], removals: readonly string[], host: LabHost): void {
    for (const [name, data] of writes) this.#hostItems.set(name, data);
    for (const name of removals) this.#hostItems.delete(name);
    this.#raw = null;
    this.#hostXml = null;
    if (this.exchanging) this.syncFromHost(host);
  }

  /** The guest's `External` registry key (what it last received). */
  get externalPool(): ReadonlyMap<string, string> {
    return this.#external;
  }

  /** The guest's `Guest` registry key (what software in the guest wrote). */
  get guestPool(): ReadonlyMap<string, string> {
    return this.#guestPool;
  }

  /** Counts changes of the `Guest` key (the lab's guest agents tell an untouched key by it). */
  get guestPoolVersion(): number {
    return this.#guestPoolVersion;
  }

  /** Counts deliveries into the `External` key. */
  get externalVersion(): number {
    return this.#externalVersion;
  }

  /** The guest's `Guest\Parameters` key (what the host last wrote about itself). */
  get parameters(): ReadonlyMap<string, string> {
    return this.#parameters;
  }

  /**
   * Copies of the `External` and `Guest` keys as they are now, for software in the guest: a reader
   * never holds the live key, and the copy is made again only after the key changed (a guest agent
   * reads both every pass, and most passes change neither).
   */
  externalCopy(): ReadonlyMap<string, string> {
    this.#externalCopy ??= new Map(this.#external);
    return this.#externalCopy;
  }

  guestCopy(): ReadonlyMap<string, string> {
    this.#guestCopy ??= new Map(this.#guestPool);
    return this.#guestCopy;
  }

  /**
   * Software in the guest writes its `Guest` key (the guest agent, or a tenant). `xml`: the item's
   * CIM-XML when the writer already encoded it (the guest platform does, to refuse what the KVP wire
   * cannot carry), so the next listing does not encode the same Status again.
   */
  writeGuestItem(name: string, data: string, xml?: string): void {
    if (this.#guestPool.get(name) === data) return;
    this.#guestPool.set(name, data);
    if (xml !== undefined) this.#guestItemsXml.set(name, { data, xml });
    this.#guestPoolVersion += 1;
    this.#guestCopy = null;
    this.#raw = null;
    this.#guestXml = null;
  }

  /** Deletes a `Guest` value; deleting a missing one does nothing. */
  deleteGuestItem(name: string): void {
    if (!this.#guestPool.delete(name)) return;
    this.#guestItemsXml.delete(name);
    this.#guestPoolVersion += 1;
    this.#guestCopy = null;
    this.#raw = null;
    this.#guestXml = null;
  }

  /** The KVP service delivering the host's items and host parameters into the guest. */
  syncFromHost(host: LabHost): void {
    this.#external.clear();
    this.#externalVersion += 1;
    this.#externalCopy = null;
    for (const [name, data] of this.#hostItems) this.#external.set(name, data);
    this.#parameters = new Map(hostParameterItems(host, this.id, this.#name));
  }

  /** The VM as `listVms()` reports it; cached until something changes. Never throws. */
  raw(): RawVm {
    if (this.#raw !== null) return this.#raw;
    const exchanging = this.exchanging;
    if (exchanging) {
      this.#intrinsicXml ??= render(intrinsicItems(this.guest), 2);
      this.#guestXml ??= render(this.#guestPool, 1, this.#guestItemsXml);
    }
    this.#hostXml ??= render(this.#hostItems, 0);
    this.#raw = Object.freeze({
      id: this.id,
      name: this.#name,
      state: this.#state,
      dataExchange: this.#dataExchange,
      intrinsicItems: exchanging ? (this.#intrinsicXml as readonly string[]) : EMPTY,
      guestItems: exchanging ? (this.#guestXml as readonly string[]) : EMPTY,
      hostItems: this.#hostXml,
      processorCount: this.#vcpus,
      memoryAssignedBytes: HOLDS_MEMORY.has(this.#state) ? this.#memoryMb * MIB : null,
    });
    return this.#raw;
  }
}
