/**
 * Whether to install the key the host pushed. The guest trusts nothing in the External pool (KVP data
 * is not secured, [MS-AVMA-2023]): it installs only the AVMA key the shared table lists for its OWN
 * version and edition, and never replaces the tenant's own key.
 */
import { avmaKeyFor, type Channel } from '../../shared/avma/index.js';
import type { RefusalReason } from '../../shared/protocol/index.js';
import type { GuestOsFacts, LicenseFacts } from '../platform/guest-platform.js';
import { channelOf } from './channel.js';

export type InstallDecision =
  | { readonly kind: 'refuse'; readonly reason: RefusalReason }
  | { readonly kind: 'install'; readonly key: string }
  | { readonly kind: 'already-installed'; readonly key: string };

/**
 * Channels the guest agent will overwrite: no key, a KMS client key (GVLK) or an AVMA key (of another
 * version, after an in-place upgrade). Retail, OEM and MAK keys are the tenant's; an `unknown` channel
 * might be, so it is left alone too.
 */
const REPLACEABLE_CHANNELS: readonly Channel[] = ['none', 'gvlk', 'avma'];

export interface InstallInput {
  /** The `AvmaAgent.Key` value, or `null` when absent. */
  readonly pushedKey: string | null;
  readonly os: GuestOsFacts;
  readonly license: LicenseFacts;
}

/**
 * Decides an install intent. Refusals, in order: NO_KEY, GUEST_UNKNOWN, KEY_NOT_FOR_THIS_GUEST (the key
 * must equal the table's key exactly), EVALUATION (slmgr /ipk would fail with 0xC004F069), TENANT_KEY.
 * The key to install is always the table's string, never the pushed text. Never throws.
 */
export function decideInstall(input: InstallInput): InstallDecision {
  const { pushedKey, os, license } = input;
  if (pushedKey === null) return refuse('NO_KEY');
  if (os.os !== 'windows-server' || os.version === null || os.edition === null)
    return refuse('GUEST_UNKNOWN');
  const tableKey = avmaKeyFor(os.version, os.edition);
  if (tableKey === null || pushedKey !== tableKey) return refuse('KEY_NOT_FOR_THIS_GUEST');
  if (os.evaluation === true) return refuse('EVALUATION');
  const channel = channelOf(license);
  if (!REPLACEABLE_CHANNELS.includes(channel)) return refuse('TENANT_KEY');
  if (channel === 'avma' && license.partialProductKey?.toUpperCase() === tableKey.slice(-5)) {
    return { kind: 'already-installed', key: tableKey };
  }
  return { kind: 'install', key: tableKey };
}

function refuse(reason: RefusalReason): InstallDecision {
  return { kind: 'refuse', reason };
}
