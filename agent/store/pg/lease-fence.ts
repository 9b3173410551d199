/**
 * The fence inside a host's recording transaction (PostgreSQL only): the transaction first locks the
 * host's lease row and refuses to go on unless this agent holds an unexpired lease, and it stamps the
 * host's last sweep just before COMMIT. The row stays locked until COMMIT, so no other agent can take
 * the lease over in between: a stalled agent whose lease was taken can never commit a sweep of that host.
 */
import { StoreError } from '../errors.js';
import type { SqlConnection } from '../sql-connection.js';
import { DB_NOW_MS } from './lease-sql.js';

const LOCK_LEASE = `SELECT owner, expires_at, ${DB_NOW_MS} AS now FROM host_leases WHERE host = lower($1) FOR UPDATE`;
const STAMP_SWEPT = `
UPDATE host_leases SET swept_at = ${DB_NOW_MS} WHERE host = lower($1) AND owner = $2 RETURNING swept_at`;

function requirePostgres(conn: SqlConnection): void {
  if (conn.dialect !== 'postgres') {
    throw new StoreError('INVALID_ARGUMENT', 'host leases exist only in a PostgreSQL store');
  }
}

/**
 * Locks `host`'s lease row for the rest of the transaction; resolves to the database time. Rejects with
 * StoreError LEASE_LOST (naming the holder) when `owner` does not hold an unexpired lease.
 */
export async function lockLease(conn: SqlConnection, host: string, owner: string): Promise<number> {
  requirePostgres(conn);
  const row = await conn.get(LOCK_LEASE, [host]);
  if (row === undefined) {
    throw new StoreError('LEASE_LOST', `no lease on host ${host}: its sweep is not recorded`);
  }
  const now = Number(row.now);
  if (row.owner !== owner) {
    throw new StoreError(
      'LEASE_LOST',
      `host ${host} is leased to ${String(row.owner)}, not to ${owner}: its sweep is not recorded`,
    );
  }
  if (Number(row.expires_at) <= now) {
    throw new StoreError(
      'LEASE_LOST',
      `the lease of ${owner} on host ${host} expired ${now - Number(row.expires_at)} ms ago: its sweep is not recorded`,
    );
  }
  return now;
}

/** Sets the host's last sweep to the database time (call last, before COMMIT); resolves to it. */
export async function stampLeaseSwept(conn: SqlConnection, host: string, owner: string): Promise<number> {
  requirePostgres(conn);
  const row = await conn.get(STAMP_SWEPT, [host, owner]);
  if (row === undefined) throw new StoreError('LEASE_LOST', `host ${host} is no longer leased to ${owner}`);
  return Number(row.swept_at);
}
