/** Shared setup of the guest agent tests: a fake platform, intents, and readers of what was written. */
import { GuestAgent } from '../../../guest/agent/guest-agent.js';
import type { GuestTickReport } from '../../../guest/agent/tick-report.js';
import {
  type AgentStatus,
  INTENT_ITEM,
  KEY_ITEM,
  parseStatus,
  STATUS_ITEM,
} from '../../../shared/protocol/index.js';
import { FakeGuestPlatform } from '../fake-platform.js';

/** Microsoft's AVMA table (automatic-vm-activation.md), quoted here rather than computed. */
export const AVMA_2019_STANDARD = 'TNK62-RXVTB-4P47B-2D623-4GF74';
export const AVMA_2019_DATACENTER = 'H3RNG-8C32Q-Q8FRX-6TDXV-WMBMW';
export const AVMA_2016_STANDARD = 'C3RCX-M6NRP-6CXC9-TW2F2-4RHYD';
/** Microsoft's KMS client setup key for Windows Server 2019 Standard (kms-client-activation-keys.md). */
export const GVLK_2019_STANDARD = 'N69G4-B89J2-4G8F4-WWYCC-J464C';
export const RETAIL_KEY = 'VK7JG-NPHTM-C97JM-9MPGT-3V66T';

export function setup(): { platform: FakeGuestPlatform; agent: GuestAgent } {
  const platform = new FakeGuestPlatform();
  return { platform, agent: new GuestAgent(platform, { agentVersion: '0.1.0' }) };
}

export function push(
  platform: FakeGuestPlatform,
  seq: number,
  action: 'install' | 'wipe',
  key?: string,
): void {
  if (key !== undefined) platform.external.set(KEY_ITEM, key);
  platform.external.set(INTENT_ITEM, JSON.stringify({ v: 1, seq, action }));
}

export function kinds(report: GuestTickReport): string[] {
  return report.actions.map((action) => action.kind);
}

export function statusIn(platform: FakeGuestPlatform): AgentStatus {
  const parsed = parseStatus(platform.guest.get(STATUS_ITEM));
  if (!parsed.ok) throw new Error(parsed.problem.message);
  return parsed.value;
}
