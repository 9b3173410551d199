/** Hosts and their facts history (a new facts row only when a fact changes). */
import { HOST_EDITIONS, HOST_VERSIONS } from 'hyperv-kvp';
import { type DialectSql, type SqlValue, sqlOf } from '../sql-connection.js';
import type { HostFacts } from '../types.js';
import {
  boolToInt,
  checkBoolean,
  checkInteger,
  checkOptionalOneOf,
  checkOptionalText,
  checkText,
  invalid,
} from '../validate.js';
import { hostIdOf, keptRows, lockHost, MAX_HOST_NAME, noteDataVersion, type TxContext } from './context.js';

/** Windows Server supports 64 sockets; no shipping processor has more than 1024 cores. */
const MAX_SOCKETS = 64;
const MAX_CORES_PER_SOCKET = 1024;
const MAX_BUILD = 1_000_000;

/**
 * One statement in both dialects, so two agents upserting the same host at once never race: the
 * conflict target is the case-insensitive name (PostgreSQL: the unique index on lower(name)). SQLite
 * also returns `data_version`, which checks the kept rows (open-rows.ts) without a statement of its own.
 */
export const UPSERT_HOST: DialectSql = {
  sqlite: `INSERT INTO hosts (name, first_seen, last_seen) VALUES (?, ?, ?)
     ON CONFLICT (name) DO UPDATE SET last_seen = max(last_seen, excluded.last_seen)
     RETURNING id, (SELECT data_version FROM pragma_data_version) AS data_version`,
  postgres: `INSERT INTO hosts (name, first_seen, last_seen) VALUES ($1, $2, $3)
     ON CONFLICT ((lower(name))) DO UPDATE SET last_seen = GREATEST(hosts.last_seen, excluded.last_seen)
     RETURNING id`,
};

/** Creates the host or moves its last_seen; resolves to its id. */
export async function upsertHost(ctx: TxContext, name: string, atMs: number): Promise<number> {
  checkText(name, 'host', MAX_HOST_NAME);
  const row = await ctx.conn.get(sqlOf(ctx.conn, UPSERT_HOST), [name, atMs, atMs]);
  const id = Number(row?.id);
  ctx.hostIds.set(name.toLowerCase(), id);
  noteDataVersion(ctx, row?.data_version);
  ctx.openRows?.rows.hostIds.set(name.toLowerCase(), id);
  return id;
}

/** The facts as the column values they are stored and compared as. */
function factColumns(facts: HostFacts): SqlValue[] {
  if (typeof facts !== 'object' || facts === null) throw invalid('facts', facts, 'an object');
  const sockets = checkInteger(facts.sockets, 'facts.sockets', 1, MAX_SOCKETS);
  const cores = facts.coresPerSocket;
  if (!Array.isArray(cores) || cores.length !== sockets) {
    throw invalid('facts.coresPerSocket', cores, `an array with one entry per socket (${sockets})`);
  }
  cores.forEach((n, i) => {
    checkInteger(n, `facts.coresPerSocket[${i}]`, 1, MAX_CORES_PER_SOCKET);
  });
  return [
    checkOptionalOneOf(facts.version, 'facts.version', HOST_VERSIONS),
    facts.build === null ? null : checkInteger(facts.build, 'facts.build', 0, MAX_BUILD),
    checkOptionalOneOf(facts.edition, 'facts.edition', HOST_EDITIONS),
    boolToInt(checkBoolean(facts.activated, 'facts.activated')),
    sockets,
    JSON.stringify(cores),
    checkOptionalText(facts.cluster, 'facts.cluster', MAX_HOST_NAME),
  ];
}

const FACT_COLUMNS = ['version', 'build', 'edition', 'activated', 'sockets', 'cores_per_socket', 'cluster'];

const OPEN_FACTS: DialectSql = {
  sqlite: `SELECT id, valid_from, ${FACT_COLUMNS.join(', ')} FROM host_facts WHERE host_id = ? AND valid_to IS NULL`,
  postgres: `SELECT id, valid_from, ${FACT_COLUMNS.join(', ')} FROM host_facts WHERE host_id = $1 AND valid_to IS NULL`,
};
const CLOSE_FACTS: DialectSql = {
  sqlite: 'UPDATE host_facts SET valid_to = ? WHERE id = ?',
  postgres: 'UPDATE host_facts SET valid_to = $1 WHERE id = $2',
};
const INSERT_FACTS: DialectSql = {
  sqlite: `INSERT INTO host_facts (host_id, valid_from, ${FACT_COLUMNS.join(', ')}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  postgres: `INSERT INTO host_facts (host_id, valid_from, ${FACT_COLUMNS.join(', ')}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
};

/**
 * Records the host's facts at `atMs`. Resolves to true when they differ from the current facts (the
 * current interval is closed and a new one opened), false when nothing changed (no write). Rejects
 * with INVALID_ARGUMENT for bad facts or a time before the current interval, NOT_FOUND for an
 * unknown host.
 */
export async function recordHostFacts(
  ctx: TxContext,
  host: string,
  atMs: number,
  facts: HostFacts,
): Promise<boolean> {
  const values = factColumns(facts);
  const hostId = await hostIdOf(ctx, host);
  // Two agents recording the same host's facts: the second waits here and then sees the first's row.
  await lockHost(ctx, hostId);
  const kept = await keptRows(ctx);
  let open = kept?.facts.get(hostId);
  if (open === undefined) {
    open = (await ctx.conn.get(sqlOf(ctx.conn, OPEN_FACTS), [hostId])) ?? null;
    kept?.facts.set(hostId, open);
  }
  if (open !== null) {
    if (FACT_COLUMNS.every((column, i) => open[column] === values[i])) return false;
    if (atMs < Number(open.valid_from)) {
      throw invalid(
        'at',
        new Date(atMs),
        `a time after the current facts (${new Date(Number(open.valid_from)).toISOString()})`,
      );
    }
    await ctx.conn.run(sqlOf(ctx.conn, CLOSE_FACTS), [atMs, Number(open.id)]);
  }
  // The new row's id is not known here: the next sweep reads it.
  kept?.facts.delete(hostId);
  await ctx.conn.run(sqlOf(ctx.conn, INSERT_FACTS), [hostId, atMs, ...values]);
  return true;
}
