import {
  HV_KVP_EXCHANGE_MAX_KEY_SIZE,
  HV_KVP_EXCHANGE_MAX_VALUE_SIZE,
  KVP_CONFIG_LOC,
  KVP_RECORD_SIZE,
  type KvpPool,
} from './constants.js';
import { KvpError, type KvpErrorCode } from './errors.js';
import { decodeUtf8Strict, encodeUtf8, firstInvalidUtf8Byte } from './utf8.js';

/**
 * Linux guest pool files (`/var/lib/hyperv/.kvp_pool_N`), as hv_kvp_daemon.c writes them: a flat array
 * of `struct kvp_record { char key[512]; char value[2048]; }`, UTF-8, each field NUL-terminated.
 * Decisions:
 * - Bytes after a field's first NUL are ignored, not required to be zero: the daemon modifies a value
 *   in place with `memcpy(value, new, new_size)`, so a shorter value leaves the old tail behind.
 * - A field with no NUL in all its bytes is refused: the daemon stores NUL-terminated strings.
 * - An empty key is refused; the daemon never stores one.
 * - Duplicate keys (a writer that appends instead of modifying, as azure-init may): the last write
 *   wins, and the item keeps the position of the key's first record, like an in-place modify.
 */

function fieldError(
  code: KvpErrorCode,
  reason: string,
  recordIndex: number | null,
  offset: number,
): KvpError {
  return new KvpError(code, reason, { itemIndex: recordIndex, offset });
}

/** Reads one NUL-terminated UTF-8 field of `size` bytes starting at `start`. */
function readField(
  bytes: Uint8Array,
  start: number,
  size: number,
  field: 'key' | 'value',
  recordIndex: number | null,
): string {
  const nul = bytes.subarray(start, start + size).indexOf(0);
  if (nul < 0) {
    const code = field === 'key' ? 'KEY_TOO_LONG' : 'VALUE_TOO_LONG';
    throw fieldError(
      code,
      `${field} fills all ${size} bytes with no NUL terminator; expected a NUL-terminated string`,
      recordIndex,
      start,
    );
  }
  const text = bytes.subarray(start, start + nul);
  const decoded = decodeUtf8Strict(text);
  if (decoded === null) {
    const at = start + Math.max(0, firstInvalidUtf8Byte(text));
    throw fieldError(
      'INVALID_UTF8',
      `${field} is not valid UTF-8 (byte 0x${(bytes[at] ?? 0).toString(16)}); expected UTF-8 text`,
      recordIndex,
      at,
    );
  }
  return decoded;
}

function checkText(text: string, field: 'key' | 'value', maxBytes: number): Uint8Array {
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit === 0)
      throw new KvpError('NUL_CHARACTER', `${field} contains U+0000 at index ${i}; expected no NUL`);
    if (unit < 0xd800 || unit > 0xdfff) continue;
    const next = text.charCodeAt(i + 1);
    if (unit > 0xdbff || !(next >= 0xdc00 && next <= 0xdfff)) {
      throw new KvpError('UNPAIRED_SURROGATE', `${field} contains a lone surrogate at index ${i}`);
    }
    i++;
  }
  const bytes = encodeUtf8(text);
  if (bytes.length > maxBytes) {
    const code = field === 'key' ? 'KEY_TOO_LONG' : 'VALUE_TOO_LONG';
    throw new KvpError(
      code,
      `${field} is ${bytes.length} UTF-8 bytes, expected at most ${maxBytes} (pool record)`,
    );
  }
  return bytes;
}

/** One immutable pool record: a key and a value, both valid text that fits the fixed-size fields. */
export class KvpPoolRecord {
  readonly key: string;
  readonly value: string;
  readonly #keyBytes: Uint8Array;
  readonly #valueBytes: Uint8Array;

  private constructor(key: string, value: string, keyBytes: Uint8Array, valueBytes: Uint8Array) {
    this.key = key;
    this.value = value;
    this.#keyBytes = keyBytes;
    this.#valueBytes = valueBytes;
    Object.freeze(this);
  }

  /**
   * A record for `key` and `value`. Returns it when the key is non-empty, neither has NUL or lone
   * surrogates, and they fit 511 and 2047 UTF-8 bytes; throws KvpError otherwise.
   */
  static create(key: string, value: string): KvpPoolRecord {
    if (key.length === 0) throw new KvpError('EMPTY_KEY', 'key is empty; expected a non-empty key');
    const keyBytes = checkText(key, 'key', HV_KVP_EXCHANGE_MAX_KEY_SIZE - 1);
    const valueBytes = checkText(value, 'value', HV_KVP_EXCHANGE_MAX_VALUE_SIZE - 1);
    return new KvpPoolRecord(key, value, keyBytes, valueBytes);
  }

  /**
   * Decodes the record at byte `offset` of `bytes`. Returns it when 2560 bytes are there and both
   * fields are NUL-terminated valid UTF-8 with a non-empty key; throws KvpError (TRUNCATED_POOL,
   * KEY_TOO_LONG, VALUE_TOO_LONG, INVALID_UTF8, EMPTY_KEY) with the byte offset otherwise.
   */
  static decode(bytes: Uint8Array, offset: number, recordIndex: number | null = null): KvpPoolRecord {
    if (!Number.isInteger(offset) || offset < 0 || offset + KVP_RECORD_SIZE > bytes.length) {
      throw fieldError(
        'TRUNCATED_POOL',
        `no whole ${KVP_RECORD_SIZE}-byte record at offset ${offset} of ${bytes.length} bytes`,
        recordIndex,
        offset,
      );
    }
    const key = readField(bytes, offset, HV_KVP_EXCHANGE_MAX_KEY_SIZE, 'key', recordIndex);
    if (key.length === 0)
      throw fieldError('EMPTY_KEY', 'key is empty; expected a non-empty key', recordIndex, offset);
    const valueStart = offset + HV_KVP_EXCHANGE_MAX_KEY_SIZE;
    const value = readField(bytes, valueStart, HV_KVP_EXCHANGE_MAX_VALUE_SIZE, 'value', recordIndex);
    return KvpPoolRecord.create(key, value);
  }

  /** The record's 2560 bytes: key and value as UTF-8, each NUL-padded to its field size. */
  encode(): Uint8Array {
    const record = new Uint8Array(KVP_RECORD_SIZE);
    record.set(this.#keyBytes, 0);
    record.set(this.#valueBytes, HV_KVP_EXCHANGE_MAX_KEY_SIZE);
    return record;
  }
}

/**
 * Every record of a pool file, in file order, duplicates included. Returns [] for an empty file.
 * Throws KvpError TRUNCATED_POOL (offset = the partial record) when the length is not a multiple of
 * 2560, or the first record error (see KvpPoolRecord.decode), with the record index.
 */
export function readKvpPoolRecords(bytes: Uint8Array): KvpPoolRecord[] {
  const whole = bytes.length - (bytes.length % KVP_RECORD_SIZE);
  if (whole !== bytes.length) {
    throw fieldError(
      'TRUNCATED_POOL',
      `pool is ${bytes.length} bytes, expected a multiple of ${KVP_RECORD_SIZE}`,
      whole / KVP_RECORD_SIZE,
      whole,
    );
  }
  const records: KvpPoolRecord[] = [];
  for (let offset = 0; offset < whole; offset += KVP_RECORD_SIZE) {
    records.push(KvpPoolRecord.decode(bytes, offset, records.length));
  }
  return records;
}

/**
 * The pool's key/value pairs: like readKvpPoolRecords, but a key written twice appears once, with
 * its last value at the position of its first record. Same failures as readKvpPoolRecords.
 */
export function readKvpPool(bytes: Uint8Array): KvpPoolRecord[] {
  const byKey = new Map<string, KvpPoolRecord>();
  for (const record of readKvpPoolRecords(bytes)) byKey.set(record.key, record);
  return [...byKey.values()];
}

/**
 * The bytes of a pool file holding `records` in order. Throws KvpError DUPLICATE_KEY (with the index
 * of the second occurrence) when a key repeats: a pool written by us has one record per key.
 */
export function encodeKvpPool(records: readonly KvpPoolRecord[]): Uint8Array {
  const bytes = new Uint8Array(records.length * KVP_RECORD_SIZE);
  const seen = new Set<string>();
  records.forEach((record, index) => {
    if (seen.has(record.key)) {
      throw new KvpError('DUPLICATE_KEY', `key appears twice in the pool; expected one record per key`, {
        itemIndex: index,
      });
    }
    seen.add(record.key);
    bytes.set(record.encode(), index * KVP_RECORD_SIZE);
  });
  return bytes;
}

/** The daemon's file for `pool`: `/var/lib/hyperv/.kvp_pool_N` (hv_kvp_daemon.c). */
export function kvpPoolPath(pool: KvpPool): string {
  return `${KVP_CONFIG_LOC}/.kvp_pool_${pool}`;
}
