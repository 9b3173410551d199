/**
 * zod schemas of the three JSON messages (contract: architecture §6). Objects are strict (an unknown
 * field is refused), every string is length-capped by an anchored, bounded pattern (linear to check),
 * every number is an integer in a stated range. Each field carries the phrase used in problem messages,
 * so a message says what was expected without echoing tenant data.
 */
import { z } from 'zod';
import {
  CHANNELS,
  GUEST_NOTIFICATIONS,
  INTENT_ACTIONS,
  LICENSE_STATUSES,
  PROTOCOL_VERSION,
  REFUSAL_REASONS,
} from './vocabulary.js';

/** JavaScript's largest exact integer: sequence numbers and record ids stay below it. */
const MAX_COUNTER = Number.MAX_SAFE_INTEGER;
/** `GracePeriodRemaining` is a uint32 count of minutes. */
const MAX_GRACE_MINUTES = 0xffff_ffff;

/** The 24 base-24 digits plus N (shared/avma PRODUCT_KEY_ALPHABET); slmgr shows the last five. */
const PARTIAL_KEY = /^[BCDFGHJKMNPQRTVWXY2346789]{5}$/;
const HRESULT = /^0x[0-9A-F]{8}$/;
/** NetBIOS or DNS host names: letters, digits, dot, dash, underscore; at most 255 characters. */
const HOST_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,254}$/;
/** `1.2.3`, `0.1.0-lab+7`: at most 32 characters. */
const AGENT_VERSION = /^[0-9A-Za-z][0-9A-Za-z.+-]{0,31}$/;

export interface FieldSpec {
  readonly schema: z.ZodType;
  /** What was expected, for messages: `one of install, wipe`. */
  readonly expected: string;
}

function oneOf(values: readonly string[]): string {
  return `one of ${values.join(', ')}`;
}

/** UTC only (`Z`), as `toISOString()` writes it; the calendar date is checked too. */
function isoTime(): z.ZodType<string> {
  return z.iso.datetime();
}

const FIELD = {
  v: { schema: z.literal(PROTOCOL_VERSION), expected: `${PROTOCOL_VERSION}` },
  intentSeq: { schema: z.int().min(1).max(MAX_COUNTER), expected: `an integer 1..${MAX_COUNTER}` },
  ackSeq: { schema: z.int().min(0).max(MAX_COUNTER), expected: `an integer 0..${MAX_COUNTER}` },
  action: { schema: z.enum(INTENT_ACTIONS), expected: oneOf(INTENT_ACTIONS) },
  licenseStatus: { schema: z.enum(LICENSE_STATUSES), expected: oneOf(LICENSE_STATUSES) },
  channel: { schema: z.enum(CHANNELS), expected: oneOf(CHANNELS) },
  partialKey: {
    schema: z.string().regex(PARTIAL_KEY).nullable(),
    expected: '5 characters of the product-key alphabet, or null',
  },
  avmaHost: {
    schema: z.string().regex(HOST_NAME).nullable(),
    expected: 'a host name of at most 255 letters, digits, ".", "-" or "_", or null',
  },
  lastActivation: { schema: isoTime().nullable(), expected: 'an ISO-8601 UTC time, or null' },
  graceMinutes: {
    schema: z.int().min(0).max(MAX_GRACE_MINUTES),
    expected: `an integer 0..${MAX_GRACE_MINUTES}`,
  },
  lastHresult: {
    schema: z.string().regex(HRESULT).nullable(),
    expected: '"0x" and 8 upper-case hex digits, or null',
  },
  agentVersion: {
    schema: z.string().regex(AGENT_VERSION),
    expected: 'a version of at most 32 letters, digits, ".", "+" or "-"',
  },
  refused: { schema: z.enum(REFUSAL_REASONS).nullable(), expected: `${oneOf(REFUSAL_REASONS)}, or null` },
  recordId: { schema: z.int().min(1).max(MAX_COUNTER), expected: `an integer 1..${MAX_COUNTER}` },
  time: { schema: isoTime(), expected: 'an ISO-8601 UTC time' },
  notification: { schema: z.enum(GUEST_NOTIFICATIONS), expected: oneOf(GUEST_NOTIFICATIONS) },
  eventHresult: {
    schema: z.string().regex(HRESULT).nullable(),
    expected: '"0x" and 8 upper-case hex digits, or null',
  },
  eventHost: {
    schema: z.string().regex(HOST_NAME).optional(),
    expected: 'a host name of at most 255 letters, digits, ".", "-" or "_", or absent',
  },
} as const satisfies Record<string, FieldSpec>;

export const INTENT_FIELDS = { v: FIELD.v, seq: FIELD.intentSeq, action: FIELD.action } as const;

export const STATUS_FIELDS = {
  v: FIELD.v,
  seq: FIELD.ackSeq,
  licenseStatus: FIELD.licenseStatus,
  channel: FIELD.channel,
  partialKey: FIELD.partialKey,
  avmaHost: FIELD.avmaHost,
  lastActivation: FIELD.lastActivation,
  graceMinutes: FIELD.graceMinutes,
  lastHresult: FIELD.lastHresult,
  agentVersion: FIELD.agentVersion,
  refused: FIELD.refused,
} as const;

export const GUEST_EVENT_FIELDS = {
  v: FIELD.v,
  recordId: FIELD.recordId,
  time: FIELD.time,
  notification: FIELD.notification,
  hresult: FIELD.eventHresult,
  host: FIELD.eventHost,
} as const;

type Shape<F extends Record<string, FieldSpec>> = { [K in keyof F]: F[K]['schema'] };

function shapeOf<F extends Record<string, FieldSpec>>(fields: F): Shape<F> {
  const shape: Record<string, z.ZodType> = {};
  for (const [name, field] of Object.entries(fields)) shape[name] = field.schema;
  return shape as Shape<F>;
}

/** `AvmaAgent.Intent`: what the host asks of the guest. */
export const Intent = z.strictObject(shapeOf(INTENT_FIELDS));
export type Intent = z.infer<typeof Intent>;

/** `AvmaAgent.Status`: the guest agent's report (untrusted on the host: nothing in it is billed). */
export const AgentStatus = z.strictObject(shapeOf(STATUS_FIELDS));
export type AgentStatus = z.infer<typeof AgentStatus>;

/** `AvmaAgent.Event.N`: one 12309 record forwarded by the guest. */
export const GuestEvent = z.strictObject(shapeOf(GUEST_EVENT_FIELDS));
export type GuestEvent = z.infer<typeof GuestEvent>;
