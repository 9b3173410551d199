/**
 * An in-memory GuestPlatform for the guest agent tests: two KVP pools, a state string, and a minimal
 * model of the Software Protection rules the agent relies on (a test double, not the lab):
 * - `/ipk` of an Evaluation edition fails with 0xC004F069 (avma-facts §6b);
 * - `/ipk` of an AVMA key for another edition fails with 0xC004F069 (SL_E_MISMATCHED_PRODUCT_SKU);
 * - `/ato` with an AVMA key asks the host: the configured answer logs a 12309 record and, on success,
 *   makes the licence Licensed with a time-limited grace period and the host's name.
 */

import {
  type GuestActivationEvent,
  type GuestOsFacts,
  type GuestPlatform,
  GuestPlatformError,
  type LicenseFacts,
} from '../../guest/platform/guest-platform.js';
import { avmaKeyEntry } from '../../shared/avma/index.js';

export type HostAnswer = 'grant' | 'invalid-host' | 'host-not-activated' | 'denied';

const ANSWERS: Readonly<Record<HostAnswer, { notification: string; hresult: string }>> = {
  grant: { notification: 'AVMA Success', hresult: '0x00000000' },
  'invalid-host': { notification: 'Invalid Host', hresult: '0xC004FD01' },
  'host-not-activated': { notification: 'Invalid Host', hresult: '0xC004FD02' },
  denied: { notification: 'Activation Denied', hresult: '0xC004FD03' },
};

/** The licence channel of an installed key, as `SoftwareLicensingProduct.Description` shows it. */
export type FakeKeyChannel =
  | 'VIRTUAL_MACHINE_ACTIVATION'
  | 'VOLUME_KMSCLIENT'
  | 'RETAIL'
  | 'OEM_DM'
  | 'VOLUME_MAK';

const PRODUCT_KEY_CHANNEL: Readonly<Record<FakeKeyChannel, string | null>> = {
  VIRTUAL_MACHINE_ACTIVATION: null,
  VOLUME_KMSCLIENT: 'Volume:GVLK',
  RETAIL: 'Retail',
  OEM_DM: 'OEM:DM',
  VOLUME_MAK: 'Volume:MAK',
};

type Method = keyof GuestPlatform;

export class FakeGuestPlatform implements GuestPlatform {
  readonly external = new Map<string, string>();
  readonly guest = new Map<string, string>();
  state: string | null = null;
  os: GuestOsFacts = { os: 'windows-server', version: '2019', edition: 'standard', evaluation: false };
  hostAnswer: HostAnswer = 'grant';
  hostName = 'HV01';
  clock = new Date('2026-11-05T10:00:00.000Z');
  installedKey: string | null = null;
  keyChannel: FakeKeyChannel | null = null;
  licenseStatus = 2;
  graceMinutes = 43200;
  avmaHost: string | null = null;
  lastActivation: string | null = null;
  readonly events: GuestActivationEvent[] = [];
  /** Every call, in order, for assertions like "wrote nothing". */
  readonly calls: string[] = [];
  readonly #failures = new Map<Method, Error>();
  #nextRecordId = 1000;

  /** Make the next call of `method` reject with `error`. */
  failNext(method: Method, error: Error = new GuestPlatformError('COMMAND_FAILED', `${method} broke`)): void {
    this.#failures.set(method, error);
  }

  /** The tenant installs its own key (slmgr /ipk by hand). */
  tenantInstalls(key: string, channel: FakeKeyChannel): void {
    this.installedKey = key;
    this.keyChannel = channel;
  }

  /** An event the OS logged, e.g. a 12309 from an earlier boot. */
  logEvent(message: string, time = this.clock.toISOString()): GuestActivationEvent {
    const event = { recordId: this.#nextRecordId++, time, message };
    this.events.push(event);
    return event;
  }

  #enter(method: Method, detail = ''): void {
    this.calls.push(detail === '' ? method : `${method} ${detail}`);
    const failure = this.#failures.get(method);
    if (failure !== undefined) {
      this.#failures.delete(method);
      throw failure;
    }
  }

  async readExternalItems(): Promise<ReadonlyMap<string, string>> {
    this.#enter('readExternalItems');
    return new Map(this.external);
  }

  async readGuestItems(): Promise<ReadonlyMap<string, string>> {
    this.#enter('readGuestItems');
    return new Map(this.guest);
  }

  async writeGuestItem(name: string, value: string): Promise<void> {
    this.#enter('writeGuestItem', name);
    this.guest.set(name, value);
  }

  async deleteGuestItem(name: string): Promise<void> {
    this.#enter('deleteGuestItem', name);
    this.guest.delete(name);
  }

  async osFacts(): Promise<GuestOsFacts> {
    this.#enter('osFacts');
    return this.os;
  }

  async installProductKey(key: string): Promise<void> {
    this.#enter('installProductKey', key);
    const avma = avmaKeyEntry(key);
    if (this.os.evaluation === true || (avma !== null && avma.edition !== this.os.edition)) {
      throw new GuestPlatformError('KEY_REJECTED', 'Error: 0xC004F069', '0xC004F069');
    }
    this.installedKey = key;
    this.keyChannel = avma === null ? 'RETAIL' : 'VIRTUAL_MACHINE_ACTIVATION';
  }

  async activate(): Promise<void> {
    this.#enter('activate');
    if (this.keyChannel !== 'VIRTUAL_MACHINE_ACTIVATION') return;
    const answer = ANSWERS[this.hostAnswer];
    this.logEvent(
      `${answer.notification}. Host machine name: ${this.hostName}. Result code: ${answer.hresult}`,
    );
    if (this.hostAnswer !== 'grant') {
      throw new GuestPlatformError('COMMAND_FAILED', `Error: ${answer.hresult}`, answer.hresult);
    }
    this.licenseStatus = 1;
    this.graceMinutes = 10080;
    this.avmaHost = this.hostName;
    this.lastActivation = this.clock.toISOString();
  }

  async licenseFacts(): Promise<LicenseFacts> {
    this.#enter('licenseFacts');
    const channel = this.keyChannel;
    return {
      licenseStatus: this.licenseStatus,
      licenseStatusReason: null,
      description: channel === null ? '' : `Windows(R) Operating System, ${channel} channel`,
      partialProductKey: this.installedKey?.slice(-5) ?? null,
      productKeyChannel: channel === null ? null : PRODUCT_KEY_CHANNEL[channel],
      gracePeriodRemainingMinutes: this.graceMinutes,
      avmaHostMachineName: this.avmaHost,
      avmaLastActivationTime: this.lastActivation,
    };
  }

  async readActivationEvents(afterRecordId: number): Promise<GuestActivationEvent[]> {
    this.#enter('readActivationEvents', String(afterRecordId));
    return this.events.filter((event) => event.recordId > afterRecordId);
  }

  async loadState(): Promise<string | null> {
    this.#enter('loadState');
    return this.state;
  }

  async saveState(state: string): Promise<void> {
    this.#enter('saveState');
    this.state = state;
  }

  now(): Date {
    return this.clock;
  }

  /** Calls that changed the Guest pool or the licence, for "wrote nothing" assertions. */
  writes(): string[] {
    return this.calls.filter((call) =>
      /^(writeGuestItem|deleteGuestItem|installProductKey|activate)/.test(call),
    );
  }
}
