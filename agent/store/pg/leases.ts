/**
 * Host leases in PostgreSQL: several agents configured with the same host agree, through the
 * `host_leases` table, which one sweeps it. A lease is a row (host, owner, expiry); an agent takes a
 * free or expired lease and renews its own, so an agent that dies loses its hosts after the TTL and
 * another agent listing them takes over.
 *
 * Every time comes from the DATABASE clock (clock_timestamp(), read after the row lock is taken), never
 * from an agent's: two agents' clocks may disagree, the server's is one. `HostLeases` has its own
 * connection, not the store's queued one, so renewing runs while a host's listing or recording is in
 * flight. Host keys are lower-case, like the store's host names compared case-insensitively.
 */
import { StoreError } from '../errors.js';
import type { SqlRow } from '../sql-connection.js';
import { DB_NOW_MS, type LeaseRow, numberOrNull, readLeaseHolders } from './lease-sql.js';
import { PgConnection } from './pg-connection.js';

export type { LeaseRow } from './lease-sql.js';

/** A host's lease as one agent sees it after `acquire`. */
export interface LeaseState {
  /** The host, lower-cased. */
  readonly host: string;
  /** This agent holds the lease (taken or renewed by this call). */
  readonly held: boolean;
  /** The holder; `null` when the row was created by another agent during this very call. */
  readonly owner: string | null;
  /** Database-clock milliseconds the lease runs until (0 when unknown). */
  readonly expiresAtMs: number;
  /** When the lease was confirmed for this agent (database clock); `null` when not held. */
  readonly confirmedAtMs: number | null;
  /** The host's last committed sweep by any agent (database clock), or `null`. */
  readonly sweptAtMs: number | null;
}

export interface HostLeasesOptions {
  /** This agent's id, written as the owner (agent-identity.ts). */
  readonly owner: string;
  readonly ttlMs: number;
  readonly connectTimeoutMs?: number;
}

/**
 * Takes every wanted host that is free, expired or already this agent's, in ONE statement (rows in
 * host order, so two agents never deadlock on each other's rows). The time is read per row after its
 * lock, so an agent waiting for another's recording transaction confirms only after that commit.
 * Hosts held by others come back from the statement's snapshot with `held = 0`.
 */
const ACQUIRE = `
WITH wanted AS (
  SELECT DISTINCT lower(h) AS host FROM jsonb_array_elements_text($1::jsonb) AS h
), taken AS (
  INSERT INTO host_leases AS l (host, owner, acquired_at, expires_at)
  SELECT host, $2::text, ${DB_NOW_MS}, ${DB_NOW_MS} + $3::bigint FROM wanted ORDER BY host
  ON CONFLICT (host) DO UPDATE SET
    owner = EXCLUDED.owner,
    acquired_at = CASE WHEN l.owner = EXCLUDED.owner THEN l.acquired_at ELSE ${DB_NOW_MS} END,
    expires_at = ${DB_NOW_MS} + $3::bigint
  WHERE l.owner = EXCLUDED.owner OR l.expires_at <= ${DB_NOW_MS}
  RETURNING l.host, l.owner, l.expires_at, l.swept_at, l.expires_at - $3::bigint AS confirmed_at
)
SELECT host, owner, expires_at, swept_at, confirmed_at, 1 AS held FROM taken
UNION ALL
SELECT l.host, l.owner, l.expires_at, l.swept_at, NULL::bigint, 0 FROM host_leases l
  JOIN wanted w ON w.host = l.host
  WHERE l.host NOT IN (SELECT host FROM taken)`;

/** Renews every lease this agent holds (an expired one nobody took is still safely its own). */
const RENEW = `UPDATE host_leases SET expires_at = ${DB_NOW_MS} + $2::bigint WHERE owner = $1 RETURNING host`;

/** Expires the leases now (the row stays: its last sweep time is the host's, not the agent's). */
const RELEASE = `
UPDATE host_leases SET expires_at = ${DB_NOW_MS}
WHERE owner = $1 AND host IN (SELECT lower(h) FROM jsonb_array_elements_text($2::jsonb) AS h)`;

function leaseState(row: SqlRow): LeaseState {
  return Object.freeze({
    host: String(row.host),
    held: Number(row.held) === 1,
    owner: row.owner === null ? null : String(row.owner),
    expiresAtMs: Number(row.expires_at),
    confirmedAtMs: numberOrNull(row.confirmed_at),
    sweptAtMs: numberOrNull(row.swept_at),
  });
}

export class HostLeases {
  readonly owner: string;
  readonly ttlMs: number;
  readonly #conn: PgConnection;
  #timer: NodeJS.Timeout | null = null;
  /** The last call on the connection: calls run one after another (see #inTurn). */
  #tail: Promise<unknown> = Promise.resolve();
  #renewing = false;

  /** Rejects nothing: the connection opens on first use. Throws INVALID_ARGUMENT for a bad TTL or owner. */
  constructor(url: string, options: HostLeasesOptions) {
    if (!Number.isInteger(options.ttlMs) || options.ttlMs < 1000) {
      throw new StoreError('INVALID_ARGUMENT', `lease TTL is ${options.ttlMs} ms, expected at least 1000`);
    }
    if (options.owner.trim() === '' || options.owner.length > 200) {
      throw new StoreError('INVALID_ARGUMENT', 'agent id must be 1..200 characters');
    }
    this.owner = options.owner;
    this.ttlMs = options.ttlMs;
    this.#conn = new PgConnection(url, {
      applicationName: 'avma-agent leases',
      ...(options.connectTimeoutMs === undefined ? {} : { connectTimeoutMs: options.connectTimeoutMs }),
    });
  }

  /**
   * Takes the free or expired leases of `hosts` and renews this agent's own; resolves to every
   * wanted host (lower-cased) with its state. Rejects with StoreError (UNAVAILABLE when PostgreSQL is
   * down: then this agent holds nothing it can record under, the fence sees to that).
   */
  async acquire(hosts: readonly string[]): Promise<Map<string, LeaseState>> {
    const wanted = [...new Set(hosts.map((host) => host.toLowerCase()))];
    const states = new Map<string, LeaseState>();
    if (wanted.length === 0) return states;
    const rows = await this.#inTurn(() =>
      this.#conn.all(ACQUIRE, [JSON.stringify(wanted), this.owner, this.ttlMs]),
    );
    for (const row of rows) states.set(String(row.host), leaseState(row));
    for (const host of wanted) {
      // Inserted by another agent while this statement waited: held by someone, not by us.
      if (!states.has(host)) {
        states.set(
          host,
          Object.freeze({
            host,
            held: false,
            owner: null,
            expiresAtMs: 0,
            confirmedAtMs: null,
            sweptAtMs: null,
          }),
        );
      }
    }
    return states;
  }

  /** Renews every lease this agent holds; resolves to their hosts. */
  async renew(): Promise<string[]> {
    const rows = await this.#inTurn(() => this.#conn.all(RENEW, [this.owner, this.ttlMs]));
    return rows.map((row) => String(row.host)).sort();
  }

  /** Gives up these hosts' leases now, so another agent takes them at its next round. */
  async release(hosts: readonly string[]): Promise<void> {
    await this.#inTurn(() =>
      this.#conn.run(RELEASE, [this.owner, JSON.stringify(hosts.map((h) => h.toLowerCase()))]),
    );
  }

  /** Every lease row, any agent's, by host. */
  holders(): Promise<LeaseRow[]> {
    return this.#inTurn(() => readLeaseHolders(this.#conn));
  }

  /**
   * The renewal timer fires whatever the round is doing, and a claim may be on the connection then:
   * node-postgres queues a query sent while another runs, but deprecates that (pg@9 refuses it), so
   * each call waits for the one before it to settle, failed or not.
   */
  #inTurn<T>(work: () => Promise<T>): Promise<T> {
    const result = this.#tail.then(work);
    this.#tail = result.catch(() => undefined);
    return result;
  }

  /**
   * Renews every `ttl / 3` until `close`, so a long listing never outlives the lease. A failed renewal
   * is told to `onError` and tried again at the next tick (the fence keeps a lost lease from recording).
   */
  startRenewing(onError: (error: unknown) => void = () => undefined): void {
    if (this.#timer !== null) return;
    this.#timer = setInterval(
      () => {
        // A renewal still waiting (PostgreSQL slow or restarting) is not joined by another.
        if (this.#renewing) return;
        this.#renewing = true;
        this.renew()
          .catch(onError)
          .finally(() => {
            this.#renewing = false;
          })
          .catch(() => undefined);
      },
      Math.max(250, Math.floor(this.ttlMs / 3)),
    );
    this.#timer.unref();
  }

  /** Stops renewing and closes the connection; with `release`, gives up every lease first. */
  async close(release: readonly string[] = []): Promise<void> {
    if (this.#timer !== null) clearInterval(this.#timer);
    this.#timer = null;
    if (release.length > 0) await this.release(release).catch(() => undefined);
    await this.#conn.close();
  }
}
