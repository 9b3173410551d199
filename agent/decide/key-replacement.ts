/**
 * Key replacement (architecture §1.5, §6): a guest that was on an AVMA key now holds another key. Two
 * signals, both read from what the VM shows this sweep against what the store saw last:
 * - the guest agent reports a KMS client, MAK, retail or OEM channel;
 * - the guest agent's `AvmaAgent.*` items are all gone while the VM runs with working KVP: the guest
 *   agent deletes them itself when it sees its AVMA key replaced, so it may never report the new
 *   channel at all.
 * "Was on an AVMA key" is the latest stored observation's channel. A guest replaced while the store's
 * latest observation of it was not `avma` (for example replaced and shut down between two sweeps, then
 * observed off) is not detected; the guest agent still wipes its own side.
 */
import type { Channel } from '../../shared/avma/index.js';
import type { GuestReport } from './guest-report.js';

/** The channels that replace an AVMA key (the guest agent's own list, guest/agent/channel.ts). */
export const REPLACING_CHANNELS: readonly Channel[] = Object.freeze(['gvlk', 'mak', 'retail', 'oem']);

export interface ReplacementFacts {
  /** Channel of the store's latest observation of this VM, or `null` when never observed. */
  readonly previousChannel: Channel | null;
  readonly report: GuestReport;
  /** Running, Data Exchange on and intrinsic items present: the guest's KVP service answers. */
  readonly kvpWorking: boolean;
}

/** Why the sweep believes the AVMA key was replaced, or `null`. Never throws. */
export function keyReplacement(facts: ReplacementFacts): string | null {
  if (facts.previousChannel !== 'avma') return null;
  const channel = facts.report.status?.channel;
  if (channel !== undefined && REPLACING_CHANNELS.includes(channel)) {
    return `the guest reports a ${channel} key where it held an AVMA key`;
  }
  if (facts.kvpWorking && facts.report.agentItems.length === 0) {
    return 'the guest agent removed its AvmaAgent items (it does so when its AVMA key is replaced)';
  }
  return null;
}
