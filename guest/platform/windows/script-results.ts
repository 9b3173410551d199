/**
 * Shapes of what the `.ps1` scripts print, and their conversion to the platform interface. The scripts
 * project every WMI value to a string, so the schemas accept strings of a stated form only; anything
 * else is BAD_OUTPUT rather than a guess.
 */
import { type Edition, SKU_MEANINGS, serverVersionFromBuild } from 'hyperv-kvp';
import { z } from 'zod';
import type { GuestActivationEvent, GuestOsFacts, LicenseFacts } from '../guest-platform.js';

const text = (max: number) => z.string().max(max);
const digits = (max: number) => z.string().regex(new RegExp(`^\\d{1,${max}}$`));

export const KvpReadResult = z.strictObject({
  items: z.array(z.strictObject({ name: text(256), data: text(2049), length: z.int().min(0) })).max(1024),
});

const LicenseProduct = z.strictObject({
  name: text(256),
  description: text(512),
  partialProductKey: text(16),
  productKeyChannel: text(64),
  licenseStatus: z.string().regex(/^[0-6]$/),
  /** uint32 in decimal; some providers hand it over as a signed int32. */
  licenseStatusReason: z.string().regex(/^(?:-?\d{1,10})?$/),
  gracePeriodRemaining: z.string().regex(/^(?:\d{1,10})?$/),
  licenseIsAddon: z.string().regex(/^(?:True|False)?$/i),
  avmaHostMachineName: text(256),
  avmaLastActivationTime: text(64),
});
export const LicenseFactsResult = z.strictObject({ products: z.array(LicenseProduct).max(16) });

export const OsFactsResult = z.strictObject({
  buildNumber: digits(6),
  productType: digits(1),
  operatingSystemSku: digits(4),
  caption: text(256),
});

export const ActivationEventsResult = z.strictObject({
  events: z
    .array(
      z.strictObject({
        recordId: digits(16),
        time: text(64),
        message: text(2048),
        data: z.array(text(256)).max(16),
      }),
    )
    .max(256),
});

const NO_LICENSE: LicenseFacts = Object.freeze({
  licenseStatus: 0,
  licenseStatusReason: null,
  description: '',
  partialProductKey: null,
  productKeyChannel: null,
  gracePeriodRemainingMinutes: 0,
  avmaHostMachineName: null,
  avmaLastActivationTime: null,
});

/**
 * The Windows licence: the first product that is not an add-on (slmgr.vbs `CheckProductForCommand`
 * does the same), or an unlicensed, keyless licence when there is none. Never throws.
 */
export function toLicenseFacts(result: z.infer<typeof LicenseFactsResult>): LicenseFacts {
  const product = result.products.find((candidate) => candidate.licenseIsAddon.toLowerCase() !== 'true');
  if (product === undefined) return NO_LICENSE;
  return Object.freeze({
    licenseStatus: Number(product.licenseStatus),
    licenseStatusReason: hresultOrNull(product.licenseStatusReason),
    description: product.description,
    partialProductKey: product.partialProductKey === '' ? null : product.partialProductKey,
    productKeyChannel: product.productKeyChannel === '' ? null : product.productKeyChannel,
    gracePeriodRemainingMinutes:
      product.gracePeriodRemaining === '' ? 0 : Number(product.gracePeriodRemaining),
    avmaHostMachineName: product.avmaHostMachineName === '' ? null : product.avmaHostMachineName,
    avmaLastActivationTime: wmiTimeToIso(product.avmaLastActivationTime),
  });
}

function hresultOrNull(decimal: string): string | null {
  if (decimal === '') return null;
  const value = Number(decimal) >>> 0;
  return value === 0 ? null : `0x${value.toString(16).toUpperCase().padStart(8, '0')}`;
}

const DMTF = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})\.(\d{6})([+-])(\d{3})$/;
/** WMI reports "never" as the FILETIME epoch, 1601-01-01. */
const NEVER_BEFORE_YEAR = 1602;

/**
 * ISO-8601 UTC from the script's `.ToString('o')` text or from a WMI DMTF datetime
 * (`yyyymmddHHMMSS.mmmmmm+UUU`, UUU = minutes east of UTC); `null` for empty text, anything that is not
 * a date, or 1601-01-01 ("never"). Never throws.
 */
export function wmiTimeToIso(value: string): string | null {
  if (value === '') return null;
  const dmtf = DMTF.exec(value);
  const time = dmtf === null ? Date.parse(value) : dmtfToEpochMs(dmtf);
  if (Number.isNaN(time)) return null;
  const date = new Date(time);
  return date.getUTCFullYear() < NEVER_BEFORE_YEAR ? null : date.toISOString();
}

function dmtfToEpochMs(match: RegExpExecArray): number {
  const field = (index: number): number => Number(match[index]);
  const local = Date.UTC(
    field(1),
    field(2) - 1,
    field(3),
    field(4),
    field(5),
    field(6),
    Math.floor(field(7) / 1000),
  );
  const eastMinutes = (match[8] === '-' ? -1 : 1) * field(9);
  return local - eastMinutes * 60_000;
}

/**
 * OS facts from Win32_OperatingSystem: ProductType 1 is a client, 2 (domain controller) and 3 a
 * server; version and edition through the shared build and SKU tables; unknown values stay `null`.
 * Never throws.
 */
export function toOsFacts(result: z.infer<typeof OsFactsResult>): GuestOsFacts {
  const productType = Number(result.productType);
  const sku = Number(result.operatingSystemSku);
  const meaning = SKU_MEANINGS.get(sku);
  const edition: Edition | null = meaning?.edition ?? null;
  const evaluation = meaning?.evaluation ?? null;
  if (productType === 1) return Object.freeze({ os: 'windows-client', version: null, edition, evaluation });
  if (productType !== 2 && productType !== 3) {
    return Object.freeze({ os: 'unknown', version: null, edition: null, evaluation: null });
  }
  const version = serverVersionFromBuild(Number(result.buildNumber), sku);
  return Object.freeze({ os: 'windows-server', version, edition, evaluation });
}

/**
 * 12309 records, oldest first. EventData values are appended to the message on their own lines
 * because the event's layout is UNCONFIRMED: an HRESULT carried only there is still found.
 * Never throws.
 */
export function toActivationEvents(result: z.infer<typeof ActivationEventsResult>): GuestActivationEvent[] {
  return result.events
    .map((event) => ({
      recordId: Number(event.recordId),
      time: wmiTimeToIso(event.time) ?? event.time,
      message: [event.message, ...event.data].filter((part) => part !== '').join('\n'),
    }))
    .sort((a, b) => a.recordId - b.recordId);
}
