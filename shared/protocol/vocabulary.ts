/**
 * Closed vocabularies of the protocol messages. Licence statuses and channels are the shared domain
 * vocabulary (shared/avma); refusal reasons and notifications are defined by this contract.
 */
import { CHANNELS, LICENSE_STATUSES } from '../avma/index.js';

export { CHANNELS, LICENSE_STATUSES };

/** Why the guest agent did not install the key of the last `install` intent. */
export const REFUSAL_REASONS = [
  /** The External pool held no `AvmaAgent.Key` item, or it was unreadable. */
  'NO_KEY',
  /** The key is not the AVMA key the shared table lists for this guest's own version and edition. */
  'KEY_NOT_FOR_THIS_GUEST',
  /** The guest holds the tenant's own retail, OEM or MAK key (or a key of unknown channel). */
  'TENANT_KEY',
  /** Evaluation editions refuse AVMA keys (slmgr /ipk fails with 0xC004F069). */
  'EVALUATION',
  /** The guest could not tell its own OS, version or edition. */
  'GUEST_UNKNOWN',
  /** `slmgr /ipk` failed; `lastHresult` carries its code. */
  'INSTALL_FAILED',
] as const;
export type RefusalReason = (typeof REFUSAL_REASONS)[number];

/** The 12309 notification of a forwarded event; `unknown` when the event text named none. */
export const GUEST_NOTIFICATIONS = [
  'success',
  'invalid-host',
  'invalid-data',
  'activation-denied',
  'unknown',
] as const;
export type GuestNotification = (typeof GUEST_NOTIFICATIONS)[number];

export const INTENT_ACTIONS = ['install', 'wipe'] as const;
export type IntentAction = (typeof INTENT_ACTIONS)[number];

/** The only protocol version so far; a newer `v` is refused rather than guessed at. */
export const PROTOCOL_VERSION = 1;
