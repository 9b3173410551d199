import { randomBytes } from 'node:crypto';
import { DriverError } from '../driver-error.js';
import { fillPlaceholder } from './one-line.js';
import type { PsOperation } from './operations.js';
import { ENVELOPE_PLACEHOLDERS, operationTemplate, type ScriptCatalog } from './script-catalog.js';

/** Arguments of one operation: plain JSON data, decoded inside the script from base64. */
export type PsArguments = Readonly<Record<string, unknown>>;

/** What travels in the base64 blob: the target host (null for the local host) and the arguments. */
export interface PsRequestPayload {
  readonly ComputerName: string | null;
  readonly Arguments: PsArguments;
}

/**
 * A result marker unique to one call: "avma:" + 32 random hex digits + ":". A stale line from an
 * earlier, abandoned call can never be taken for this call's result.
 */
export function newMarker(): string {
  return `avma:${randomBytes(16).toString('hex')}:`;
}

const MARKER_SHAPE = /^avma:[0-9a-f]{32}:$/;
const BASE64_SHAPE = /^[A-Za-z0-9+/]*={0,2}$/;

/** Base64 of the UTF-8 JSON payload; the only form in which data enters script text. */
export function encodeRequestPayload(payload: PsRequestPayload): string {
  return Buffer.from(JSON.stringify(payload), 'utf8').toString('base64');
}

/**
 * The exact one-line text sent to PowerShell for `operation`: envelope + operation script, with the
 * marker and the base64 payload filled in. Throws DriverError 'INVALID_ARGUMENT' if the marker is not
 * the expected shape (it is spliced into a quoted literal) and 'FAILED' if the result would not be a
 * single line (a script file broke the one-line rules).
 */
export function buildRequestText(
  catalog: ScriptCatalog,
  operation: PsOperation,
  payload: PsRequestPayload,
  marker: string,
): string {
  if (!MARKER_SHAPE.test(marker)) {
    throw new DriverError('INVALID_ARGUMENT', `marker "${marker}" is not "avma:" + 32 hex digits + ":"`);
  }
  const base64 = encodeRequestPayload(payload);
  if (!BASE64_SHAPE.test(base64))
    throw new DriverError('FAILED', 'base64 encoding produced unexpected characters');
  let text = operationTemplate(catalog, operation);
  text = fillPlaceholder(text, ENVELOPE_PLACEHOLDERS.marker, marker);
  text = fillPlaceholder(text, ENVELOPE_PLACEHOLDERS.request, base64);
  if (/[\r\n\u2028\u2029]/.test(text)) {
    throw new DriverError(
      'FAILED',
      `the ${operation} script is not one line after joining; expected one line`,
    );
  }
  return text;
}
