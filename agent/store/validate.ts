/**
 * Argument checks at the store's boundary. Much of what the store records comes from tenants (VM names,
 * guest-reported fields, KVP items), so every value is type-checked and size-capped before it reaches
 * SQL, and a bad one fails with `StoreError` INVALID_ARGUMENT naming the field and what was expected.
 */

import { toVmId } from '../model/index.js';
import { StoreError } from './errors.js';

/** Longest excerpt of a bad value echoed into a message. */
const MAX_ECHO = 40;

/** A short, one-line, JSON-quoted rendering of an untrusted value for an error message. Never throws. */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') {
    return JSON.stringify(value.length > MAX_ECHO ? `${value.slice(0, MAX_ECHO)}…` : value);
  }
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'an invalid Date' : value.toISOString();
  if (value === null || value === undefined) return String(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return `a ${Array.isArray(value) ? 'array' : typeof value}`;
}

/** The INVALID_ARGUMENT error for `field`: "field is VALUE, expected EXPECTED". Never throws. */
export function invalid(field: string, value: unknown, expected: string): StoreError {
  return new StoreError('INVALID_ARGUMENT', `${field} is ${describeValue(value)}, expected ${expected}`);
}

/** Dates are stored as integer milliseconds; only valid dates after 1970 are accepted. */
export function checkTime(value: unknown, field: string): number {
  if (!(value instanceof Date) || Number.isNaN(value.getTime()) || value.getTime() < 0) {
    throw invalid(field, value, 'a valid Date after 1970-01-01');
  }
  return value.getTime();
}

/**
 * The store's rule for text: a non-empty string of at most `max` UTF-16 units without NUL (SQLite C
 * strings stop at NUL). Boundaries that take text the store will keep (scenario, configuration) apply
 * this same predicate, so a value they accept is never refused here. Never throws.
 */
export function isStoreText(value: unknown, max: number): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= max && !value.includes('\0');
}

/** What `isStoreText` expects, as the end of an "expected …" phrase. */
export function storeTextExpected(max: number): string {
  return `a non-empty string of at most ${max} characters without NUL`;
}

/** Returns the value when `isStoreText`; throws INVALID_ARGUMENT naming `field` otherwise. */
export function checkText(value: unknown, field: string, max: number): string {
  if (!isStoreText(value, max)) throw invalid(field, value, storeTextExpected(max));
  return value;
}

/** null/undefined -> null, else `checkText`. */
export function checkOptionalText(value: unknown, field: string, max: number): string | null {
  return value === null || value === undefined ? null : checkText(value, field, max);
}

/** Returns the boolean; throws INVALID_ARGUMENT for anything else. */
export function checkBoolean(value: unknown, field: string): boolean {
  if (typeof value !== 'boolean') throw invalid(field, value, 'true or false');
  return value;
}

/** Returns an integer within [min, max]; throws INVALID_ARGUMENT otherwise (no coercion). */
export function checkInteger(value: unknown, field: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw invalid(field, value, `an integer ${min}..${max}`);
  }
  return value;
}

/** Returns the value when it is one of `allowed`; throws INVALID_ARGUMENT listing them otherwise. */
export function checkOneOf<T extends string>(value: unknown, field: string, allowed: readonly T[]): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw invalid(field, value, `one of ${allowed.join(', ')}`);
  }
  return value as T;
}

/** null/undefined -> null, else `checkOneOf`. */
export function checkOptionalOneOf<T extends string>(
  value: unknown,
  field: string,
  allowed: readonly T[],
): T | null {
  return value === null || value === undefined ? null : checkOneOf(value, field, allowed);
}

/** A VM id is Hyper-V's GUID; it is stored lower case so lookups do not depend on how it was typed. */
export function checkGuid(value: unknown, field: string): string {
  const id = toVmId(value);
  if (id === null) throw invalid(field, value, 'a GUID like 6a3f5c2e-0b1d-4e8f-9a7b-2c4d6e8f0a1b');
  return id;
}

/** true -> 1, false -> 0: SQLite has no boolean type. */
export function boolToInt(value: boolean): number {
  return value ? 1 : 0;
}

/** Like `boolToInt`, keeping null. */
export function nullableBoolToInt(value: boolean | null): number | null {
  return value === null ? null : boolToInt(value);
}
