/**
 * Parsing and encoding of the protocol messages. Parsing runs on tenant-controlled text (the host reads
 * a guest's Status and Events; a guest reads what anyone with host access pushed): it never throws, it
 * checks the size cap before `JSON.parse`, and problems name the field path without echoing the value.
 * Encoding runs on our own data and throws `ProtocolError` when a message would break the contract.
 */
import type { z } from 'zod';
import { valueSizeViolation } from './limits.js';
import {
  AgentStatus,
  type FieldSpec,
  GUEST_EVENT_FIELDS,
  GuestEvent,
  INTENT_FIELDS,
  Intent,
  STATUS_FIELDS,
} from './messages.js';
import {
  type ParseResult,
  ProtocolError,
  type ProtocolProblem,
  protocolProblem,
  quoteUntrusted,
} from './protocol-error.js';

interface MessageKind<T> {
  /** Prefix of field paths in messages: `intent`, `status`, `event`. */
  readonly label: string;
  readonly schema: z.ZodType<T>;
  readonly fields: Readonly<Record<string, FieldSpec>>;
}

const INTENT_KIND: MessageKind<Intent> = { label: 'intent', schema: Intent, fields: INTENT_FIELDS };
const STATUS_KIND: MessageKind<AgentStatus> = { label: 'status', schema: AgentStatus, fields: STATUS_FIELDS };
const EVENT_KIND: MessageKind<GuestEvent> = {
  label: 'event',
  schema: GuestEvent,
  fields: GUEST_EVENT_FIELDS,
};

/**
 * Parses an `AvmaAgent.Intent` value. Returns `{ ok: true, value }` for a valid intent, else
 * `{ ok: false, problem }` with code NOT_TEXT, TOO_LARGE, NOT_JSON or SCHEMA. Never throws.
 */
export function parseIntent(raw: unknown): ParseResult<Intent> {
  return parseMessage(raw, INTENT_KIND);
}

/** Parses an `AvmaAgent.Status` value; same result contract as `parseIntent`. Never throws. */
export function parseStatus(raw: unknown): ParseResult<AgentStatus> {
  return parseMessage(raw, STATUS_KIND);
}

/** Parses an `AvmaAgent.Event.N` value; same result contract as `parseIntent`. Never throws. */
export function parseGuestEvent(raw: unknown): ParseResult<GuestEvent> {
  return parseMessage(raw, EVENT_KIND);
}

/** Compact JSON of an intent. Throws `ProtocolError` SCHEMA or TOO_LARGE when it breaks the contract. */
export function encodeIntent(intent: Intent): string {
  return encodeMessage(intent, INTENT_KIND);
}

/** Compact JSON of a status. Throws `ProtocolError` SCHEMA or TOO_LARGE when it breaks the contract. */
export function encodeStatus(status: AgentStatus): string {
  return encodeMessage(status, STATUS_KIND);
}

/** Compact JSON of a forwarded event. Throws `ProtocolError` SCHEMA or TOO_LARGE. */
export function encodeGuestEvent(event: GuestEvent): string {
  return encodeMessage(event, EVENT_KIND);
}

function parseMessage<T>(raw: unknown, kind: MessageKind<T>): ParseResult<T> {
  if (typeof raw !== 'string') {
    return fail('NOT_TEXT', `${kind.label}: is ${describeType(raw)}, expected a JSON string`);
  }
  const oversize = valueSizeViolation(raw);
  if (oversize !== null) return fail('TOO_LARGE', `${kind.label}: value ${oversize}`);
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return fail('NOT_JSON', `${kind.label}: is not valid JSON, expected a JSON object`);
  }
  const checked = kind.schema.safeParse(json);
  if (!checked.success) return fail('SCHEMA', describeIssues(checked.error.issues, kind, json));
  return { ok: true, value: Object.freeze(checked.data) };
}

function encodeMessage<T>(message: T, kind: MessageKind<T>): string {
  const checked = kind.schema.safeParse(message);
  if (!checked.success) {
    throw new ProtocolError('SCHEMA', describeIssues(checked.error.issues, kind, message));
  }
  const text = JSON.stringify(checked.data);
  const oversize = valueSizeViolation(text);
  if (oversize !== null) throw new ProtocolError('TOO_LARGE', `${kind.label}: encoded value ${oversize}`);
  return text;
}

function fail(code: ProtocolProblem['code'], message: string): { ok: false; problem: ProtocolProblem } {
  return { ok: false, problem: protocolProblem(code, message) };
}

/** One line for the first issue (zod orders them by field), with a count of the rest. */
function describeIssues(
  issues: readonly z.core.$ZodIssue[],
  kind: MessageKind<unknown>,
  input: unknown,
): string {
  const first = issues[0];
  if (first === undefined) return `${kind.label}: does not match the schema`;
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : '';
  return `${describeIssue(first, kind, input)}${more}`;
}

function describeIssue(issue: z.core.$ZodIssue, kind: MessageKind<unknown>, input: unknown): string {
  if (issue.path.length === 0) {
    if (issue.code === 'unrecognized_keys') {
      const names = issue.keys.slice(0, 3).map((key) => quoteUntrusted(key));
      const known = Object.keys(kind.fields).join(', ');
      return `${kind.label}: unknown field ${names.join(', ')}, expected only ${known}`;
    }
    return `${kind.label}: is not a JSON object of the expected shape`;
  }
  const field = String(issue.path[0]);
  const path = `${kind.label}.${field}`;
  const spec = kind.fields[field];
  if (spec === undefined) return `${path}: does not match the schema`;
  const missing = typeof input === 'object' && input !== null && !Object.hasOwn(input, field);
  return missing ? `${path}: is missing, expected ${spec.expected}` : `${path}: expected ${spec.expected}`;
}

function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}
