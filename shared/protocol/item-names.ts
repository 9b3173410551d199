/**
 * KVP item names of the agent<->guest protocol (contract: architecture §6). Every item the product
 * writes on either side starts with `AvmaAgent.`; nothing else is ever written, modified or deleted.
 */

export const AGENT_ITEM_PREFIX = 'AvmaAgent.';

/** External pool (host -> guest, Source 0): the AVMA key the host wants installed. */
export const KEY_ITEM = 'AvmaAgent.Key';
/** External pool (host -> guest, Source 0): JSON `{"v":1,"seq":N,"action":"install"|"wipe"}`. */
export const INTENT_ITEM = 'AvmaAgent.Intent';
/** Guest pool (guest -> host, Source 1): the guest agent's report. */
export const STATUS_ITEM = 'AvmaAgent.Status';

/** Slots of the ring of recent 12309 events in the Guest pool: `AvmaAgent.Event.0` .. `.7`. */
export const EVENT_RING_SIZE = 8;
export type EventSlot = 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7;

const EVENT_ITEM_PREFIX = 'AvmaAgent.Event.';

/** `AvmaAgent.Event.0` .. `AvmaAgent.Event.7`, in slot order. */
export const EVENT_ITEM_NAMES: readonly string[] = Object.freeze(
  Array.from({ length: EVENT_RING_SIZE }, (_, slot) => `${EVENT_ITEM_PREFIX}${slot}`),
);

/** Every name the guest agent may write to its Guest pool. */
export const GUEST_ITEM_NAMES: readonly string[] = Object.freeze([STATUS_ITEM, ...EVENT_ITEM_NAMES]);

/** Every name the host agent may write to a VM's External pool. */
export const HOST_ITEM_NAMES: readonly string[] = Object.freeze([KEY_ITEM, INTENT_ITEM]);

/** The item name of a ring slot. Never throws: the slot type admits only 0..7. */
export function eventItemName(slot: EventSlot): string {
  return `${EVENT_ITEM_PREFIX}${slot}`;
}

/**
 * The ring slot an item name stands for, or `null` when the name is not exactly
 * `AvmaAgent.Event.0` .. `AvmaAgent.Event.7`. Never throws.
 */
export function eventSlotOf(name: string): EventSlot | null {
  const index = EVENT_ITEM_NAMES.indexOf(name);
  return index < 0 ? null : (index as EventSlot);
}

/**
 * Whether an item belongs to this product (its name starts with `AvmaAgent.`). The match is
 * case-sensitive on purpose: a tenant's own `avmaagent.x` item on a Linux guest is not ours, and on
 * Windows the registry folds case anyway, so our exact names still reach our values. Never throws.
 */
export function isAgentItem(name: string): boolean {
  return typeof name === 'string' && name.startsWith(AGENT_ITEM_PREFIX);
}
