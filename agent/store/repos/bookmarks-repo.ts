/**
 * Bookmarks: the last event record read per host and log. Record ids restart at 1 when a log is
 * cleared; `restartBookmark` then starts a new epoch, so the new records are not taken for duplicates
 * of the old ones.
 */
import { type DialectSql, sqlOf } from '../sql-connection.js';
import type { Bookmark, EventInput } from '../types.js';
import { checkInteger, checkText, invalid } from '../validate.js';
import { hostIdOf, keptRows, type TxContext } from './context.js';
import { insertEvents } from './events-repo.js';

const MAX_LOG = 256;

const BOOKMARK: DialectSql = {
  sqlite: 'SELECT record_id, log_epoch FROM bookmarks WHERE host_id = ? AND log = ?',
  postgres: 'SELECT record_id, log_epoch FROM bookmarks WHERE host_id = $1 AND log = $2',
};

/**
 * PostgreSQL: the update only moves a bookmark forward (a later epoch, or a later record in the same
 * epoch). Two agents that read the same bookmark under READ COMMITTED and both advance it would
 * otherwise let the slower one rewind it; with the guard the slower write changes nothing (its events
 * are stored already or skipped as duplicates). SQLite runs one writer at a time, so it needs none.
 */
export const WRITE_BOOKMARK: DialectSql = {
  sqlite: `INSERT INTO bookmarks (host_id, log, log_epoch, record_id, updated_at) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (host_id, log) DO UPDATE SET log_epoch = excluded.log_epoch,
       record_id = excluded.record_id, updated_at = excluded.updated_at`,
  postgres: `INSERT INTO bookmarks (host_id, log, log_epoch, record_id, updated_at) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (host_id, log) DO UPDATE SET log_epoch = excluded.log_epoch,
       record_id = excluded.record_id, updated_at = excluded.updated_at
     WHERE (bookmarks.log_epoch, bookmarks.record_id) <= (excluded.log_epoch, excluded.record_id)`,
};

/** The bookmark of a host's log; `{ recordId: 0, logEpoch: 0 }` before the first read. */
export async function getBookmark(ctx: TxContext, host: string, log: string): Promise<Bookmark> {
  checkText(log, 'log', MAX_LOG);
  const hostId = await hostIdOf(ctx, host);
  const kept = await keptRows(ctx);
  let bookmark = kept?.bookmarks.get(bookmarkKey(hostId, log));
  if (bookmark === undefined) {
    const row = await ctx.conn.get(sqlOf(ctx.conn, BOOKMARK), [hostId, log]);
    bookmark =
      row === undefined
        ? null
        : Object.freeze({ recordId: Number(row.record_id), logEpoch: Number(row.log_epoch) });
    kept?.bookmarks.set(bookmarkKey(hostId, log), bookmark);
  }
  return bookmark ?? NO_BOOKMARK;
}

const NO_BOOKMARK: Bookmark = Object.freeze({ recordId: 0, logEpoch: 0 });

function bookmarkKey(hostId: number, log: string): string {
  return `${hostId} ${log}`;
}

async function writeBookmark(
  ctx: TxContext,
  hostId: number,
  log: string,
  bookmark: Bookmark,
  atMs: number,
): Promise<void> {
  await ctx.conn.run(sqlOf(ctx.conn, WRITE_BOOKMARK), [
    hostId,
    log,
    bookmark.logEpoch,
    bookmark.recordId,
    atMs,
  ]);
  // SQLite always writes it (PostgreSQL's guard may not, but PostgreSQL keeps no rows).
  (await keptRows(ctx))?.bookmarks.set(bookmarkKey(hostId, log), Object.freeze({ ...bookmark }));
}

/**
 * Moves the bookmark to `recordId` in the current epoch. Rejects with INVALID_ARGUMENT when that would
 * move it backwards: a cleared log is handled with `restartBookmark`, never by rewinding.
 */
export async function setBookmark(
  ctx: TxContext,
  host: string,
  log: string,
  recordId: number,
  atMs: number,
): Promise<void> {
  checkInteger(recordId, 'recordId', 0, Number.MAX_SAFE_INTEGER);
  const current = await getBookmark(ctx, host, log);
  if (recordId < current.recordId) {
    throw invalid(
      'recordId',
      recordId,
      `at least the bookmark ${current.recordId}; use restartBookmark after a cleared log`,
    );
  }
  await writeBookmark(ctx, await hostIdOf(ctx, host), log, { recordId, logEpoch: current.logEpoch }, atMs);
}

/** After the log was cleared (its newest record is below the bookmark): a new epoch from record 0. */
export async function restartBookmark(
  ctx: TxContext,
  host: string,
  log: string,
  atMs: number,
): Promise<Bookmark> {
  const current = await getBookmark(ctx, host, log);
  const next = Object.freeze({ recordId: 0, logEpoch: current.logEpoch + 1 });
  await writeBookmark(ctx, await hostIdOf(ctx, host), log, next, atMs);
  return next;
}

/**
 * Stores host events read from `log` after the bookmark and advances the bookmark to the newest of
 * them, in the caller's transaction: events and bookmark commit together or not at all. Events get the
 * bookmark's epoch and `source: 'host'`, `origin: host`. Resolves to the number inserted.
 */
export async function recordHostEvents(
  ctx: TxContext,
  host: string,
  log: string,
  events: readonly Omit<EventInput, 'source' | 'origin' | 'logEpoch'>[],
  atMs: number,
): Promise<number> {
  if (!Array.isArray(events)) throw invalid('events', events, 'an array');
  // Most sweeps bring no new record: nothing to insert and a bookmark that cannot move, so the
  // bookmark is not read (the host and log are still checked as for a read).
  if (events.length === 0) {
    checkText(log, 'log', MAX_LOG);
    await hostIdOf(ctx, host);
    return 0;
  }
  const bookmark = await getBookmark(ctx, host, log);
  const inserted = await insertEvents(
    ctx,
    events.map((event) => ({
      ...event,
      source: 'host' as const,
      origin: host,
      host: event.host ?? host,
      logEpoch: bookmark.logEpoch,
    })),
  );
  const newest = Math.max(bookmark.recordId, ...events.map((event) => event.recordId));
  if (newest > bookmark.recordId) await setBookmark(ctx, host, log, newest, atMs);
  return inserted;
}
