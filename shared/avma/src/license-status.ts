/**
 * `SoftwareLicensingProduct.LicenseStatus` 0..6 in both directions: WMI code, WMI enum name
 * (zbalkan/slmgr-ps `src/Private/LicenseStatusCode.ps1`, citing Microsoft's SoftwareLicensingProduct
 * class page) and the scenario vocabulary (architecture §5).
 */
import { AvmaError, quoteInput } from './errors.js';

/** Scenario vocabulary, indexed by the WMI code. */
export const LICENSE_STATUSES = [
  'unlicensed',
  'licensed',
  'oob-grace',
  'oot-grace',
  'non-genuine-grace',
  'notification',
  'extended-grace',
] as const;
export type LicenseStatus = (typeof LICENSE_STATUSES)[number];

/** WMI `LicenseStatus` enum names, indexed by the code. */
export const LICENSE_STATUS_WMI_NAMES = [
  'Unlicensed',
  'Licensed',
  'OOBGrace',
  'OOTGrace',
  'NonGenuineGrace',
  'Notification',
  'ExtendedGrace',
] as const;
export type LicenseStatusWmiName = (typeof LICENSE_STATUS_WMI_NAMES)[number];

/** The grace states: the guest runs but is not activated, so the install policy pushes a key. */
export const GRACE_STATUSES: readonly LicenseStatus[] = Object.freeze([
  'oob-grace',
  'oot-grace',
  'non-genuine-grace',
  'extended-grace',
]);

/**
 * The scenario status for a WMI `LicenseStatus` code 0..6. Throws `AvmaError` UNKNOWN_LICENSE_STATUS for
 * any other value (a guest report is untrusted).
 */
export function licenseStatusFromCode(code: number): LicenseStatus {
  const status = Number.isInteger(code) ? LICENSE_STATUSES[code] : undefined;
  if (status === undefined) {
    throw new AvmaError(
      'UNKNOWN_LICENSE_STATUS',
      `licence status code is ${typeof code === 'number' ? String(code) : quoteInput(code)}, expected an integer 0..6`,
    );
  }
  return status;
}

/** The WMI `LicenseStatus` code 0..6 of a scenario status. Throws `AvmaError` UNKNOWN_LICENSE_STATUS. */
export function licenseStatusCode(status: LicenseStatus): number {
  const code = LICENSE_STATUSES.indexOf(status);
  if (code < 0) {
    throw new AvmaError(
      'UNKNOWN_LICENSE_STATUS',
      `licence status is ${quoteInput(status)}, expected one of ${LICENSE_STATUSES.join(', ')}`,
    );
  }
  return code;
}

/**
 * Accepts a scenario name (`oob-grace`) or a WMI enum name (`OOBGrace`), case-insensitive. Throws
 * `AvmaError` UNKNOWN_LICENSE_STATUS naming both vocabularies.
 */
export function parseLicenseStatus(text: string): LicenseStatus {
  const wanted = typeof text === 'string' ? text.trim().toLowerCase() : '';
  const byName = (LICENSE_STATUSES as readonly string[]).indexOf(wanted);
  const byWmi = LICENSE_STATUS_WMI_NAMES.findIndex((name) => name.toLowerCase() === wanted);
  const status = LICENSE_STATUSES[byName >= 0 ? byName : byWmi];
  if (status === undefined) {
    throw new AvmaError(
      'UNKNOWN_LICENSE_STATUS',
      `licence status ${quoteInput(text)} is unknown, expected one of ${LICENSE_STATUSES.join(', ')} or ${LICENSE_STATUS_WMI_NAMES.join(', ')}`,
    );
  }
  return status;
}

/** The WMI enum name of a scenario status. Throws like `licenseStatusCode`. */
export function licenseStatusWmiName(status: LicenseStatus): LicenseStatusWmiName {
  return LICENSE_STATUS_WMI_NAMES[licenseStatusCode(status)] as LicenseStatusWmiName;
}

/** True for the grace states. Never throws. */
export function isGraceStatus(status: LicenseStatus): boolean {
  return GRACE_STATUSES.includes(status);
}
