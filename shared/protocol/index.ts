/** The agent<->guest KVP protocol (contract: architecture §6): item names, limits, messages. */
export {
  encodeGuestEvent,
  encodeIntent,
  encodeStatus,
  parseGuestEvent,
  parseIntent,
  parseStatus,
} from './codec.js';
export {
  AGENT_ITEM_PREFIX,
  EVENT_ITEM_NAMES,
  EVENT_RING_SIZE,
  type EventSlot,
  eventItemName,
  eventSlotOf,
  GUEST_ITEM_NAMES,
  HOST_ITEM_NAMES,
  INTENT_ITEM,
  isAgentItem,
  KEY_ITEM,
  STATUS_ITEM,
} from './item-names.js';
export {
  checkProtocolItem,
  fitsKeyLimit,
  PROTOCOL_MAX_KEY_UNITS,
  PROTOCOL_MAX_VALUE_UNITS,
  PROTOCOL_MAX_VALUE_UTF8_BYTES,
  utf8ByteLength,
  valueSizeViolation,
} from './limits.js';
export { AgentStatus, GuestEvent, Intent } from './messages.js';
export {
  type ParseResult,
  ProtocolError,
  type ProtocolProblem,
  type ProtocolProblemCode,
  quoteUntrusted,
} from './protocol-error.js';
export {
  CHANNELS,
  GUEST_NOTIFICATIONS,
  type GuestNotification,
  INTENT_ACTIONS,
  type IntentAction,
  LICENSE_STATUSES,
  PROTOCOL_VERSION,
  REFUSAL_REASONS,
  type RefusalReason,
} from './vocabulary.js';
