/**
 * The lab's only source of randomness: a seeded generator, so the same seed and scenario always give
 * the same GUIDs, addresses and keys. No `Math.random`, no clock: determinism is a contract of
 * `avma lab run` (same seed, same scenario: byte-identical output).
 *
 * Algorithm: SplitMix32 seeding into xoshiro128** (Blackman and Vigna), 32-bit state words.
 */

export interface Prng {
  /** A uniformly distributed unsigned 32-bit integer. */
  nextUint32(): number;
  /** A uniformly distributed integer in `[0, bound)`; `bound` must be a positive integer ≤ 2^32. */
  nextInt(bound: number): number;
  /** A random (version 4, RFC 4122 variant) GUID in lower case, as Hyper-V prints VM ids. */
  nextGuid(): string;
  /** One element of a non-empty list. */
  pick<T>(items: readonly T[]): T;
}

const UINT32 = 2 ** 32;

function splitMix32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x9e3779b9) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

function rotl(value: number, shift: number): number {
  return ((value << shift) | (value >>> (32 - shift))) >>> 0;
}

function hex(value: number, digits: number): string {
  return value.toString(16).padStart(digits, '0');
}

/** A version-4 GUID from four random 32-bit words (RFC 4122 version and variant bits set). */
function guidFrom(next: () => number): string {
  const a = next();
  const b = next();
  const c = next();
  const d = next();
  const version = ((b & 0x0fff) | 0x4000) >>> 0;
  const variant = (((c >>> 16) & 0x3fff) | 0x8000) >>> 0;
  // Joined, not a template: one flat string, where a template builds a tree of pieces that every
  // comparison and look-up of the VM's id (the agent's, every sweep) walks to its one flat copy.
  const groups = [
    hex(a, 8),
    hex(b >>> 16, 4),
    hex(version, 4),
    hex(variant, 4),
    hex(c & 0xffff, 4) + hex(d, 8),
  ];
  return groups.join('-');
}

/**
 * A generator seeded with any integer (negative and fractional seeds are reduced to 32 bits). Throws
 * `RangeError` for a seed that is not a finite number.
 */
export function createPrng(seed: number): Prng {
  if (!Number.isFinite(seed)) throw new RangeError(`seed is ${seed}, expected a finite number`);
  const init = splitMix32(Math.trunc(seed));
  const state: [number, number, number, number] = [init(), init(), init(), init()];
  // xoshiro's state must not be all zero.
  if ((state[0] | state[1] | state[2] | state[3]) === 0) state[0] = 1;

  function nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(state[1], 5) >>> 0, 7), 9) >>> 0;
    const t = (state[1] << 9) >>> 0;
    state[2] = (state[2] ^ state[0]) >>> 0;
    state[3] = (state[3] ^ state[1]) >>> 0;
    state[1] = (state[1] ^ state[2]) >>> 0;
    state[0] = (state[0] ^ state[3]) >>> 0;
    state[2] = (state[2] ^ t) >>> 0;
    state[3] = rotl(state[3], 11);
    return result;
  }

  function nextInt(bound: number): number {
    if (!Number.isInteger(bound) || bound <= 0 || bound > UINT32) {
      throw new RangeError(`bound is ${bound}, expected an integer 1..2^32`);
    }
    // Rejection sampling keeps every value equally likely (no modulo bias).
    const limit = UINT32 - (UINT32 % bound);
    for (;;) {
      const value = nextUint32();
      if (value < limit) return value % bound;
    }
  }

  const nextGuid = (): string => guidFrom(nextUint32);

  function pick<T>(items: readonly T[]): T {
    const item = items[nextInt(items.length)];
    if (item === undefined) throw new RangeError('cannot pick from an empty list');
    return item;
  }

  return { nextUint32, nextInt, nextGuid, pick };
}
