/**
 * The lab implementation of `GuestPlatform`: the guest agent of every lab VM with `guestAgent: true`
 * runs against this, so the lab exercises the real agent code. It reads and writes the VM's simulated
 * registry keys (`External`, `Guest`, `Guest\Parameters`), installs keys under the SPP rules of a real
 * Windows (`slmgr /ipk` refuses a key for another edition or version with 0xC004F069), activates
 * through the lab (an AVMA key asks the host), and reads the simulated SoftwareLicensingProduct and
 * Application log, all on the lab's clock.
 */
import { encodeKvpItem, isKvpError, isServerVersion } from 'hyperv-kvp';
import {
  type GuestActivationEvent,
  type GuestOsFacts,
  type GuestPlatform,
  GuestPlatformError,
  type LicenseFacts,
} from '../../guest/platform/guest-platform.js';
import { AVMA_GUEST_EVENT_ID } from './activation.js';
import { LabError } from './lab-error.js';
import type { WindowsGuest } from './lab-guest.js';
import type { KeyInstallResult } from './product-keys.js';
import type { LabVm } from './vm-model.js';

/**
 * The guest as it was at an earlier simulated time, for a guest-agent pass the lab deferred
 * (lab-agents.ts): the licence facts, the newest Application log record and the `External` key of
 * that time. Such a pass may only read and write its Guest items; anything else is refused.
 */
export interface GuestAsAt {
  readonly time: number;
  readonly license: LicenseFacts;
  readonly lastRecordId: number;
  readonly external: ReadonlyMap<string, string>;
}

/** What the platform needs from the lab (the `Lab` class provides it). */
export interface LabGuestServices {
  now(): number;
  installKey(vm: LabVm, key: string): KeyInstallResult;
  activate(vm: LabVm): { readonly ok: boolean; readonly hresult: string | null; readonly message: string };
}

/** `GuestPlatform` over one lab VM; every method rejects with `GuestPlatformError`. */
export class LabGuestPlatform implements GuestPlatform {
  readonly #lab: LabGuestServices;
  readonly #vm: LabVm;
  readonly #guest: WindowsGuest;
  #asAt: GuestAsAt | null = null;
  #lastLicense: LicenseFacts | null = null;

  /** Throws `LabError` INVALID_ARGUMENT for a VM whose guest is not Windows (the agent is Windows-only). */
  constructor(lab: LabGuestServices, vm: LabVm) {
    if (vm.guest.kind !== 'windows') {
      throw new LabError(
        'INVALID_ARGUMENT',
        `${vm.name} runs Linux; the guest agent runs on Windows guests only`,
      );
    }
    this.#lab = lab;
    this.#vm = vm;
    this.#guest = vm.guest;
  }

  /** While set, the platform answers as the guest was at `asAt.time` (a deferred pass). */
  set asAt(asAt: GuestAsAt | null) {
    this.#asAt = asAt;
  }

  async readExternalItems(): Promise<ReadonlyMap<string, string>> {
    return this.#asAt?.external ?? this.#vm.externalCopy();
  }

  async readGuestItems(): Promise<ReadonlyMap<string, string>> {
    return this.#vm.guestCopy();
  }

  /** `Guest\Parameters`: what the host wrote about itself (lab extra, not part of GuestPlatform). */
  async readHostParameters(): Promise<ReadonlyMap<string, string>> {
    return new Map(this.#vm.parameters);
  }

  /**
   * Rejects with COMMAND_FAILED for a name or value the KVP wire cannot carry (over 255/1023 UTF-16
   * units, NUL, lone surrogates): such a value would never reach the host.
   */
  async writeGuestItem(name: string, value: string): Promise<void> {
    let xml: string;
    try {
      xml = encodeKvpItem({ name, data: value, source: 1 });
    } catch (error) {
      if (!isKvpError(error)) throw error;
      throw new GuestPlatformError('COMMAND_FAILED', `cannot write Guest item: ${error.reason}`);
    }
    this.#vm.writeGuestItem(name, value, xml);
  }

  async deleteGuestItem(name: string): Promise<void> {
    this.#refuseWhenDeferred('delete a Guest item');
    this.#vm.deleteGuestItem(name);
  }

  async osFacts(): Promise<GuestOsFacts> {
    const guest = this.#guest;
    return Object.freeze({
      os: guest.os,
      version: isServerVersion(guest.version) && guest.os === 'windows-server' ? guest.version : null,
      edition: guest.edition,
      evaluation: guest.evaluation,
    });
  }

  /** Rejects with KEY_REJECTED and the HRESULT slmgr prints (0xC004F069, 0xC004F050); the key stays. */
  async installProductKey(key: string): Promise<void> {
    this.#refuseWhenDeferred('install a key');
    const result = this.#lab.installKey(this.#vm, key);
    if (!result.ok)
      throw new GuestPlatformError('KEY_REJECTED', `slmgr /ipk: ${result.message}`, result.hresult);
  }

  /** Rejects with COMMAND_FAILED and the HRESULT when activation fails (e.g. 0xC004FD02). */
  async activate(): Promise<void> {
    this.#refuseWhenDeferred('activate');
    const result = this.#lab.activate(this.#vm);
    if (!result.ok) {
      throw new GuestPlatformError('COMMAND_FAILED', `slmgr /ato: ${result.message}`, result.hresult);
    }
  }

  async licenseFacts(): Promise<LicenseFacts> {
    this.#lastLicense = this.#asAt?.license ?? this.#guest.spp.licenseFacts(this.#lab.now());
    return this.#lastLicense;
  }

  /** The licence facts the agent last read, `null` before its first read (lab bookkeeping). */
  get lastLicenseFacts(): LicenseFacts | null {
    return this.#lastLicense;
  }

  async readActivationEvents(afterRecordId: number): Promise<GuestActivationEvent[]> {
    const newest = this.#asAt?.lastRecordId ?? Number.MAX_SAFE_INTEGER;
    return this.#guest.log
      .read([AVMA_GUEST_EVENT_ID], afterRecordId, Number.MAX_SAFE_INTEGER)
      .filter((record) => record.recordId <= newest)
      .map((record) =>
        Object.freeze({ recordId: record.recordId, time: record.time, message: record.message }),
      );
  }

  async loadState(): Promise<string | null> {
    return this.#guest.agentState;
  }

  async saveState(state: string): Promise<void> {
    this.#refuseWhenDeferred('save its state');
    this.#guest.agentState = state;
  }

  now(): Date {
    return new Date(this.#asAt?.time ?? this.#lab.now());
  }

  /** A deferred pass that tries more than a status refresh was mispredicted; its report shows this. */
  #refuseWhenDeferred(what: string): void {
    if (this.#asAt !== null) {
      throw new GuestPlatformError('COMMAND_FAILED', `a deferred pass cannot ${what}`);
    }
  }
}
