/**
 * One writer per database. Two agents sweeping one SQLite file would each push keys and each record the
 * same sweep (doubled audit records and host events), so the agents that sweep (`avma run`, `avma
 * sweep`, `avma lab run --db`) claim the database's writer lock when they open it and a second one is
 * refused with a line naming the first. Readers and the short operator transactions (`avma vm ...`)
 * never claim it: SQLite itself serialises their writes with the agent's.
 *
 * Why this mechanism: the lock is an exclusive SQLite transaction held open on a sidecar database
 * `<db>-writer.lock` (empty: it only carries the lock). SQLite takes it as an OS byte-range lock
 * (fcntl on POSIX, LockFileEx on Windows), and the OS drops such a lock when its process ends, however
 * it ends: a `kill -9`ed or crashed agent never blocks the next one, and there is no PID file whose
 * staleness anyone has to guess (a PID may be reused, or belong to another machine on a shared disk).
 * It needs no native code beyond the sqlite3 package, and SQLite also keeps two connections of one
 * process apart. The lock is not on the database itself, so readers and operator commands are not
 * disturbed. Neither file is ever deleted: a process that opened the old lock file just before its
 * removal could lock it while another locks a new one.
 *
 * Who holds the lock is written, after claiming it, to `<db>-writer.json`, purely for the refusal
 * message: the lock decides, the description informs (a holder that cannot be read is "not recorded").
 */
import { randomUUID } from 'node:crypto';
import { open, rename, rm, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { Connection } from './connection.js';
import { StoreError } from './errors.js';

/** The agent holding a database's writer lock, as shown to an agent refused because of it. */
export interface WriterHolder {
  readonly pid: number;
  /** The machine's host name (the database may be on a share). */
  readonly host: string;
  /** The command that claimed it, e.g. "avma run". */
  readonly command: string;
  /** When it claimed it (ISO 8601, real time). */
  readonly since: string;
}

/** A claimed writer lock; `release` is idempotent and never rejects. */
export interface WriterLock {
  readonly holder: WriterHolder;
  release(): Promise<void>;
}

/** The largest holder description read back; a longer file is not ours. */
const MAX_HOLDER_BYTES = 4096;
const MAX_TEXT = 200;

export function writerLockPath(dbPath: string): string {
  return `${dbPath}-writer.lock`;
}

export function writerHolderPath(dbPath: string): string {
  return `${dbPath}-writer.json`;
}

function oneLineText(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const text = value.replace(/[\p{Cc}\p{Cf}]+/gu, ' ').trim();
  return text === '' || text.length > MAX_TEXT ? null : text;
}

/** The recorded holder of the lock, or null when it is missing, unreadable or not a description. */
export async function readWriterHolder(dbPath: string): Promise<WriterHolder | null> {
  let text: string;
  try {
    const file = await open(writerHolderPath(dbPath), 'r');
    try {
      const buffer = Buffer.alloc(MAX_HOLDER_BYTES + 1);
      const { bytesRead } = await file.read(buffer, 0, buffer.length, 0);
      if (bytesRead > MAX_HOLDER_BYTES) return null;
      text = buffer.subarray(0, bytesRead).toString('utf8');
    } finally {
      await file.close();
    }
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed !== 'object' || parsed === null) return null;
    const { pid, host, command, since } = parsed as Record<string, unknown>;
    const [hostText, commandText, sinceText] = [oneLineText(host), oneLineText(command), oneLineText(since)];
    if (!Number.isSafeInteger(pid) || (pid as number) <= 0) return null;
    if (hostText === null || commandText === null || sinceText === null) return null;
    if (Number.isNaN(Date.parse(sinceText))) return null;
    return { pid: pid as number, host: hostText, command: commandText, since: sinceText };
  } catch {
    return null;
  }
}

/** The one-line refusal: `store X is in use by another agent (pid N on HOST, "COMMAND", since ISO); ...`. */
export function writerBusy(dbPath: string, holder: WriterHolder | null): StoreError {
  const who =
    holder === null
      ? 'holder not recorded'
      : `pid ${holder.pid} on ${holder.host}, ${JSON.stringify(holder.command)}, since ${holder.since}`;
  return new StoreError(
    'WRITER_BUSY',
    `store ${dbPath} is in use by another agent (${who}); one writer per database`,
  );
}

/** Writes the description through a temporary file and a rename, so a reader never sees half of it. */
async function recordHolder(dbPath: string, holder: WriterHolder): Promise<void> {
  const target = writerHolderPath(dbPath);
  const temporary = `${target}.${randomUUID()}.tmp`;
  try {
    await writeFile(temporary, `${JSON.stringify(holder)}\n`, { encoding: 'utf8', mode: 0o644 });
    await rename(temporary, target);
  } catch {
    // Informative only: without a description the refusal says "holder not recorded"; never show a
    // previous holder's description as ours.
    await rm(temporary, { force: true }).catch(() => undefined);
    await rm(target, { force: true }).catch(() => undefined);
  }
}

/**
 * Claims the writer lock of the database at `dbPath` for `command`, without waiting. Rejects with
 * StoreError WRITER_BUSY (naming the holder) when another connection, in this process or another,
 * holds it; IO when the lock file cannot be created (the database's directory is not writable).
 */
export async function claimWriterLock(
  dbPath: string,
  command: string,
  now: Date = new Date(),
): Promise<WriterLock> {
  const conn = await Connection.open(writerLockPath(dbPath), { readOnly: false, create: true });
  try {
    conn.setBusyTimeout(0);
    // The open EXCLUSIVE transaction takes the lock now; EXCLUSIVE locking mode would keep it even if
    // the transaction ended. It writes nothing, and a MEMORY journal leaves no -journal file behind.
    await conn.exec('PRAGMA journal_mode = MEMORY; PRAGMA locking_mode = EXCLUSIVE; BEGIN EXCLUSIVE');
  } catch (error) {
    await conn.close().catch(() => undefined);
    if (error instanceof StoreError && error.code === 'LOCKED') {
      throw writerBusy(dbPath, await readWriterHolder(dbPath));
    }
    throw error;
  }
  const holder: WriterHolder = Object.freeze({
    pid: process.pid,
    host: hostname(),
    command,
    since: now.toISOString().replace(/\.\d{3}Z$/, 'Z'),
  });
  await recordHolder(dbPath, holder);
  let released: Promise<void> | null = null;
  return {
    holder,
    release() {
      // The description goes first, while the lock still keeps the next holder from writing its own.
      released ??= rm(writerHolderPath(dbPath), { force: true })
        .catch(() => undefined)
        .then(() => conn.close())
        .catch(() => undefined);
      return released;
    },
  };
}
