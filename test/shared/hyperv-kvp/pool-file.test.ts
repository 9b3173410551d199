import fc from 'fast-check';
import {
  encodeKvpPool,
  HV_KVP_EXCHANGE_MAX_KEY_SIZE,
  KVP_POOL,
  KVP_RECORD_SIZE,
  KvpPoolRecord,
  kvpPoolPath,
  readKvpPool,
  readKvpPoolRecords,
} from 'hyperv-kvp';
import { describe, expect, it } from 'vitest';
import { expectKvpError, fixtureText } from './fixture-files.js';

const utf8 = new TextEncoder();

/**
 * Generator for the binary pool fixture: the Azure dump is `tr -s '\000' '\n'` of a pool file, so
 * its lines alternate key and value; each pair becomes one record as hv_kvp_daemon.c writes it
 * (UTF-8 key at 0, value at 512, NUL-padded to 2560 bytes).
 */
function poolBytesFromDump(dump: string): { readonly bytes: Uint8Array; readonly pairs: [string, string][] } {
  const lines = dump.split('\n').filter((line) => line.length > 0);
  const pairs: [string, string][] = [];
  for (let i = 0; i + 1 < lines.length; i += 2) pairs.push([lines[i] as string, lines[i + 1] as string]);
  const bytes = new Uint8Array(pairs.length * KVP_RECORD_SIZE);
  pairs.forEach(([key, value], index) => {
    bytes.set(utf8.encode(key), index * KVP_RECORD_SIZE);
    bytes.set(utf8.encode(value), index * KVP_RECORD_SIZE + HV_KVP_EXCHANGE_MAX_KEY_SIZE);
  });
  return { bytes, pairs };
}

/** One raw record with the given key and value bytes (no NUL added). */
function rawRecord(key: readonly number[], value: readonly number[]): Uint8Array {
  const record = new Uint8Array(KVP_RECORD_SIZE);
  record.set(key, 0);
  record.set(value, HV_KVP_EXCHANGE_MAX_KEY_SIZE);
  return record;
}

const azure = poolBytesFromDump(fixtureText('linux-kvp-pool3-azure-dump.txt'));

describe('shared/hyperv-kvp/pool-file', () => {
  it("reads an Azure VM's pool 3 (host data) record by record, in file order", () => {
    expect(azure.pairs).toHaveLength(16);
    const records = readKvpPool(azure.bytes);
    expect(records.map((record) => [record.key, record.value])).toEqual(azure.pairs);
    expect(records.find((record) => record.key === 'HostingSystemEditionId')?.value).toBe('168');
  });

  it('writes records back to the same bytes', () => {
    expect(encodeKvpPool(readKvpPool(azure.bytes))).toEqual(azure.bytes);
  });

  it('encodes one record as a UTF-8 key at byte 0 and value at byte 512, NUL-padded to 2560 bytes', () => {
    const bytes = KvpPoolRecord.create('Ké', 'v').encode();
    expect(bytes).toHaveLength(2560);
    expect([...bytes.subarray(0, 4)]).toEqual([0x4b, 0xc3, 0xa9, 0]);
    expect([...bytes.subarray(512, 514)]).toEqual([0x76, 0]);
    expect(bytes.subarray(514).every((byte) => byte === 0)).toBe(true);
  });

  it('decodes two records back to back', () => {
    const bytes = new Uint8Array([...rawRecord([0x61], [0x31]), ...rawRecord([0x62], [])]);
    expect(readKvpPool(bytes).map((record) => [record.key, record.value])).toEqual([
      ['a', '1'],
      ['b', ''],
    ]);
  });

  it('reads nothing from an empty file', () => {
    expect(readKvpPool(new Uint8Array(0))).toEqual([]);
  });

  it('rejects a truncated record, naming its offset', () => {
    const error = expectKvpError(
      () => readKvpPool(azure.bytes.subarray(0, KVP_RECORD_SIZE * 3 + 100)),
      'TRUNCATED_POOL',
    );
    expect([error.itemIndex, error.offset]).toEqual([3, KVP_RECORD_SIZE * 3]);
    expectKvpError(() => KvpPoolRecord.decode(azure.bytes, azure.bytes.length - 10), 'TRUNCATED_POOL');
  });

  it('rejects a key or value that fills its field with no NUL terminator', () => {
    expectKvpError(() => readKvpPool(rawRecord(new Array(512).fill(0x61), [])), 'KEY_TOO_LONG');
    expectKvpError(() => readKvpPool(rawRecord([0x61], new Array(2048).fill(0x62))), 'VALUE_TOO_LONG');
  });

  it('accepts the longest NUL-terminated fields: 511 and 2047 bytes', () => {
    const [record] = readKvpPool(rawRecord(new Array(511).fill(0x61), new Array(2047).fill(0x62)));
    expect([record?.key.length, record?.value.length]).toEqual([511, 2047]);
  });

  it.each([
    ['an overlong NUL', [0xc0, 0x80]],
    ['an encoded surrogate', [0xed, 0xa0, 0x80]],
    ['a lone continuation byte', [0x80]],
    ['a sequence cut short', [0xe2, 0x82]],
    ['a code point beyond U+10FFFF', [0xf4, 0x90, 0x80, 0x80]],
  ])('rejects invalid UTF-8 (%s) at the offending byte', (_, value) => {
    const bytes = new Uint8Array([...rawRecord([0x6b], []), ...rawRecord([0x6b, 0x32], [0x41, ...value])]);
    const error = expectKvpError(() => readKvpPool(bytes), 'INVALID_UTF8');
    expect([error.itemIndex, error.offset]).toEqual([1, KVP_RECORD_SIZE + HV_KVP_EXCHANGE_MAX_KEY_SIZE + 1]);
  });

  it('ignores bytes after the NUL, as left by the daemon modifying a value in place', () => {
    // kvp_key_add_or_modify: memcpy(record[i].value, value, value_size) over a longer old value.
    const record = rawRecord([0x6b], [...utf8.encode('new'), 0, ...utf8.encode('er-old-value'), 0xff]);
    expect(readKvpPool(record)[0]?.value).toBe('new');
  });

  it('keeps the last value of a key written twice, at the position of its first record', () => {
    const bytes = new Uint8Array([
      ...rawRecord([0x61], [0x31]),
      ...rawRecord([0x62], [0x32]),
      ...rawRecord([0x61], [0x33]),
    ]);
    expect(readKvpPool(bytes).map((record) => `${record.key}=${record.value}`)).toEqual(['a=3', 'b=2']);
    expect(readKvpPoolRecords(bytes)).toHaveLength(3);
  });

  it('rejects a record with an empty key', () => {
    expectKvpError(() => readKvpPool(rawRecord([], [0x31])), 'EMPTY_KEY');
  });

  it('refuses to write a pool with a key twice, or records that cannot be stored', () => {
    const record = KvpPoolRecord.create('a', '1');
    expect(
      expectKvpError(() => encodeKvpPool([record, KvpPoolRecord.create('b', ''), record]), 'DUPLICATE_KEY')
        .itemIndex,
    ).toBe(2);
    expectKvpError(() => KvpPoolRecord.create('', 'v'), 'EMPTY_KEY');
    expectKvpError(() => KvpPoolRecord.create('k\u0000', 'v'), 'NUL_CHARACTER');
    expectKvpError(() => KvpPoolRecord.create('k', '\uD800'), 'UNPAIRED_SURROGATE');
    expectKvpError(() => KvpPoolRecord.create('é'.repeat(256), ''), 'KEY_TOO_LONG');
    expectKvpError(() => KvpPoolRecord.create('k', 'v'.repeat(2048)), 'VALUE_TOO_LONG');
  });

  it('round-trips arbitrary records through the file format', () => {
    const text = fc.string({ unit: 'binary', maxLength: 120 }).filter((value) => !value.includes('\u0000'));
    fc.assert(
      fc.property(
        fc.uniqueArray(
          fc.tuple(
            text.filter((key) => key.length > 0),
            text,
          ),
          { selector: ([key]) => key, maxLength: 8 },
        ),
        (pairs) => {
          const records = pairs.map(([key, value]) => KvpPoolRecord.create(key, value));
          const read = readKvpPool(encodeKvpPool(records));
          expect(read.map((record) => [record.key, record.value])).toEqual(pairs);
        },
      ),
    );
  });

  it('names pool files like the daemon does', () => {
    const daemon = fixtureText('hv-kvp-daemon-excerpt.c');
    expect(daemon).toContain('sprintf(fname, "%s/.kvp_pool_%d", KVP_CONFIG_LOC, i);');
    expect(daemon).toContain('#define KVP_CONFIG_LOC\t"/var/lib/hyperv"');
    expect(kvpPoolPath(KVP_POOL.AUTO_EXTERNAL)).toBe('/var/lib/hyperv/.kvp_pool_3');
    expect(kvpPoolPath(KVP_POOL.EXTERNAL)).toBe('/var/lib/hyperv/.kvp_pool_0');
  });

  it('makes records that cannot be changed', () => {
    const record = KvpPoolRecord.create('k', 'v');
    expect(Object.isFrozen(record)).toBe(true);
    expect(() => {
      (record as { value: string }).value = 'x';
    }).toThrow(TypeError);
  });
});
