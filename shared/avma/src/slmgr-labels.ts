/**
 * What each slmgr `/dli` / `/dlv` line means. Labels are the slmgr.vbs string constants (verbatim copy in
 * jasonadsit/powershell-scripts `PsTokenBasedActivation/1.6/slmgr.vbs`), matched case-insensitively.
 */
import { AvmaError } from './errors.js';
import { formatHresult, parseHresult } from './hresults.js';
import type { LicenseStatus } from './license-status.js';
import {
  type AvmaClientInfo,
  emptyAvma,
  emptyKmsClient,
  emptyKmsHost,
  emptyKmsRequests,
  type KmsClientInfo,
  type KmsHostInfo,
  type KmsRequestCounts,
  type Mutable,
  type ProductFields,
  type SlmgrExpiration,
} from './slmgr-report.js';

export interface SlmgrDraft {
  readonly product: Mutable<ProductFields>;
  kmsClient: Mutable<KmsClientInfo> | null;
  kmsHost: Mutable<KmsHostInfo> | null;
  kmsRequests: Mutable<KmsRequestCounts> | null;
  avma: Mutable<AvmaClientInfo> | null;
  readonly other: Record<string, string>;
  readonly notes: string[];
}

export interface LineContext {
  readonly line: number;
  readonly label: string;
}

type Setter = (draft: SlmgrDraft, value: string, context: LineContext) => void;

function malformed(context: LineContext, value: string, expected: string): AvmaError {
  const shown = JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  return new AvmaError(
    'INVALID_SLMGR_OUTPUT',
    `line ${context.line}: "${context.label}" is ${shown}, expected ${expected}`,
  );
}

function wholeNumber(value: string, context: LineContext): number {
  if (!/^\d{1,12}$/.test(value)) throw malformed(context, value, 'a whole number');
  return Number(value);
}

/** slmgr prints "Not Available" (AVMA block) or "not available" (KMS IP) for missing values. */
function optionalText(value: string): string | null {
  return value === '' || value.toLowerCase() === 'not available' ? null : value;
}

function minutes(value: string, context: LineContext): number {
  const match = /^(\d{1,12}) minutes?$/i.exec(value);
  if (match?.[1] === undefined) throw malformed(context, value, '"<N> minutes"');
  return Number(match[1]);
}

function expiration(kind: SlmgrExpiration['kind']): Setter {
  return (draft, value, context) => {
    const match = /^(\d{1,12}) minute\(s\) \((\d{1,9}) day\(s\)\)$/i.exec(value);
    if (match?.[1] === undefined || match[2] === undefined) {
      throw malformed(context, value, '"<N> minute(s) (<D> day(s))"');
    }
    draft.product.expiration = Object.freeze({ kind, minutes: Number(match[1]), days: Number(match[2]) });
  };
}

/** `License Status:` texts (slmgr.vbs `L_MsgLicenseStatus*_1`) in WMI code order. */
const LICENSE_STATUS_TEXTS: Readonly<Record<string, LicenseStatus>> = Object.freeze({
  unlicensed: 'unlicensed',
  licensed: 'licensed',
  'initial grace period': 'oob-grace',
  'additional grace period (kms license expired or hardware out of tolerance)': 'oot-grace',
  'non-genuine grace period.': 'non-genuine-grace',
  'non-genuine grace period': 'non-genuine-grace',
  notification: 'notification',
  'extended grace period': 'extended-grace',
});

function product<K extends keyof ProductFields>(
  field: K,
  parse: (value: string, c: LineContext) => ProductFields[K],
): Setter {
  return (draft, value, context) => {
    draft.product[field] = parse(value, context);
  };
}

function kmsClient<K extends keyof KmsClientInfo>(
  field: K,
  parse: (v: string, c: LineContext) => KmsClientInfo[K],
): Setter {
  return (draft, value, context) => {
    draft.kmsClient ??= emptyKmsClient();
    draft.kmsClient[field] = parse(value, context);
  };
}

function kmsHost<K extends keyof KmsHostInfo>(
  field: K,
  parse: (v: string, c: LineContext) => KmsHostInfo[K],
): Setter {
  return (draft, value, context) => {
    draft.kmsHost ??= emptyKmsHost();
    draft.kmsHost[field] = parse(value, context);
  };
}

function requests(field: keyof KmsRequestCounts): Setter {
  return (draft, value, context) => {
    draft.kmsRequests ??= emptyKmsRequests();
    draft.kmsRequests[field] = wholeNumber(value, context);
  };
}

function avma(field: keyof AvmaClientInfo): Setter {
  return (draft, value) => {
    draft.avma ??= emptyAvma();
    draft.avma[field] = optionalText(value);
  };
}

const text = (value: string): string | null => optionalText(value);

function licenseStatus(draft: SlmgrDraft, value: string): void {
  draft.product.licenseStatusText = value;
  draft.product.licenseStatus = LICENSE_STATUS_TEXTS[value.toLowerCase()] ?? null;
}

/** "0xC004F056." and "0xC004F009 (grace time expired)." both carry the code first; slmgr drops zero padding. */
function notificationReason(value: string, context: LineContext): string {
  const match = /^(0x[0-9a-f]{1,8})\b/i.exec(value);
  if (match?.[1] === undefined) throw malformed(context, value, 'an HRESULT such as 0xC004F009');
  return formatHresult(parseHresult(match[1]));
}

const REQUESTS = 'requests with license status ';

/** Labelled lines ("Label: value" or "Label:value"), keyed by lowercase label. */
export const LABELLED_LINES: ReadonlyMap<string, Setter> = new Map<string, Setter>([
  ['software licensing service version', product('serviceVersion', text)],
  ['name', product('name', text)],
  ['description', product('description', text)],
  ['activation id', product('activationId', text)],
  ['application id', product('applicationId', text)],
  ['extended pid', product('extendedPid', text)],
  ['product key channel', product('productKeyChannel', text)],
  ['installation id', product('installationId', text)],
  ['processor certificate url', product('processorCertificateUrl', text)],
  ['machine certificate url', product('machineCertificateUrl', text)],
  ['use license url', product('useLicenseUrl', text)],
  ['product key certificate url', product('productKeyCertificateUrl', text)],
  ['validation url', product('validationUrl', text)],
  ['partial product key', product('partialProductKey', text)],
  ['license status', licenseStatus],
  ['notification reason', product('notificationReason', notificationReason)],
  ['volume activation expiration', expiration('volume')],
  ['timebased activation expiration', expiration('timebased')],
  ['automatic vm activation expiration', expiration('avma')],
  ['time remaining', expiration('grace')],
  ['evaluation end date', product('evaluationEndDate', text)],
  ['remaining windows rearm count', product('remainingWindowsRearmCount', wholeNumber)],
  ['remaining sku rearm count', product('remainingSkuRearmCount', wholeNumber)],
  ['remaining app rearm count', product('remainingAppRearmCount', wholeNumber)],
  ['trusted time', product('trustedTime', text)],
  ['configured activation type', product('configuredActivationType', text)],
  ['client machine id (cmid)', kmsClient('clientMachineId', text)],
  ['registered kms machine name', kmsClient('registeredKmsMachineName', text)],
  ['registered kms srv record lookup domain', kmsClient('kmsLookupDomain', text)],
  ['kms machine name from dns', kmsClient('kmsMachineNameFromDns', text)],
  ['kms machine ip address', kmsClient('kmsMachineIpAddress', text)],
  ['kms machine extended pid', kmsClient('kmsMachineExtendedPid', text)],
  ['activation interval', kmsClient('activationIntervalMinutes', minutes)],
  ['renewal interval', kmsClient('renewalIntervalMinutes', minutes)],
  ['current count', kmsHost('currentCount', wholeNumber)],
  ['listening on port', kmsHost('listeningOnPort', wholeNumber)],
  ['kms priority', kmsHost('priority', text)],
  ['total requests received', requests('totalRequestsReceived')],
  ['failed requests received', requests('failedRequestsReceived')],
  [`${REQUESTS}unlicensed`, requests('unlicensed')],
  [`${REQUESTS}licensed`, requests('licensed')],
  [`${REQUESTS}initial grace period`, requests('initialGracePeriod')],
  [
    `${REQUESTS}license expired or hardware out of tolerance`,
    requests('licenseExpiredOrHardwareOutOfTolerance'),
  ],
  [`${REQUESTS}non-genuine grace period`, requests('nonGenuineGracePeriod')],
  [`${REQUESTS}notification`, requests('notification')],
  ['guest iaid', avma('guestIaid')],
  ['host machine name', avma('hostMachineName')],
  ['activation time', avma('activationTime')],
  ['host digital pid2', avma('hostDigitalPid2')],
]);

/** Whole lines without a value: section headers and on/off statements, keyed by lowercase text. */
export const BARE_LINES: ReadonlyMap<string, (draft: SlmgrDraft) => void> = new Map<
  string,
  (d: SlmgrDraft) => void
>([
  [
    'key management service client information',
    (d) => {
      d.kmsClient ??= emptyKmsClient();
    },
  ],
  [
    'key management service is enabled on this machine',
    (d) => {
      d.kmsHost ??= emptyKmsHost();
    },
  ],
  [
    'key management service cumulative requests received from clients',
    (d) => {
      d.kmsRequests ??= emptyKmsRequests();
    },
  ],
  [
    'automatic vm activation client information',
    (d) => {
      d.avma ??= emptyAvma();
    },
  ],
  ['most recent activation information:', () => undefined],
  ['kms host caching is enabled', (d) => setCaching(d, true)],
  ['kms host caching is disabled', (d) => setCaching(d, false)],
  ['dns publishing enabled', (d) => setPublishing(d, true)],
  ['dns publishing disabled', (d) => setPublishing(d, false)],
]);

function setCaching(draft: SlmgrDraft, enabled: boolean): void {
  draft.kmsClient ??= emptyKmsClient();
  draft.kmsClient.hostCachingEnabled = enabled;
}

function setPublishing(draft: SlmgrDraft, enabled: boolean): void {
  draft.kmsHost ??= emptyKmsHost();
  draft.kmsHost.dnsPublishingEnabled = enabled;
}
