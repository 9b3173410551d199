/**
 * The sweep state kept between rounds on a writable SQLite store, read again only for the VMs whose
 * rows changed. Reading every VM's memory every round (its latest observation, highest intent seq and
 * latest host 12310s: four index look-ups a VM, as JSON) cost about 80 ms of CPU at 8,000 VMs, half of
 * it SQLite's, for a state that a steady round changes in one way only: each VM's latest interval
 * was seen again (issue 14; now 20–35 ms).
 *
 * Temporary triggers (this connection's own, gone with it) note what changes the memory of a VM:
 * - any insert, delete or update of its `vms` row beyond `last_seen`, of its observations beyond
 *   `last_seen`, of its audit records and of its host 12310 events: the VM is read again in full;
 * - an update of an observation's `last_seen` (SEEN_AGAIN, every VM every round): the new value is
 *   noted, and copied into the memory if that interval is the one it holds as latest;
 * - a host renamed or deleted: every VM is read again (its memory names the host).
 * The notes are written by the statements that make the changes, so a rolled-back transaction takes
 * its notes with it. They are appended (each note a new row id), and a read takes those after the last
 * note it read, in the same statement as the state: no second statement per round to clear them,
 * which on a small host (the bundled lab month: 721 rounds) cost more than the read saved. The notes
 * read are deleted once they add up to PRUNE_AFTER. What another connection commits is not seen by
 * these triggers: SQLite's `data_version` then differs from the one of the last read, and everything
 * is read again. So is it after any failure here. The hosts (a handful of rows) are read in full.
 */
import { intColumn, jsonColumn } from '../decode.js';
import { StoreError } from '../errors.js';
import type { SweepState, VmMemory } from '../read-types.js';
import type { SqlConnection, SqlRow } from '../sql-connection.js';
import {
  decodeVm,
  SQLITE_HOSTS,
  seenAgain,
  sqliteStateColumns,
  sqliteVms,
  sweepStateHosts,
} from './sweep-state-query.js';

// Unqualified: a trigger's INSERT may not name a schema (a TEMP trigger finds the temp table first).
const DIRTY = 'avma_state_dirty';
const SEEN = 'avma_state_seen';
/** A note that every VM must be read again (vms ids are positive). */
const EVERY_VM = -1;
const AVMA_HOST_EVENT = "source = 'host' AND event_id = 12310";

/** Notes read and kept before they are deleted: about two rounds of an 8,000-VM fleet. */
const PRUNE_AFTER = 20_000;

const DATA_VERSION = '(SELECT data_version FROM pragma_data_version)';
/** The last note of each log: what a read covers (0 for none). */
const MARKS = `(SELECT coalesce(max(seq), 0) FROM temp.${DIRTY}) AS dirty_mark,
  (SELECT coalesce(max(seq), 0) FROM temp.${SEEN}) AS seen_mark`;
const READ_ALL = `SELECT ${DATA_VERSION} AS data_version, ${MARKS}, ${SQLITE_HOSTS} AS hosts, ${sqliteVms()} AS vms`;
/** ?1, ?2: the marks of the last read. */
const READ_CHANGES = `SELECT ${DATA_VERSION} AS data_version, ${MARKS}, ${SQLITE_HOSTS} AS hosts,
  ${sqliteVms(`WHERE v.id IN (SELECT vm_id FROM temp.${DIRTY} WHERE seq > ?1)\n`)} AS vms,
  (SELECT json_group_array(vm_id) FROM temp.${DIRTY} WHERE seq > ?1) AS dirty,
  (SELECT json_group_array(json_array(seq, observation, vm_id, last_seen)) FROM temp.${SEEN} WHERE seq > ?2) AS seen`;

/** `OLD.c IS NOT NEW.c OR ...` over the columns: whether a row changed in any of them. */
function differs(columns: readonly string[]): string {
  return columns.map((column) => `OLD."${column}" IS NOT NEW."${column}"`).join(' OR ');
}

/**
 * Notes the VM id `expression` (not an integer, or not matching `when`: nothing) as changed. Nothing
 * here can fail the statement that fires it: no constraint beyond the row id, which SQLite assigns.
 */
function note(expression: string, when = 'true'): string {
  return `INSERT INTO ${DIRTY} (vm_id) SELECT ${expression} WHERE typeof(${expression}) = 'integer' AND (${when});`;
}

/** The triggers, with each table's columns as migrations made them (read when they are created). */
function trackingSql(vmColumns: readonly string[], observationColumns: readonly string[]): string {
  const trigger = (name: string, event: string, table: string, when: string | null, body: string) =>
    `CREATE TEMP TRIGGER IF NOT EXISTS avma_state_${name} AFTER ${event} ON main.${table}
      ${when === null ? '' : `WHEN ${when}`} BEGIN ${body} END;`;
  // `UPDATE OF` the other columns: an UPDATE that sets last_seen alone (SEEN_AGAIN, 8,000 rows a round
  // at fleet scale) does not fire the trigger at all, nor evaluate its comparison of every column.
  const vmsOther = vmColumns.filter((column) => column !== 'last_seen');
  const observationsOther = observationColumns.filter((column) => column !== 'last_seen');
  const updateOf = (columns: readonly string[]) => `UPDATE OF ${columns.map((c) => `"${c}"`).join(', ')}`;
  const oldEvent = AVMA_HOST_EVENT.replaceAll(/(source|event_id)/g, 'OLD.$1');
  const newEvent = AVMA_HOST_EVENT.replaceAll(/(source|event_id)/g, 'NEW.$1');
  return [
    `CREATE TEMP TABLE IF NOT EXISTS ${DIRTY} (seq INTEGER PRIMARY KEY, vm_id INTEGER);`,
    `CREATE TEMP TABLE IF NOT EXISTS ${SEEN} (seq INTEGER PRIMARY KEY, observation INTEGER, vm_id INTEGER, last_seen INTEGER);`,
    trigger('vms_insert', 'INSERT', 'vms', null, note('NEW.id')),
    trigger('vms_delete', 'DELETE', 'vms', null, note('OLD.id')),
    trigger('vms_update', updateOf(vmsOther), 'vms', differs(vmsOther), note('OLD.id') + note('NEW.id')),
    trigger('observations_insert', 'INSERT', 'observations', null, note('NEW.vm_id')),
    trigger('observations_delete', 'DELETE', 'observations', null, note('OLD.vm_id')),
    trigger(
      'observations_update',
      updateOf(observationsOther),
      'observations',
      differs(observationsOther),
      note('OLD.vm_id') + note('NEW.vm_id'),
    ),
    // Also fired with the trigger above when both changed: a VM noted as changed is read in full.
    trigger(
      'observations_seen',
      'UPDATE OF last_seen',
      'observations',
      'OLD.last_seen IS NOT NEW.last_seen',
      `INSERT INTO ${SEEN} (observation, vm_id, last_seen) VALUES (NEW.id, NEW.vm_id, NEW.last_seen);`,
    ),
    trigger('actions_insert', 'INSERT', 'actions', null, note('NEW.vm_id')),
    trigger('actions_delete', 'DELETE', 'actions', null, note('OLD.vm_id')),
    trigger('actions_update', 'UPDATE', 'actions', null, note('OLD.vm_id') + note('NEW.vm_id')),
    trigger('events_insert', 'INSERT', 'events', null, note('NEW.vm_id', newEvent)),
    trigger('events_delete', 'DELETE', 'events', null, note('OLD.vm_id', oldEvent)),
    trigger(
      'events_update',
      'UPDATE',
      'events',
      null,
      note('OLD.vm_id', oldEvent) + note('NEW.vm_id', newEvent),
    ),
    trigger(
      'hosts_update',
      'UPDATE',
      'hosts',
      'OLD.id IS NOT NEW.id OR OLD.name IS NOT NEW.name',
      note(String(EVERY_VM)),
    ),
    trigger('hosts_delete', 'DELETE', 'hosts', null, note(String(EVERY_VM))),
  ].join('\n');
}

async function columnsOf(conn: SqlConnection, table: string): Promise<string[]> {
  const rows = await conn.all(`SELECT name FROM pragma_table_info('${table}', 'main')`);
  return rows.map((row) => String(row.name));
}

/** A VM's memory and the id of the observation it holds as latest (null: none). */
interface KeptVm {
  readonly memory: VmMemory;
  readonly observation: number | null;
}

/** The VMs' ids, checked: the kept state is keyed by them. Throws StoreError CORRUPT. */
function checkIds(vmIds: readonly number[]): void {
  const bad = vmIds.find((id) => !Number.isSafeInteger(id) || id <= 0);
  if (bad !== undefined)
    throw new StoreError('CORRUPT', `vms.id ${String(bad)} in the sweep state is not a row id`);
}

function keptVm(row: SqlRow): KeptVm {
  return { memory: decodeVm(row), observation: row.observation === null ? null : Number(row.observation) };
}

function idsOrNull(value: unknown): number[] | null {
  return Array.isArray(value) && value.every(Number.isSafeInteger) ? value : null;
}

/** `[seq, observation, vm_id, last_seen]` per note. */
function seenOrNull(value: unknown): (readonly [number, number, number, number])[] | null {
  const valid = (entry: unknown) =>
    Array.isArray(entry) && entry.length === 4 && entry.every(Number.isSafeInteger);
  return Array.isArray(value) && value.every(valid) ? value : null;
}

/** One writable SQLite connection's sweep state; `read` runs inside the store's queue, alone. */
export class SweepStateTracker {
  readonly #pruneAfter: number;
  #tracking = false;
  /** The `data_version` of the last read; null: nothing kept (read everything). */
  #dataVersion: number | null = null;
  /** VM id -> its memory: the VMs of the last read. */
  readonly #vms = new Map<number, KeptVm>();
  /** The kept VMs' ids, ascending (the order of the full read). */
  #order: number[] = [];
  #lastRead: 'all' | number = 'all';
  /** The last note read of each log, and how many notes were read since they were last pruned. */
  #marks = { dirty: 0, seen: 0, read: 0 };

  /** `pruneAfter`: how many notes read are kept before they are deleted. */
  constructor(pruneAfter = PRUNE_AFTER) {
    this.#pruneAfter = pruneAfter;
  }

  /** What the last read read from the VMs' tables: everything, or the memory of this many VMs. */
  get lastRead(): 'all' | number {
    return this.#lastRead;
  }

  /** The state as `readSweepState` reads it. Rejects with StoreError (CORRUPT for rows that do not decode). */
  async read(conn: SqlConnection): Promise<SweepState> {
    try {
      if (!this.#tracking) {
        await conn.exec(trackingSql(await columnsOf(conn, 'vms'), await columnsOf(conn, 'observations')));
        this.#tracking = true;
      }
      const changed = this.#dataVersion === null ? null : await this.#readChanges(conn);
      const state = changed ?? (await this.#readAll(conn));
      if (this.#marks.read > this.#pruneAfter) await this.#prune(conn);
      return state;
    } catch (error) {
      this.forget();
      throw error;
    }
  }

  /** Deletes the notes read, but the last of each log: a new note's row id must stay above the mark. */
  async #prune(conn: SqlConnection): Promise<void> {
    const { dirty, seen } = this.#marks;
    await conn.exec(
      `DELETE FROM temp.${DIRTY} WHERE seq < ${dirty}; DELETE FROM temp.${SEEN} WHERE seq < ${seen};`,
    );
    this.#marks.read = 0;
  }

  /** The marks of a read, checked (integers: they are put in SQL text by #prune). */
  #mark(row: SqlRow, read: number): void {
    this.#marks = {
      dirty: intColumn(row, 'temp', 'dirty_mark'),
      seen: intColumn(row, 'temp', 'seen_mark'),
      read: this.#marks.read + read,
    };
  }

  /** Drops what is kept: the next read reads everything. */
  forget(): void {
    this.#dataVersion = null;
    this.#vms.clear();
    this.#order = [];
  }

  async #readAll(conn: SqlConnection): Promise<SweepState> {
    const row = (await conn.get(READ_ALL)) ?? {};
    const { hostRows, vmRows, vmIds } = sqliteStateColumns(row);
    checkIds(vmIds);
    this.forget();
    for (const [i, vm] of vmRows.entries()) this.#vms.set(vmIds[i] as number, keptVm(vm));
    this.#order = vmIds;
    this.#dataVersion = intColumn(row, 'pragma', 'data_version');
    this.#mark(row, 0);
    this.#lastRead = 'all';
    return this.#state(hostRows);
  }

  /** The state from the notes; null when they cannot tell (another connection wrote, a host changed). */
  async #readChanges(conn: SqlConnection): Promise<SweepState | null> {
    const row = (await conn.get(READ_CHANGES, [this.#marks.dirty, this.#marks.seen])) ?? {};
    if (intColumn(row, 'pragma', 'data_version') !== this.#dataVersion) return null;
    const noted = jsonColumn(row, 'temp', 'dirty', idsOrNull);
    const dirty = new Set(noted);
    if (dirty.has(EVERY_VM)) return null;
    const seen = jsonColumn(row, 'temp', 'seen', seenOrNull);
    this.#mark(row, noted.length + seen.length);
    const { hostRows, vmRows, vmIds } = sqliteStateColumns(row);
    checkIds(vmIds);
    const fresh = new Map(vmIds.map((id, i) => [id, vmRows[i] as SqlRow]));
    let moved = false;
    for (const id of dirty) {
      const vm = fresh.get(id);
      moved = (vm === undefined ? this.#vms.delete(id) : !this.#vms.has(id)) || moved;
      if (vm !== undefined) this.#vms.set(id, keptVm(vm));
    }
    // In the order they were noted (by seq): an interval seen twice since the last read ends as seen last.
    seen.sort((a, b) => a[0] - b[0]);
    for (let i = 0; i < seen.length; i++) {
      const [, observation, vmId, lastSeenMs] = seen[i] as (typeof seen)[number];
      const kept = this.#vms.get(vmId);
      if (dirty.has(vmId) || kept === undefined || kept.observation !== observation) continue;
      this.#vms.set(vmId, { memory: seenAgain(kept.memory, lastSeenMs), observation });
    }
    if (moved) this.#order = [...this.#vms.keys()].sort((a, b) => a - b);
    this.#lastRead = vmRows.length;
    return this.#state(hostRows);
  }

  #state(hostRows: readonly SqlRow[]): SweepState {
    const vms = this.#order.map((id) => {
      const kept = this.#vms.get(id);
      if (kept === undefined) throw new StoreError('CORRUPT', `the kept sweep state lost VM row ${id}`);
      return kept.memory;
    });
    return Object.freeze({ hosts: sweepStateHosts(hostRows), vms: Object.freeze(vms) });
  }
}
