/**
 * Who sweeps each host, for `avma status` and `GET /api/v1/hosts`: over PostgreSQL the agent holding
 * the host's lease, until when, and the host's last committed sweep (host_leases); over SQLite the
 * database's one writer (writer-lock.ts) and the host's last sighting.
 */
import type { HostRow } from './read-types.js';
import type { Store } from './store.js';
import { readWriterHolder } from './writer-lock.js';

export interface HostSweeper {
  /** The agent id holding the lease (PostgreSQL) or the writer (SQLite); `null` when none is known. */
  readonly agent: string | null;
  /** When the lease runs out (database clock, ISO); `null` for SQLite's writer. */
  readonly until: string | null;
  /** The lease is current (PostgreSQL) or a writer is recorded (SQLite). */
  readonly live: boolean;
  /** The host's last committed sweep (ISO), `null` when never. */
  readonly lastSweep: string | null;
}

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

/**
 * A function giving each host's sweeper, read once: the lease rows (PostgreSQL) or the writer's
 * record (SQLite). Rejects with StoreError when the store cannot be read.
 */
export async function hostSweepers(
  store: Store,
): Promise<(host: Pick<HostRow, 'name' | 'lastSeen'>) => HostSweeper> {
  const leases = new Map((await store.listHostLeases()).map((row) => [row.host, row]));
  const writer = leases.size === 0 ? await readWriterHolder(store.path) : null;
  return (host) => {
    const lease = leases.get(host.name.toLowerCase());
    if (lease !== undefined) {
      return Object.freeze({
        agent: lease.owner,
        until: iso(lease.expiresAtMs),
        live: lease.live,
        lastSweep: iso(lease.sweptAtMs),
      });
    }
    return Object.freeze({
      agent: writer === null ? null : `${writer.command} (pid ${writer.pid} on ${writer.host})`,
      until: null,
      live: writer !== null,
      lastSweep: host.lastSeen,
    });
  };
}
