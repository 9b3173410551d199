/** Eligibility reason codes (shared/avma, contract) in plain words for the VM page. */
import type { ReasonCode } from '../../../shared/avma/index.js';

export const REASON_WORDS: Readonly<Record<ReasonCode, string>> = Object.freeze({
  HOST_NOT_DATACENTER:
    'The host is not Windows Server Datacenter; only Datacenter hosts activate guests by AVMA.',
  HOST_NOT_ACTIVATED: 'The host itself is not activated, so it cannot activate its guests.',
  HOST_TOO_OLD: 'The host’s Windows version cannot activate a guest of this version.',
  GUEST_NOT_WINDOWS_SERVER: 'The guest is not Windows Server (a client or Linux guest).',
  GUEST_VERSION_UNSUPPORTED: 'The guest’s Windows Server version has no AVMA key.',
  GUEST_EDITION_UNSUPPORTED: 'The guest’s edition has no AVMA key.',
  GUEST_EVALUATION: 'The guest runs an Evaluation edition, which AVMA does not activate.',
  DATA_EXCHANGE_DISABLED: 'Data Exchange (KVP) is off for the VM, so the agent cannot deliver a key.',
  GUEST_UNKNOWN: 'The guest has not said what it is yet (no intrinsic KVP items).',
  TENANT_KEY: 'The tenant installed its own key; the agent leaves it alone.',
  OPTED_OUT: 'An operator opted this VM out of AVMA.',
});
