/**
 * The Software Protection Platform of one lab Windows guest: the installed key and its channel, the
 * licence state machine and what `SoftwareLicensingProduct` reports. Time-limited states (an AVMA or KMS
 * activation's validity, a grace period, an Evaluation's time bomb) are kept as end times and advanced
 * lazily whenever the model is read, so no timer can be missed:
 * - an activation that reaches its end without renewal leaves Licensed for `settings.lapsedStatus`
 *   (OOT grace by default: slmgr.vbs calls status 3 "Additional grace period (KMS license expired or
 *   hardware out of tolerance)"), and that grace ends in Notification;
 * - a grace period (OOB, OOT, non-genuine, extended) ends in Notification (seed 001: "not activated and
 *   not in a grace period: the computer enters the notification state");
 * - an Evaluation past its end enters Notification.
 */

import type { LicenseFacts } from '../../guest/platform/guest-platform.js';
import { type LicenseStatus, licenseStatusCode } from '../../shared/avma/index.js';
import type { LabSettings } from './lab-settings.js';
import type { InstalledKey, KeyChannel } from './product-keys.js';
import { MINUTE_MS } from './sim-clock.js';

/** `Description` tokens slmgr.vbs tests (`IsAVMA`, `IsKmsClient`, `IsMAK`); eval per Windows' TIMEBASED_EVAL. */
export const DESCRIPTION_TOKEN: Readonly<Record<KeyChannel, string>> = Object.freeze({
  avma: 'VIRTUAL_MACHINE_ACTIVATION',
  gvlk: 'VOLUME_KMSCLIENT',
  mak: 'VOLUME_MAK',
  retail: 'RETAIL',
  oem: 'OEM_DM',
  eval: 'TIMEBASED_EVAL',
});

/**
 * `ProductKeyChannel` values. The AVMA value is UNCONFIRMED (avma-facts §5b): `VT:IA` is a key type
 * seen on Windows Server entries of Microsoft's pkeyconfig and matches slerror.h's "Inherited
 * activation" block; the guest agent decides AVMA from `Description`, not from this.
 */
export const PRODUCT_KEY_CHANNEL: Readonly<Record<KeyChannel, string>> = Object.freeze({
  avma: 'VT:IA',
  gvlk: 'Volume:GVLK',
  mak: 'Volume:MAK',
  retail: 'Retail',
  oem: 'OEM:DM',
  eval: 'Retail:TB:Eval',
});

/** The whole `Description` text of a key of each channel, built once rather than at every reading. */
const DESCRIPTION: Readonly<Record<KeyChannel, string>> = Object.freeze(
  Object.fromEntries(
    Object.entries(DESCRIPTION_TOKEN).map(([channel, token]) => [
      channel,
      `Windows(R) Operating System, ${token} channel`,
    ]),
  ) as Record<KeyChannel, string>,
);

/** SL_E_GRACE_TIME_EXPIRED-style reason a Notification state carries (slerror.h 0xC004F009). */
const GRACE_EXPIRED = '0xC004F009';
const GRACE_STATUSES: readonly LicenseStatus[] = [
  'oob-grace',
  'oot-grace',
  'non-genuine-grace',
  'extended-grace',
];

export interface SppInit {
  readonly key: InstalledKey | null;
  readonly status: LicenseStatus;
  readonly now: number;
  /** The host the guest runs on at the start (a licensed AVMA guest was activated by it). */
  readonly hostName: string;
}

/** The licence of one Windows guest (see the file comment for the state machine). */
export class SppModel {
  readonly #settings: LabSettings;
  #key: InstalledKey | null;
  #status: LicenseStatus;
  #reason: string | null = null;
  #graceEndsAt: number | null = null;
  #validUntil: number | null = null;
  #avmaHost: string | null = null;
  #avmaLastActivation: number | null = null;
  #beforeChange: (() => void) | null = null;
  /** The last activation time as licenseFacts writes it, for the time it was written for. */
  #lastActivationText: { readonly at: number; readonly text: string } | null = null;

  constructor(settings: LabSettings, init: SppInit) {
    this.#settings = settings;
    this.#key = init.key;
    this.#status = init.status;
    if (init.status === 'licensed' && init.key !== null) {
      this.#validUntil = this.#validityEnd(init.key.channel, init.now);
      if (init.key.channel === 'avma') {
        this.#avmaHost = init.hostName;
        this.#avmaLastActivation = init.now;
      }
    } else if (GRACE_STATUSES.includes(init.status)) {
      this.#graceEndsAt = init.now + settings.graceMinutes * MINUTE_MS;
    } else if (init.status === 'notification') {
      this.#reason = GRACE_EXPIRED;
    }
  }

  get key(): InstalledKey | null {
    return this.#key;
  }

  /**
   * Calls `callback` once, just before the model next changes: a key installed or removed, an
   * activation or a failed one recorded, or a validity or grace period running out. The lab's
   * deferred guest-agent passes read the facts of their own time through it (lab-agents.ts). One
   * callback at a time; `null` removes it.
   */
  beforeNextChange(callback: (() => void) | null): void {
    this.#beforeChange = callback;
  }

  #changing(): void {
    const callback = this.#beforeChange;
    if (callback === null) return;
    this.#beforeChange = null;
    callback();
  }

  #lapseDue(now: number): boolean {
    if (this.#status === 'licensed') return this.#validUntil !== null && now >= this.#validUntil;
    return this.#graceEndsAt !== null && now >= this.#graceEndsAt && GRACE_STATUSES.includes(this.#status);
  }

  /** The licence status at `now`, after applying every expiry that has passed. */
  status(now: number): LicenseStatus {
    this.#advance(now);
    return this.#status;
  }

  /** End of the current activation, or `null` when none is time-limited. */
  validUntil(now: number): number | null {
    this.#advance(now);
    return this.#validUntil;
  }

  #validityEnd(channel: KeyChannel, from: number): number | null {
    const settings = this.#settings;
    if (channel === 'avma') return from + settings.avmaValidityMinutes * MINUTE_MS;
    if (channel === 'gvlk') return from + settings.kmsValidityMinutes * MINUTE_MS;
    if (channel === 'eval') return from + settings.evaluationMinutes * MINUTE_MS;
    return null;
  }

  #advance(now: number): void {
    if (this.#beforeChange !== null && this.#lapseDue(now)) this.#changing();
    if (this.#status === 'licensed' && this.#validUntil !== null && now >= this.#validUntil) {
      const lapsedAt = this.#validUntil;
      this.#validUntil = null;
      const evaluation = this.#key?.channel === 'eval';
      if (!evaluation && this.#settings.lapsedStatus === 'oot-grace') {
        this.#status = 'oot-grace';
        this.#graceEndsAt = lapsedAt + this.#settings.graceMinutes * MINUTE_MS;
      } else {
        this.#enterNotification();
      }
    }
    if (GRACE_STATUSES.includes(this.#status) && this.#graceEndsAt !== null && now >= this.#graceEndsAt) {
      this.#enterNotification();
    }
  }

  #enterNotification(): void {
    this.#status = 'notification';
    this.#graceEndsAt = null;
    this.#reason = GRACE_EXPIRED;
  }

  /**
   * `slmgr /ipk`: replaces the key (rules are checked by the caller). A licensed product needs
   * activating again, so it falls to Notification (its initial grace is long used up); grace states
   * keep running. The AVMA fields belong to the old product and are cleared.
   */
  install(key: InstalledKey, now: number): void {
    this.#changing();
    this.#advance(now);
    this.#key = key;
    this.#validUntil = null;
    this.#avmaHost = null;
    this.#avmaLastActivation = null;
    if (this.#status === 'licensed') this.#enterNotification();
  }

  /** `slmgr /upk`: no key any more; a licensed product falls to Notification. */
  uninstall(now: number): void {
    this.#changing();
    this.#advance(now);
    this.#key = null;
    this.#validUntil = null;
    this.#avmaHost = null;
    this.#avmaLastActivation = null;
    if (this.#status === 'licensed') this.#enterNotification();
  }

  /** A successful activation of the installed key (AVMA, KMS, or the tenant's own key online). */
  activated(now: number, avmaHost: string | null = null): void {
    const key = this.#key;
    if (key === null) return;
    this.#changing();
    this.#advance(now);
    this.#status = 'licensed';
    this.#reason = null;
    this.#graceEndsAt = null;
    this.#validUntil = this.#validityEnd(key.channel, now);
    if (key.channel === 'avma') {
      this.#avmaHost = avmaHost;
      this.#avmaLastActivation = now;
    }
  }

  /** A failed activation attempt: the reason is recorded; the state itself changes only when time runs out. */
  activationFailed(now: number, hresult: string): void {
    this.#changing();
    this.#advance(now);
    if (this.#status !== 'licensed') this.#reason = hresult;
  }

  /** What `Get-CimInstance SoftwareLicensingProduct` reports for Windows at `now`. Never throws. */
  licenseFacts(now: number): LicenseFacts {
    this.#advance(now);
    const key = this.#key;
    const end = this.#status === 'licensed' ? this.#validUntil : this.#graceEndsAt;
    return Object.freeze({
      licenseStatus: licenseStatusCode(this.#status),
      licenseStatusReason: this.#status === 'licensed' ? null : this.#reason,
      description: key === null ? '' : DESCRIPTION[key.channel],
      partialProductKey: key === null ? null : key.key.slice(-5),
      productKeyChannel: key === null ? null : PRODUCT_KEY_CHANNEL[key.channel],
      gracePeriodRemainingMinutes: end === null ? 0 : Math.max(0, Math.ceil((end - now) / MINUTE_MS)),
      avmaHostMachineName: this.#avmaHost,
      avmaLastActivationTime: this.#lastActivationIso(),
    });
  }

  /**
   * The last AVMA activation as ISO-8601 text, or null. Kept between readings: a guest agent reads the
   * licence at every pass (about 130,000 a simulated day on an 8,000-VM fleet) and it rarely changes.
   */
  #lastActivationIso(): string | null {
    const at = this.#avmaLastActivation;
    if (at === null) return null;
    if (this.#lastActivationText?.at !== at) {
      this.#lastActivationText = { at, text: new Date(at).toISOString() };
    }
    return this.#lastActivationText.text;
  }
}
