/**
 * The one error type of the hyperv-kvp layer. Every refusal (CIM-XML decoding, encoding, limits, Linux
 * pool files) is a `KvpError` with a code from this closed union, so callers branch on `code` and never
 * on the message.
 */
export const KVP_ERROR_CODES = [
  /** Not well-formed XML, or XML that is not the CIM-XML shape of one embedded instance. */
  'MALFORMED_XML',
  /** DOCTYPE, ENTITY, CDATA, comments, processing instructions (the XML declaration included). */
  'FORBIDDEN_MARKUP',
  /** An element other than INSTANCE, PROPERTY, VALUE. */
  'UNKNOWN_ELEMENT',
  /** An entity reference other than the five predefined XML entities. */
  'UNKNOWN_ENTITY',
  /** A numeric character reference to a surrogate or beyond U+10FFFF. */
  'INVALID_CHAR_REF',
  /** A character XML cannot carry: raw C0 controls other than TAB/LF/CR, U+FFFE, U+FFFF. */
  'FORBIDDEN_CHARACTER',
  /** U+0000, raw or referenced: the Windows registry and the Linux daemon store NUL-terminated strings. */
  'NUL_CHARACTER',
  /** A lone UTF-16 surrogate, which no UTF-16 or UTF-8 consumer can represent. */
  'UNPAIRED_SURROGATE',
  /** Non-whitespace text outside a VALUE element. */
  'TEXT_OUTSIDE_VALUE',
  /** An element nested inside VALUE (the format is INSTANCE > PROPERTY > VALUE). */
  'TOO_DEEP',
  /** An item over a named size or count cap. */
  'TOO_LARGE',
  /** An INSTANCE whose CLASSNAME is not Msvm_KvpExchangeDataItem. */
  'WRONG_CLASS',
  /** A required property (Name, Source) is absent or has no VALUE. */
  'MISSING_PROPERTY',
  /** The same property NAME twice in one instance. */
  'DUPLICATE_PROPERTY',
  /** A key that is the empty string. */
  'EMPTY_KEY',
  /** A Source that is not one of the integers 0..4. */
  'INVALID_SOURCE',
  /** A key over a size limit (wire, portable or protocol). */
  'KEY_TOO_LONG',
  /** A value over a size limit (wire, portable or protocol). */
  'VALUE_TOO_LONG',
  /** A pool file whose length is not a whole number of records. */
  'TRUNCATED_POOL',
  /** Bytes in a pool record that are not valid UTF-8. */
  'INVALID_UTF8',
  /** The same key twice where keys must be unique (writing a pool file). */
  'DUPLICATE_KEY',
] as const;

export type KvpErrorCode = (typeof KVP_ERROR_CODES)[number];

/** Where a refusal happened: the item (or pool record) index and the offset inside the input. */
export interface KvpErrorLocation {
  readonly itemIndex?: number | null;
  readonly offset?: number | null;
}

/** Longest piece of tenant text an error message quotes; the rest is cut so logs stay one short line. */
const MAX_QUOTED_CHARS = 40;

/**
 * Quotes untrusted text for an error reason: JSON string syntax (so control characters and quotes are
 * visible and cannot break the log line), cut to {@link MAX_QUOTED_CHARS} characters.
 */
export function quoteForError(text: string): string {
  if (text.length <= MAX_QUOTED_CHARS) return JSON.stringify(text);
  return `${JSON.stringify(text.slice(0, MAX_QUOTED_CHARS))}... (${text.length} chars)`;
}

function describeLocation(itemIndex: number | null, offset: number | null): string {
  const item = itemIndex === null ? 'KVP' : `KVP item ${itemIndex}`;
  return offset === null ? item : `${item} at offset ${offset}`;
}

/**
 * A refusal by the hyperv-kvp layer: a code from KVP_ERROR_CODES, where it happened, and why. The
 * package has no dependencies, so this extends `Error` directly, in the same shape as avma-agent's
 * layer errors (`layer`, `code`, `cause`, a one-line message).
 */
export class KvpError extends Error {
  override readonly name = 'KvpError';
  readonly layer = 'kvp';
  readonly code: KvpErrorCode;
  /** Index of the failing item in the caller's list (or pool record index); null for a lone value. */
  readonly itemIndex: number | null;
  /** UTF-16 offset into the XML text, or byte offset into a pool file; null when not meaningful. */
  readonly offset: number | null;
  /** What was wrong and what was expected, without the location prefix. */
  readonly reason: string;

  constructor(
    code: KvpErrorCode,
    reason: string,
    location: KvpErrorLocation = {},
    options?: { cause?: unknown },
  ) {
    const itemIndex = location.itemIndex ?? null;
    const offset = location.offset ?? null;
    super(`${describeLocation(itemIndex, offset)}: ${reason}`, options);
    this.code = code;
    this.itemIndex = itemIndex;
    this.offset = offset;
    this.reason = reason;
  }
}

/** True when `value` is a KvpError; lets callers narrow `unknown` from a catch clause. */
export function isKvpError(value: unknown): value is KvpError {
  return value instanceof KvpError;
}
