/**
 * The parsed form of `slmgr.vbs /dli` and `/dlv` output. Field names follow the slmgr.vbs string constants
 * (`L_MsgProductName` "Name: ", `L_MsgKmsCurrentCount` "Current count: ", ...); values slmgr prints as
 * numbers are numbers, "Not Available" is `null`.
 */
import type { LicenseStatus } from './license-status.js';

/** What kind of key the product holds, from the Description channel token. */
export type SlmgrKeyKind = 'avma' | 'gvlk' | 'mak' | 'retail' | 'oem' | 'kms-host';

export interface SlmgrExpiration {
  /** Which slmgr line: volume (KMS), timebased, avma, or grace ("Time remaining"). */
  readonly kind: 'volume' | 'timebased' | 'avma' | 'grace';
  readonly minutes: number;
  readonly days: number;
}

export interface KmsClientInfo {
  readonly clientMachineId: string | null;
  readonly registeredKmsMachineName: string | null;
  readonly kmsLookupDomain: string | null;
  readonly kmsMachineNameFromDns: string | null;
  readonly kmsMachineIpAddress: string | null;
  readonly kmsMachineExtendedPid: string | null;
  readonly activationIntervalMinutes: number | null;
  readonly renewalIntervalMinutes: number | null;
  readonly hostCachingEnabled: boolean | null;
}

export interface KmsHostInfo {
  readonly currentCount: number | null;
  readonly listeningOnPort: number | null;
  readonly dnsPublishingEnabled: boolean | null;
  readonly priority: string | null;
}

export interface KmsRequestCounts {
  readonly totalRequestsReceived: number | null;
  readonly failedRequestsReceived: number | null;
  readonly unlicensed: number | null;
  readonly licensed: number | null;
  readonly initialGracePeriod: number | null;
  readonly licenseExpiredOrHardwareOutOfTolerance: number | null;
  readonly nonGenuineGracePeriod: number | null;
  readonly notification: number | null;
}

export interface AvmaClientInfo {
  readonly guestIaid: string | null;
  readonly hostMachineName: string | null;
  readonly activationTime: string | null;
  readonly hostDigitalPid2: string | null;
}

export interface SlmgrReport {
  readonly serviceVersion: string | null;
  readonly name: string | null;
  readonly description: string | null;
  /** Channel token from the Description, e.g. `VOLUME_KMSCLIENT`, `VIRTUAL_MACHINE_ACTIVATION`. */
  readonly channel: string | null;
  readonly keyKind: SlmgrKeyKind | null;
  readonly activationId: string | null;
  readonly applicationId: string | null;
  readonly extendedPid: string | null;
  /** `/dlv` "Product Key Channel", e.g. `Volume:GVLK`. */
  readonly productKeyChannel: string | null;
  readonly installationId: string | null;
  readonly processorCertificateUrl: string | null;
  readonly machineCertificateUrl: string | null;
  readonly useLicenseUrl: string | null;
  readonly productKeyCertificateUrl: string | null;
  readonly validationUrl: string | null;
  readonly partialProductKey: string | null;
  readonly licenseStatus: LicenseStatus | null;
  /** The text after "License Status:" as printed. */
  readonly licenseStatusText: string | null;
  /** "Notification Reason" as `0x` + eight hex digits. */
  readonly notificationReason: string | null;
  readonly expiration: SlmgrExpiration | null;
  readonly evaluationEndDate: string | null;
  readonly remainingWindowsRearmCount: number | null;
  readonly remainingSkuRearmCount: number | null;
  readonly remainingAppRearmCount: number | null;
  readonly trustedTime: string | null;
  readonly configuredActivationType: string | null;
  readonly kmsClient: KmsClientInfo | null;
  readonly kmsHost: KmsHostInfo | null;
  readonly kmsRequests: KmsRequestCounts | null;
  readonly avma: AvmaClientInfo | null;
  /** Labelled lines the parser does not know, by label as printed. */
  readonly other: Readonly<Record<string, string>>;
  /** Unlabelled informational lines ("Please use slmgr.vbs /ato ..."). */
  readonly notes: readonly string[];
}

/** Parser-internal writable view of a report section. */
export type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** A fresh, all-null KMS client block for the parser to fill. Never throws. */
export function emptyKmsClient(): Mutable<KmsClientInfo> {
  return {
    clientMachineId: null,
    registeredKmsMachineName: null,
    kmsLookupDomain: null,
    kmsMachineNameFromDns: null,
    kmsMachineIpAddress: null,
    kmsMachineExtendedPid: null,
    activationIntervalMinutes: null,
    renewalIntervalMinutes: null,
    hostCachingEnabled: null,
  };
}

/** A fresh, all-null KMS host block for the parser to fill. Never throws. */
export function emptyKmsHost(): Mutable<KmsHostInfo> {
  return { currentCount: null, listeningOnPort: null, dnsPublishingEnabled: null, priority: null };
}

/** A fresh, all-null request-count block for the parser to fill. Never throws. */
export function emptyKmsRequests(): Mutable<KmsRequestCounts> {
  return {
    totalRequestsReceived: null,
    failedRequestsReceived: null,
    unlicensed: null,
    licensed: null,
    initialGracePeriod: null,
    licenseExpiredOrHardwareOutOfTolerance: null,
    nonGenuineGracePeriod: null,
    notification: null,
  };
}

/** A fresh, all-null AVMA client block for the parser to fill. Never throws. */
export function emptyAvma(): Mutable<AvmaClientInfo> {
  return { guestIaid: null, hostMachineName: null, activationTime: null, hostDigitalPid2: null };
}

export type ProductFields = Omit<
  SlmgrReport,
  'kmsClient' | 'kmsHost' | 'kmsRequests' | 'avma' | 'other' | 'notes'
>;

/** A fresh, all-null product fields for the parser to fill. Never throws. */
export function emptyProduct(): Mutable<ProductFields> {
  return {
    serviceVersion: null,
    name: null,
    description: null,
    channel: null,
    keyKind: null,
    activationId: null,
    applicationId: null,
    extendedPid: null,
    productKeyChannel: null,
    installationId: null,
    processorCertificateUrl: null,
    machineCertificateUrl: null,
    useLicenseUrl: null,
    productKeyCertificateUrl: null,
    validationUrl: null,
    partialProductKey: null,
    licenseStatus: null,
    licenseStatusText: null,
    notificationReason: null,
    expiration: null,
    evaluationEndDate: null,
    remainingWindowsRearmCount: null,
    remainingSkuRearmCount: null,
    remainingAppRearmCount: null,
    trustedTime: null,
    configuredActivationType: null,
  };
}
