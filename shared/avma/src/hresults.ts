/**
 * HRESULT parsing and lookup: the `Slui.exe 0x2a <code>` answer (seed 004) without a Windows machine.
 * Codes arrive in many spellings: slmgr prints `0xC004FD02`, event data and logs carry `C004FD02`, WMI
 * `LicenseStatusReason` is an unsigned 32-bit integer (3221552386) and .NET/PowerShell show the signed
 * int32 (-1073414910).
 */
import { AvmaError, quoteInput } from './errors.js';
import { HRESULT_CATALOGUE, type HresultEntry } from './hresult-catalogue.js';

export interface HresultInfo {
  /** `0x` + eight uppercase hex digits. */
  readonly code: string;
  readonly symbol: string;
  readonly message: string;
  readonly detail?: string;
}

const UINT32_LIMIT = 2 ** 32;
const INT32_MIN = -(2 ** 31);
/** Longest accepted spelling: "-2147483648" and "0xFFFFFFFF" are shorter, blanks around are trimmed. */
const MAX_HRESULT_INPUT_CHARS = 32;
const EXPECTED_FORMS = 'expected 0xC004FD02, C004FD02, 3221552386 or -1073414910';

const BY_CODE: ReadonlyMap<number, HresultEntry> = new Map(
  HRESULT_CATALOGUE.map((entry) => [Number.parseInt(entry.code.slice(2), 16), entry]),
);

function invalid(input: unknown): AvmaError {
  return new AvmaError(
    'INVALID_HRESULT',
    `HRESULT ${quoteInput(input)} is not a 32-bit code, ${EXPECTED_FORMS}`,
  );
}

function fromNumber(value: number, input: unknown): number {
  if (!Number.isInteger(value) || value < INT32_MIN || value >= UINT32_LIMIT) throw invalid(input);
  return value >>> 0;
}

/**
 * Reads any accepted spelling into the unsigned 32-bit value: `0x`-prefixed hex (1..8 digits), exactly
 * eight hex digits without prefix, an unsigned decimal, or a signed int32 decimal (leading `-`). Eight
 * decimal digits read as hex, the way HRESULTs are written (`80070005`). Throws `AvmaError`
 * INVALID_HRESULT naming the input and the accepted forms.
 */
export function parseHresult(input: string | number): number {
  if (typeof input === 'number') return fromNumber(input, input);
  if (typeof input !== 'string' || input.length > MAX_HRESULT_INPUT_CHARS) throw invalid(input);
  const text = input.trim();
  if (/^0x[0-9a-f]{1,8}$/i.test(text)) return Number.parseInt(text.slice(2), 16);
  if (/^[0-9a-f]{8}$/i.test(text)) return Number.parseInt(text, 16);
  if (/^-?\d{1,10}$/.test(text)) return fromNumber(Number(text), input);
  throw invalid(input);
}

/** `0x` + eight uppercase hex digits of an unsigned 32-bit value. Throws like `parseHresult`. */
export function formatHresult(value: number): string {
  const unsigned = fromNumber(value, value);
  return `0x${unsigned.toString(16).toUpperCase().padStart(8, '0')}`;
}

/**
 * Looks an HRESULT up in the activation catalogue. Accepts every spelling `parseHresult` does. Throws
 * `AvmaError` INVALID_HRESULT for malformed input and UNKNOWN_HRESULT for a well-formed code the
 * catalogue does not hold.
 */
export function lookupHresult(input: string | number): HresultInfo {
  const value = parseHresult(input);
  const entry = BY_CODE.get(value);
  if (entry === undefined) {
    throw new AvmaError(
      'UNKNOWN_HRESULT',
      `HRESULT ${formatHresult(value)} is not in the activation error catalogue (${BY_CODE.size} codes from slerror.h and winerror.h)`,
    );
  }
  const info = { code: entry.code, symbol: entry.symbol, message: entry.message };
  return Object.freeze(entry.detail === undefined ? info : { ...info, detail: entry.detail });
}

/** True when the catalogue holds the code. Never throws: malformed input is simply not known. */
export function isKnownHresult(input: string | number): boolean {
  try {
    return BY_CODE.has(parseHresult(input));
  } catch {
    return false;
  }
}
