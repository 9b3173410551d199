import { describe, expect, it } from 'vitest';
import {
  EVENT_ITEM_NAMES,
  EVENT_RING_SIZE,
  eventItemName,
  eventSlotOf,
  GUEST_ITEM_NAMES,
  HOST_ITEM_NAMES,
  isAgentItem,
  PROTOCOL_MAX_KEY_UNITS,
} from '../../../shared/protocol/index.js';

describe('shared/protocol/item-names', () => {
  it('names the eight ring slots AvmaAgent.Event.0 to AvmaAgent.Event.7', () => {
    expect(EVENT_RING_SIZE).toBe(8);
    expect(EVENT_ITEM_NAMES).toEqual([0, 1, 2, 3, 4, 5, 6, 7].map((slot) => `AvmaAgent.Event.${slot}`));
    expect(eventItemName(5)).toBe('AvmaAgent.Event.5');
  });

  it('maps only exact ring names back to slots', () => {
    expect(eventSlotOf('AvmaAgent.Event.7')).toBe(7);
    for (const name of [
      'AvmaAgent.Event.8',
      'AvmaAgent.Event.07',
      'avmaagent.event.1',
      'AvmaAgent.Event.1 ',
    ]) {
      expect(eventSlotOf(name)).toBeNull();
    }
  });

  it('recognises every product item and nothing else', () => {
    for (const name of [...GUEST_ITEM_NAMES, ...HOST_ITEM_NAMES]) expect(isAgentItem(name)).toBe(true);
    for (const name of [
      'FullyQualifiedDomainName',
      'AvmaAgent',
      'avmaagent.Status',
      'XAvmaAgent.Status',
      '',
    ]) {
      expect(isAgentItem(name)).toBe(false);
    }
  });

  it('keeps every protocol item name within the key limit', () => {
    for (const name of [...GUEST_ITEM_NAMES, ...HOST_ITEM_NAMES]) {
      expect(name.length).toBeLessThanOrEqual(PROTOCOL_MAX_KEY_UNITS);
    }
  });
});
