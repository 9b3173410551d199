/**
 * The install policy of architecture §7: push the AVMA key to an eligible guest that is unlicensed or
 * in grace, holds a KMS client key (GVLK), or holds an AVMA key of another version (left behind by an
 * in-place upgrade). A guest that already holds the right AVMA key is left alone even while its
 * activation fails (the host's reasons and the 12309 events say why); a tenant's retail, OEM or MAK
 * key is never a reason to push (it is TENANT_KEY, not eligible).
 */
import type { ServerVersion } from 'hyperv-kvp';
import { avmaKeyByPartialKey, isGraceStatus, TENANT_CHANNELS } from '../../shared/avma/index.js';
import type { AgentStatus } from '../../shared/protocol/index.js';

/** Why the key is pushed; recorded in the audit trail. */
export type InstallNeed = 'unlicensed' | 'grace' | 'kms-client-key' | 'wrong-avma-version';

/** The last five characters slmgr and the guest's status show of a product key. Never throws. */
export function partialKeyOf(key: string): string {
  return key.slice(-5);
}

/**
 * Whether the guest's report calls for the AVMA key `desiredKey`, and why; `null` when it does not.
 * An AVMA key counts as the wrong version only when the shared table knows its partial key and lists
 * no `guestVersion` for it (the table's partial keys are distinct). `notification` (licence status 5,
 * grace expired) counts as unlicensed. Never throws.
 */
export function installNeed(
  status: AgentStatus,
  desiredKey: string,
  guestVersion: ServerVersion | null,
): InstallNeed | null {
  if (status.channel === 'avma') {
    if (status.partialKey === null || status.partialKey === partialKeyOf(desiredKey)) return null;
    const held = avmaKeyByPartialKey(status.partialKey);
    const wrongVersion = held !== null && guestVersion !== null && !held.versions.includes(guestVersion);
    return wrongVersion ? 'wrong-avma-version' : null;
  }
  if (TENANT_CHANNELS.includes(status.channel)) return null;
  if (status.channel === 'gvlk') return 'kms-client-key';
  if (status.licenseStatus === 'unlicensed' || status.licenseStatus === 'notification') return 'unlicensed';
  if (isGraceStatus(status.licenseStatus)) return 'grace';
  return null;
}
