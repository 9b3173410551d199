/**
 * Typed decoding of rows read back from SQLite. The schema's CHECKs make bad rows unlikely, but a
 * database can be edited by hand; a row that does not match is reported as CORRUPT with the table and
 * column, never passed on as a wrong type.
 */

import { StoreError } from './errors.js';
import type { SqlRow } from './sql-connection.js';
import { describeValue } from './validate.js';

function corrupt(table: string, column: string, value: unknown, expected: string): StoreError {
  return new StoreError(
    'CORRUPT',
    `${table}.${column} holds ${describeValue(value)}, expected ${expected}; the database was changed outside avma-agent`,
  );
}

/** The column as an integer; throws StoreError CORRUPT when it is not one. */
export function intColumn(row: SqlRow, table: string, column: string): number {
  const value = row[column];
  if (typeof value !== 'number' || !Number.isInteger(value))
    throw corrupt(table, column, value, 'an integer');
  return value;
}

/** The column as an integer or null; throws StoreError CORRUPT for any other value. */
export function optionalIntColumn(row: SqlRow, table: string, column: string): number | null {
  return row[column] === null ? null : intColumn(row, table, column);
}

/** The column as an integer min..max or null; throws StoreError CORRUPT for any other value. */
export function optionalBoundedIntColumn(
  row: SqlRow,
  table: string,
  column: string,
  min: number,
  max: number,
): number | null {
  const value = optionalIntColumn(row, table, column);
  if (value !== null && (value < min || value > max)) {
    throw corrupt(table, column, value, `an integer ${min}..${max} or NULL`);
  }
  return value;
}

/** The column as text; throws StoreError CORRUPT when it is not text. */
export function textColumn(row: SqlRow, table: string, column: string): string {
  const value = row[column];
  if (typeof value !== 'string') throw corrupt(table, column, value, 'text');
  return value;
}

/** The column as text or null; throws StoreError CORRUPT for any other value. */
export function optionalTextColumn(row: SqlRow, table: string, column: string): string | null {
  return row[column] === null ? null : textColumn(row, table, column);
}

/** A 0/1 column as a boolean; throws StoreError CORRUPT for anything else. */
export function boolColumn(row: SqlRow, table: string, column: string): boolean {
  const value = intColumn(row, table, column);
  if (value !== 0 && value !== 1) throw corrupt(table, column, value, '0 or 1');
  return value === 1;
}

/** A 0/1/NULL column; throws StoreError CORRUPT for anything else. */
export function optionalBoolColumn(row: SqlRow, table: string, column: string): boolean | null {
  return row[column] === null ? null : boolColumn(row, table, column);
}

/** A vocabulary column; throws StoreError CORRUPT when the value is outside `allowed`. */
export function oneOfColumn<T extends string>(
  row: SqlRow,
  table: string,
  column: string,
  allowed: readonly T[],
): T {
  const value = textColumn(row, table, column);
  if (!(allowed as readonly string[]).includes(value)) throw corrupt(table, column, value, allowed.join('|'));
  return value as T;
}

/** A vocabulary column or null; throws StoreError CORRUPT when outside `allowed`. */
export function optionalOneOfColumn<T extends string>(
  row: SqlRow,
  table: string,
  column: string,
  allowed: readonly T[],
): T | null {
  return row[column] === null ? null : oneOfColumn(row, table, column, allowed);
}

/** A JSON column; `check` narrows the parsed value or returns null when it does not fit. */
export function jsonColumn<T>(
  row: SqlRow,
  table: string,
  column: string,
  check: (value: unknown) => T | null,
): T {
  const text = textColumn(row, table, column);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw corrupt(table, column, text, 'JSON');
  }
  const value = check(parsed);
  if (value === null) throw corrupt(table, column, text, 'JSON of the documented shape');
  return value;
}

/** Milliseconds to ISO-8601 UTC, the form every read API returns. */
export function isoTime(ms: number): string {
  return new Date(ms).toISOString();
}
