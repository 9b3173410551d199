import { LayerError } from '../errors/index.js';

/**
 * The one error type of the protocol layer, and the problem record that the parse functions return
 * instead of throwing (they run on tenant-controlled data, so hostile input is an answer, not a crash).
 */

export const PROTOCOL_PROBLEM_CODES = [
  /** The raw value is not a string at all. */
  'NOT_TEXT',
  /** Over 1022 UTF-16 units or 1022 UTF-8 bytes (checked before any parsing). */
  'TOO_LARGE',
  /** Not valid JSON. */
  'NOT_JSON',
  /** Valid JSON that does not match the message schema (wrong type, unknown field, out of range). */
  'SCHEMA',
] as const;
export type ProtocolProblemCode = (typeof PROTOCOL_PROBLEM_CODES)[number];

export interface ProtocolProblem {
  readonly code: ProtocolProblemCode;
  /** One line naming the field path and what was expected, e.g. `status.channel: expected one of …`. */
  readonly message: string;
}

export type ParseResult<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly problem: ProtocolProblem };

export class ProtocolError extends LayerError<ProtocolProblemCode> {
  override readonly name = 'ProtocolError';
  readonly layer = 'protocol';
}

/** A frozen problem record. Never throws. */
export function protocolProblem(code: ProtocolProblemCode, message: string): ProtocolProblem {
  return Object.freeze({ code, message });
}

/**
 * A short, printable rendering of an untrusted string for a message: JSON-quoted (control characters
 * and NUL escaped) and cut to `max` characters. Never throws.
 */
export function quoteUntrusted(text: string, max = 32): string {
  const cut = text.length > max ? `${text.slice(0, max)}…` : text;
  return JSON.stringify(cut);
}
