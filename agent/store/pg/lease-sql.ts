/**
 * The lease table's shared SQL pieces, without the `pg` client: the database clock, and reading every
 * lease (what `avma status` and the API show over a PostgreSQL store). The `pg` module is loaded only
 * by a PostgreSQL store or `HostLeases` (leases.ts), never at an SQLite agent's start-up.
 */
import type { SqlConnection, SqlRow } from '../sql-connection.js';

/** Milliseconds since the epoch on the database server's clock, read when evaluated. */
export const DB_NOW_MS = '(extract(epoch from clock_timestamp()) * 1000)::bigint';

/** One row of `host_leases`, for `avma status` and the API. */
export interface LeaseRow {
  readonly host: string;
  readonly owner: string;
  readonly acquiredAtMs: number;
  readonly expiresAtMs: number;
  readonly sweptAtMs: number | null;
  /** The lease had not expired when read (database clock). */
  readonly live: boolean;
}

const HOLDERS = `
SELECT host, owner, acquired_at, expires_at, swept_at, (expires_at > ${DB_NOW_MS}) AS live
FROM host_leases ORDER BY host`;

export const numberOrNull = (value: unknown): number | null => (value === null ? null : Number(value));

function leaseRow(row: SqlRow): LeaseRow {
  return Object.freeze({
    host: String(row.host),
    owner: String(row.owner),
    acquiredAtMs: Number(row.acquired_at),
    expiresAtMs: Number(row.expires_at),
    sweptAtMs: numberOrNull(row.swept_at),
    live: Number(row.live) === 1,
  });
}

/** Every lease row (any agent's), by host; none in an SQLite store. Never writes. */
export async function readLeaseHolders(conn: SqlConnection): Promise<LeaseRow[]> {
  if (conn.dialect !== 'postgres') return [];
  return (await conn.all(HOLDERS)).map(leaseRow);
}
