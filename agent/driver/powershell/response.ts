import { DriverError, type DriverErrorCode } from '../driver-error.js';
import type { PsOperation } from './operations.js';

/**
 * Reads the one marked result line out of everything a call printed on stdout. Host output, warnings
 * and lines of other calls are ignored; only the line that starts with this call's marker counts.
 */

/** Longest stdout accepted for one call (a 1,024-VM inventory with busy guests is a few MB). */
export const MAX_RESPONSE_CHARS = 64 * 1024 * 1024;
/** Longest piece of host text quoted in an error message. */
const MAX_QUOTED = 160;

/** Cuts host text to one short line for an error message. */
export function quoteHostText(text: string): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return oneLine.length > MAX_QUOTED ? `${oneLine.slice(0, MAX_QUOTED)}…` : oneLine;
}

/** The script-side failure the envelope reports as `{"error": {...}}`. */
export interface ScriptFailure {
  readonly message: string;
  readonly type: string;
  readonly id: string;
}

export type ParsedResponse =
  | { readonly kind: 'ok'; readonly value: unknown }
  | { readonly kind: 'error'; readonly failure: ScriptFailure };

function badResponse(operation: PsOperation, what: string): DriverError {
  return new DriverError('BAD_RESPONSE', `${operation}: ${what}`);
}

function resultLine(stdout: string, marker: string, operation: PsOperation): string {
  let found: string | undefined;
  for (const rawLine of stdout.split('\n')) {
    const line = rawLine.replace(/^\uFEFF/, '').replace(/\r$/, '');
    if (!line.startsWith(marker)) continue;
    if (found !== undefined)
      throw badResponse(operation, 'two result lines for one call; expected exactly one');
    found = line.slice(marker.length);
  }
  if (found === undefined) {
    const shown = stdout.trim() === '' ? 'nothing' : `"${quoteHostText(stdout)}"`;
    throw badResponse(
      operation,
      `no result line in the output (got ${shown}); expected one line starting with the call marker`,
    );
  }
  return found;
}

function stringField(record: Record<string, unknown>, key: string): string {
  const value = record[key];
  return typeof value === 'string' ? value : '';
}

/**
 * Parses the marked line: `{"ok": <operation result>}` or `{"error": {message, type, id}}`. Throws
 * DriverError 'BAD_RESPONSE' for a missing or repeated line, text that is not JSON (garbage, a line cut
 * short) or JSON of another shape; never returns a partial result.
 */
export function parseResponse(stdout: string, marker: string, operation: PsOperation): ParsedResponse {
  if (stdout.length > MAX_RESPONSE_CHARS) {
    throw badResponse(
      operation,
      `output is ${stdout.length} characters; expected at most ${MAX_RESPONSE_CHARS}`,
    );
  }
  const line = resultLine(stdout, marker, operation);
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    throw badResponse(operation, `result line is not JSON: "${quoteHostText(line)}"`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw badResponse(operation, 'result is not a JSON object; expected {"ok": …} or {"error": …}');
  }
  const record = parsed as Record<string, unknown>;
  const keys = Object.keys(record);
  if (keys.length === 1 && keys[0] === 'ok') return { kind: 'ok', value: record.ok };
  const error = record.error;
  if (keys.length === 1 && typeof error === 'object' && error !== null && !Array.isArray(error)) {
    const fields = error as Record<string, unknown>;
    return {
      kind: 'error',
      failure: {
        message: stringField(fields, 'message'),
        type: stringField(fields, 'type'),
        id: stringField(fields, 'id'),
      },
    };
  }
  throw badResponse(
    operation,
    `result has keys [${keys.slice(0, 5).join(', ')}]; expected exactly "ok" or "error"`,
  );
}

/** Exception types that mean the host could not be reached rather than that the operation failed. */
const UNREACHABLE_TYPES = [
  'System.Management.Automation.Remoting.PSRemotingTransportException',
  'Microsoft.Management.Infrastructure.CimException',
] as const;

/**
 * Maps a failure the script reported as data to a DriverError: remoting transport failures become
 * 'HOST_UNAVAILABLE' (for CIM only when the message says the host is unreachable), everything else
 * 'FAILED' with the host's message quoted on one line.
 */
export function scriptFailureError(operation: PsOperation, failure: ScriptFailure): DriverError {
  const message = quoteHostText(failure.message) || '(no message)';
  let code: DriverErrorCode = 'FAILED';
  if (failure.type === UNREACHABLE_TYPES[0]) code = 'HOST_UNAVAILABLE';
  if (
    failure.type === UNREACHABLE_TYPES[1] &&
    /RPC server is unavailable|cannot connect|WinRM/i.test(failure.message)
  ) {
    code = 'HOST_UNAVAILABLE';
  }
  const type = failure.type === '' ? '' : ` (${failure.type})`;
  return new DriverError(code, `${operation}: PowerShell reported: ${message}${type}`);
}
