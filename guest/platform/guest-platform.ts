/**
 * What the guest agent needs from the machine it runs on. Two adapters implement it: `windows`
 * (registry, slmgr, SoftwareLicensingProduct, Application log) and `lab` (a simulated guest), so the
 * lab runs the real guest agent code. Every method rejects with `GuestPlatformError` on failure.
 */
import type { Edition, ServerVersion } from 'hyperv-kvp';
import { LayerError } from '../../shared/errors/index.js';

export interface GuestOsFacts {
  readonly os: 'windows-server' | 'windows-client' | 'linux' | 'unknown';
  readonly version: ServerVersion | null;
  readonly edition: Edition | null;
  readonly evaluation: boolean | null;
}

/**
 * The Windows licence as `SoftwareLicensingProduct` reports it (ApplicationID
 * 55c92734-d682-4d71-983e-d6ec3f16059f, PartialProductKey not null). Only the last five characters of
 * the installed key are visible, as on a real machine.
 */
export interface LicenseFacts {
  /** `LicenseStatus` 0..6. */
  readonly licenseStatus: number;
  /** `LicenseStatusReason` as an HRESULT string `0xC004FD02`, or `null` when 0. */
  readonly licenseStatusReason: string | null;
  /** `Description`, e.g. `Windows(R) Operating System, VIRTUAL_MACHINE_ACTIVATION channel`. */
  readonly description: string;
  readonly partialProductKey: string | null;
  /** `ProductKeyChannel`, e.g. `Volume:GVLK`, `Retail`, `OEM:DM`, `Volume:MAK`. */
  readonly productKeyChannel: string | null;
  readonly gracePeriodRemainingMinutes: number;
  readonly avmaHostMachineName: string | null;
  /** ISO-8601; `null` when never (WMI reports 1601-01-01). */
  readonly avmaLastActivationTime: string | null;
}

/** One 12309 record from the guest's Application log. */
export interface GuestActivationEvent {
  readonly recordId: number;
  /** ISO-8601 UTC. */
  readonly time: string;
  readonly message: string;
}

export interface GuestPlatform {
  /** `HKLM\SOFTWARE\Microsoft\Virtual Machine\External` (Linux pool 0): what the host pushed. */
  readExternalItems(): Promise<ReadonlyMap<string, string>>;
  /** `HKLM\SOFTWARE\Microsoft\Virtual Machine\Guest` (Linux pool 1): what the guest published. */
  readGuestItems(): Promise<ReadonlyMap<string, string>>;
  writeGuestItem(name: string, value: string): Promise<void>;
  /** Deleting an item that does not exist succeeds. */
  deleteGuestItem(name: string): Promise<void>;

  osFacts(): Promise<GuestOsFacts>;
  /** `slmgr /ipk KEY`. Rejects (e.g. 0xC004F069 on an Evaluation install) without changing the key. */
  installProductKey(key: string): Promise<void>;
  /** `slmgr /ato`: ask for activation now (for an AVMA key, the host is asked). */
  activate(): Promise<void>;
  licenseFacts(): Promise<LicenseFacts>;
  /** 12309 records with `recordId > afterRecordId`, oldest first. */
  readActivationEvents(afterRecordId: number): Promise<GuestActivationEvent[]>;

  /** The agent's own state between runs (survives reboots on Windows: a file under ProgramData). */
  loadState(): Promise<string | null>;
  saveState(state: string): Promise<void>;
  now(): Date;
}

export const GUEST_PLATFORM_ERROR_CODES = [
  'COMMAND_FAILED',
  'BAD_OUTPUT',
  'ACCESS_DENIED',
  'TIMEOUT',
  'KEY_REJECTED',
] as const;
export type GuestPlatformErrorCode = (typeof GUEST_PLATFORM_ERROR_CODES)[number];

export class GuestPlatformError extends LayerError<GuestPlatformErrorCode> {
  override readonly name = 'GuestPlatformError';
  readonly layer = 'guest-platform';

  constructor(
    code: GuestPlatformErrorCode,
    message: string,
    /** The HRESULT a failed slmgr call reported, e.g. `0xC004F069`. */
    readonly hresult: string | null = null,
    options?: { cause?: unknown },
  ) {
    super(code, message, options);
  }
}
