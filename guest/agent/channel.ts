/**
 * The channel of the installed Windows key, as the guest itself sees it through
 * `SoftwareLicensingProduct`. slmgr.vbs decides AVMA and KMS from tokens in `Description`
 * (`IsAVMA`: "VIRTUAL_MACHINE_ACTIVATION"; `IsKmsClient`: "VOLUME_KMSCLIENT"; `IsKmsServer`:
 * "VOLUME_KMS" but not KMSCLIENT; `IsMAK`: "MAK"), so this does the same; `ProductKeyChannel`
 * (`Volume:GVLK`, `Volume:MAK`, `Retail`, `OEM:DM`, ...) fills gaps, and the AVMA partial-key table is
 * the last resort (the AVMA value of `ProductKeyChannel` is UNCONFIRMED, avma-facts §5b).
 */
import { avmaKeyByPartialKey, type Channel } from '../../shared/avma/index.js';
import type { LicenseFacts } from '../platform/guest-platform.js';

/** Nothing legitimate in a `Description` is longer; longer text is cut before scanning. */
const MAX_DESCRIPTION_CHARS = 512;

/**
 * Ordered: VOLUME_KMSCLIENT before VOLUME_KMS. A KMS host key (CSVLK, `VOLUME_KMS_*`) is the tenant's
 * own volume licence: reported as `mak`, the channel vocabulary's tenant volume key, so it is never
 * overwritten.
 */
const DESCRIPTION_TOKENS: readonly (readonly [string, Channel])[] = [
  ['VIRTUAL_MACHINE_ACTIVATION', 'avma'],
  ['VOLUME_KMSCLIENT', 'gvlk'],
  ['VOLUME_MAK', 'mak'],
  ['VOLUME_KMS', 'mak'],
  ['OEM_', 'oem'],
  ['RETAIL', 'retail'],
];

const PRODUCT_KEY_CHANNELS: readonly (readonly [RegExp, Channel])[] = [
  [/^volume:gvlk$/i, 'gvlk'],
  [/^volume:mak$/i, 'mak'],
  [/^volume:csvlk$/i, 'mak'],
  [/^retail$/i, 'retail'],
  [/^oem:[a-z]{1,16}$/i, 'oem'],
];

/** Channels that mean the AVMA key this agent saw was replaced by another key (architecture §1.5). */
export const REPLACEMENT_CHANNELS: readonly Channel[] = Object.freeze(['gvlk', 'mak', 'retail', 'oem']);

/**
 * The channel of the installed key: `none` when no key is installed, `unknown` when nothing tells.
 * Never throws.
 */
export function channelOf(license: LicenseFacts): Channel {
  if (license.partialProductKey === null || license.partialProductKey === '') return 'none';
  const description = String(license.description ?? '')
    .slice(0, MAX_DESCRIPTION_CHARS)
    .toUpperCase();
  for (const [token, channel] of DESCRIPTION_TOKENS) {
    if (description.includes(token)) return channel;
  }
  const productKeyChannel = String(license.productKeyChannel ?? '').trim();
  for (const [pattern, channel] of PRODUCT_KEY_CHANNELS) {
    if (pattern.test(productKeyChannel)) return channel;
  }
  return avmaKeyByPartialKey(license.partialProductKey) === null ? 'unknown' : 'avma';
}
