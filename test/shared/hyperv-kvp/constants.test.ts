import {
  HV_KVP_EXCHANGE_MAX_KEY_SIZE,
  HV_KVP_EXCHANGE_MAX_VALUE_SIZE,
  KVP_POOL,
  KVP_POOL_COUNT,
  KVP_PORTABLE_MAX_KEY_UNITS,
  KVP_PORTABLE_MAX_VALUE_UNITS,
  KVP_RECORD_SIZE,
  KVP_WIRE_MAX_KEY_UNITS,
  KVP_WIRE_MAX_VALUE_UNITS,
} from 'hyperv-kvp';
import { describe, expect, it } from 'vitest';
import { fixtureText } from './fixture-files.js';

const header = fixtureText('hyperv-h-kvp-excerpt.h');

/** The value of `#define NAME (N)` in the header excerpt. */
function defined(name: string): number {
  const line = header.split('\n').find((candidate) => candidate.startsWith(`#define ${name} `));
  return Number(line?.slice(line.indexOf('(') + 1, line.indexOf(')')));
}

/** The members of `enum hv_kvp_exchg_pool`, in declaration order. */
function poolEnumMembers(): string[] {
  const body = header.slice(header.indexOf('enum hv_kvp_exchg_pool {'), header.indexOf('};'));
  return body
    .split('\n')
    .slice(1)
    .map((line) => line.trim().split(/[\s=,/]/)[0] ?? '')
    .filter((member) => member.startsWith('KVP_POOL_'));
}

describe('shared/hyperv-kvp/constants', () => {
  it('uses the key and value sizes of include/uapi/linux/hyperv.h', () => {
    expect(HV_KVP_EXCHANGE_MAX_KEY_SIZE).toBe(defined('HV_KVP_EXCHANGE_MAX_KEY_SIZE'));
    expect(HV_KVP_EXCHANGE_MAX_VALUE_SIZE).toBe(defined('HV_KVP_EXCHANGE_MAX_VALUE_SIZE'));
    expect(KVP_RECORD_SIZE).toBe(2560);
  });

  it('numbers the pools in the order of enum hv_kvp_exchg_pool', () => {
    const members = poolEnumMembers();
    expect(members.at(-1)).toBe('KVP_POOL_COUNT');
    expect(members.slice(0, -1).map((member) => member.replace('KVP_POOL_', ''))).toEqual(
      Object.keys(KVP_POOL),
    );
    expect(Object.values(KVP_POOL)).toEqual([0, 1, 2, 3, 4]);
    expect(KVP_POOL_COUNT).toBe(members.length - 1);
  });

  it('derives the UTF-16 limits from the byte sizes: 255/1023 on the wire, 254/1022 portable', () => {
    expect(header).toContain('The Windows host expects the Key Name and Key Value to be encoded in utf16.');
    expect([KVP_WIRE_MAX_KEY_UNITS, KVP_WIRE_MAX_VALUE_UNITS]).toEqual([255, 1023]);
    expect([KVP_PORTABLE_MAX_KEY_UNITS, KVP_PORTABLE_MAX_VALUE_UNITS]).toEqual([254, 1022]);
  });
});
