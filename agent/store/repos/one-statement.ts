/**
 * A steady host sweep in ONE SQLite statement instead of six to eight. Each statement is a round trip
 * through node-sqlite3's thread pool, and on a small host the round trips are the sweep: the bundled
 * lab month spent most of its wall time waiting on them (BENCHMARKS.md, sweep, issue 14).
 *
 * The sweep's own code runs unchanged against a recording connection: reads run for real, and the
 * writes a steady sweep makes (the STEPS below, in the order the sweep makes them) are only recorded.
 * At the end all of them go to SQLite as one INSERT into a temporary view whose INSTEAD OF trigger runs
 * the same statements with the same parameters in the same order. One statement is one transaction.
 * Any other write (a rename, a new interval, a deletion, an audit) is not recorded: the store then
 * forgets the kept rows and runs the transaction the usual way. So does a trigger that finds the
 * database other than the recording assumed: the trigger checks, before it writes anything, that no
 * other connection committed since the kept rows were read (`data_version`), and after each step that
 * it changed exactly the rows the sweep was told it changed (its RETURNING ids included), and aborts
 * the whole statement otherwise.
 */
import { StoreError } from '../errors.js';
import type { RunResult, SqlConnection, SqlRow, SqlValue } from '../sql-connection.js';
import { Transaction } from '../transaction.js';
import { WRITE_BOOKMARK } from './bookmarks-repo.js';
import { DATA_VERSION } from './context.js';
import { INSERT_EVENTS } from './events-repo.js';
import { UPSERT_HOST } from './hosts-repo.js';
import { DELETE_ITEMS, TOUCH_POOLS, UPSERT_ITEMS } from './kvp-repo.js';
import type { OpenRows } from './open-rows.js';
import { SEEN_AGAIN, UPSERT_VMS } from './sweep-repo.js';

/**
 * How the recorder answers a step, and how many rows the trigger then requires it to change: a host
 * upsert (its id; one row), the VM upsert (their ids; one per VM), a JSON batch (one per element, as
 * `json_array_length` counts them) or a single row.
 */
type Answer = 'host' | 'vms' | 'rows' | 'one';

interface Step {
  readonly sql: string;
  readonly answer: Answer;
  /** The parameter holding the JSON array of rows ('vms' and 'rows'). */
  readonly rowsParam?: number;
}

/** Host events, their bookmark, then guest events: recordHost's order (sweep/record-host.ts). */
const STEPS: readonly Step[] = [
  { sql: UPSERT_HOST.sqlite, answer: 'host' },
  { sql: UPSERT_VMS.sqlite, answer: 'vms', rowsParam: 1 },
  { sql: SEEN_AGAIN.sqlite, answer: 'rows', rowsParam: 1 },
  { sql: TOUCH_POOLS.sqlite, answer: 'rows', rowsParam: 0 },
  { sql: DELETE_ITEMS.sqlite, answer: 'rows', rowsParam: 0 },
  { sql: UPSERT_ITEMS.sqlite, answer: 'rows', rowsParam: 0 },
  { sql: INSERT_EVENTS.sqlite, answer: 'rows', rowsParam: 0 },
  { sql: WRITE_BOOKMARK.sqlite, answer: 'one' },
  { sql: INSERT_EVENTS.sqlite, answer: 'rows', rowsParam: 0 },
];

/** Recorded for each step taken: its parameters and the ids it answered with. */
interface Taken {
  readonly params: readonly SqlValue[];
  readonly answered: SqlValue;
}

/** Thrown inside the recorded run for a write that cannot be recorded; never leaves the store. */
export class NotOneStatement extends Error {}

const ABORT_MARK = 'avma one statement';
const VIEW = 'avma_one_statement';

/** `?N` parameters: the highest N; plain `?`: how many there are. */
function parameterCount(sql: string): number {
  const numbered = [...sql.matchAll(/\?(\d+)/g)].map((match) => Number(match[1]));
  return numbered.length > 0 ? Math.max(...numbered) : (sql.match(/\?/g) ?? []).length;
}

const PARAMETER_COUNTS = STEPS.map((step) => parameterCount(step.sql));
const column = (step: number, name: string): string => `NEW.s${step}_${name}`;

function expectedChanges(step: Step, index: number): string {
  if (step.answer === 'host' || step.answer === 'one') return '1';
  if (step.answer === 'vms') return `json_array_length(${column(index, 'answered')})`;
  return `json_array_length(${column(index, `p${(step.rowsParam ?? 0) + 1}`)})`;
}

/** The step's SQL as a trigger statement: parameters from NEW, no RETURNING, nothing when not taken. */
function triggerStatement(step: Step, index: number): string {
  let positional = 0;
  const taken = column(index, 'taken');
  const sql = step.sql
    .replace(/\s+RETURNING[\s\S]*$/, '')
    .replace(/\?(\d+)?/g, (_, n?: string) => column(index, `p${n ?? ++positional}`))
    .replace(/VALUES \(([^)]*)\)/, `SELECT $1 WHERE ${taken} IS NOT NULL`);
  const answered = column(index, 'answered');
  const wrong =
    step.answer === 'host'
      ? `OR (SELECT id FROM hosts WHERE name = ${column(index, 'p1')}) IS NOT ${answered}`
      : step.answer === 'vms'
        ? `OR EXISTS (SELECT 1 FROM json_each(${answered}) AS j
             WHERE (SELECT id FROM vms WHERE guid = j.value ->> '$[0]') IS NOT j.value ->> '$[1]')`
        : '';
  return `${sql};
  SELECT RAISE(ABORT, '${ABORT_MARK}: step ${index} changed other rows than recorded')
    WHERE ${taken} IS NOT NULL AND (changes() IS NOT ${expectedChanges(step, index)} ${wrong});`;
}

const COLUMNS = [
  'data_version',
  ...STEPS.flatMap((_, index) => [
    `s${index}_taken`,
    `s${index}_answered`,
    ...Array.from({ length: PARAMETER_COUNTS[index] ?? 0 }, (_, i) => `s${index}_p${i + 1}`),
  ]),
];
const INSERT = `INSERT INTO temp.${VIEW} (${COLUMNS.join(', ')}) VALUES (${COLUMNS.map(() => '?').join(', ')})`;

/**
 * The temporary view and trigger (per connection: nothing is stored in the database file). The first
 * trigger statement refuses a database another connection wrote since the kept rows were read.
 */
export const ONE_STATEMENT_SCHEMA = `
CREATE TEMP VIEW IF NOT EXISTS ${VIEW} AS SELECT ${COLUMNS.map((name) => `NULL AS ${name}`).join(', ')};
CREATE TEMP TRIGGER IF NOT EXISTS ${VIEW}_insert INSTEAD OF INSERT ON ${VIEW} BEGIN
  SELECT RAISE(ABORT, '${ABORT_MARK}: the database changed elsewhere')
    WHERE (SELECT data_version FROM pragma_data_version) IS NOT NEW.data_version;
  ${STEPS.map(triggerStatement).join('\n  ')}
END;`;

/** The error of a trigger that found the database other than recorded (then the usual way runs). */
export function isOneStatementAbort(error: unknown): boolean {
  return error instanceof StoreError && error.code === 'CONFLICT' && error.message.includes(ABORT_MARK);
}

/** Whether the quote at `at` is escaped: an odd number of backslashes before it. */
function escaped(json: string, at: number): boolean {
  let backslashes = 0;
  for (let i = at - 1; json.charCodeAt(i) === 0x5c; i--) backslashes++;
  return backslashes % 2 === 1;
}

/**
 * Elements of a JSON array as JSON.stringify writes it (no white space), without parsing it: a pool
 * batch is large, and mostly strings, which are skipped from quote to quote.
 */
export function jsonArrayLength(json: SqlValue): number {
  if (typeof json !== 'string' || json.charCodeAt(0) !== 0x5b) {
    throw new NotOneStatement('a JSON batch that is not an array');
  }
  let depth = 0;
  let commas = 0;
  for (let i = 0; i < json.length; i++) {
    const code = json.charCodeAt(i);
    if (code === 0x22) {
      do i = json.indexOf('"', i + 1);
      while (i > 0 && escaped(json, i));
      if (i < 0) throw new NotOneStatement('a JSON batch with an open string');
    } else if (code === 0x5b || code === 0x7b) depth++;
    else if (code === 0x5d || code === 0x7d) depth--;
    else if (code === 0x2c && depth === 1) commas++;
  }
  return json === '[]' ? 0 : commas + 1;
}

const HOST_ID = 'SELECT id FROM hosts WHERE name = ?';
const VM_IDS = `SELECT id, guid FROM vms WHERE guid IN (SELECT j.value ->> '$[0]' FROM json_each(?) AS j)`;
const READ = /^\s*(?:SELECT\b|PRAGMA data_version$)/;

/**
 * The connection a recorded run uses. Reads run for real, outside any transaction: nothing of this
 * store writes in between (its queue), and another connection's commit makes the trigger refuse.
 */
export class RecordingConnection implements SqlConnection {
  readonly dialect = 'sqlite' as const;
  readonly #conn: SqlConnection;
  readonly #rows: OpenRows;
  readonly #taken: (Taken | undefined)[] = [];
  #next = 0;
  /** The host and VMs whose kept rows the recorded run may have updated in advance. */
  readonly #hostIds: number[] = [];
  #vmIds: number[] = [];

  constructor(conn: SqlConnection, rows: OpenRows) {
    this.#conn = conn;
    this.#rows = rows;
  }

  get path(): string {
    return this.#conn.path;
  }

  async run(sql: string, params: readonly SqlValue[] = []): Promise<RunResult> {
    if (READ.test(sql)) return this.#conn.run(sql, params);
    const index = this.#step(sql, ['rows', 'one']);
    this.#taken[index] = { params, answered: null };
    if (STEPS[index]?.answer === 'one') return { changes: 1 };
    // What the trigger requires (json_array_length); counted only when asked (events are, pools not).
    // Events are taken for new (a sweep sends a guest ring's committed events once): one stored
    // already makes the trigger refuse, and the usual way counts it.
    const batch = params[STEPS[index]?.rowsParam ?? 0] ?? null;
    return {
      get changes() {
        return jsonArrayLength(batch);
      },
    };
  }

  async get(sql: string, params: readonly SqlValue[] = []): Promise<SqlRow | undefined> {
    if (READ.test(sql)) return this.#conn.get(sql, params);
    const index = this.#step(sql, ['host']);
    const name = String(params[0]);
    const id = this.#rows.hostIds.get(name.toLowerCase()) ?? (await this.#conn.get(HOST_ID, [name]))?.id;
    if (id === undefined) throw new NotOneStatement('a new host');
    const dataVersion = this.#rows.dataVersion ?? (await this.#conn.get(DATA_VERSION))?.data_version;
    this.#taken[index] = { params, answered: Number(id) };
    this.#hostIds.push(Number(id));
    return { id, data_version: dataVersion };
  }

  async all(sql: string, params: readonly SqlValue[] = []): Promise<SqlRow[]> {
    if (READ.test(sql)) return this.#conn.all(sql, params);
    const index = this.#step(sql, ['vms']);
    const batch = params[STEPS[index]?.rowsParam ?? 0] ?? null;
    const guids = (JSON.parse(String(batch)) as [string, unknown][]).map(([guid]) => guid);
    const ids = this.#rows.vmIds;
    const unknown = guids.filter((guid) => !ids.has(guid));
    if (unknown.length > 0) {
      const rows = await this.#conn.all(VM_IDS, [JSON.stringify(unknown.map((guid) => [guid]))]);
      for (const row of rows) ids.set(String(row.guid), Number(row.id));
    }
    const rows = guids.map((guid) => ({ id: ids.get(guid), guid }));
    if (rows.some((row) => row.id === undefined)) throw new NotOneStatement('a new VM');
    const answered = JSON.stringify(rows.map((row) => [row.guid, row.id]));
    this.#taken[index] = { params, answered };
    this.#vmIds = rows.map((row) => row.id as number);
    return rows;
  }

  exec(): Promise<void> {
    return Promise.reject(new NotOneStatement('a script'));
  }

  close(): Promise<void> {
    return Promise.reject(new NotOneStatement('close'));
  }

  /** The next step (in STEPS' order) that runs `sql` and is answered as `answers` allow. */
  #step(sql: string, answers: readonly Answer[]): number {
    for (let index = this.#next; index < STEPS.length; index++) {
      const step = STEPS[index] as Step;
      if (step.sql !== sql || !answers.includes(step.answer)) continue;
      this.#next = index + 1;
      return index;
    }
    throw new NotOneStatement('a write that is not a steady sweep step');
  }

  /**
   * Forgets the kept rows of the host and VMs recorded (not written): the sweep updates them as it
   * records, and the usual way must read them again. Before the VMs step nothing was updated in advance.
   */
  forgetRecorded(): void {
    this.#rows.forget(this.#hostIds, this.#vmIds);
  }

  /**
   * Writes everything recorded in one statement (none when nothing was). Rejects with the
   * connection's StoreError; `isOneStatementAbort` tells the trigger's refusals.
   */
  async write(): Promise<boolean> {
    if (this.#taken.length === 0) return false;
    const dataVersion = this.#rows.dataVersion;
    if (dataVersion === null) throw new NotOneStatement('no data_version read');
    const values: SqlValue[] = [dataVersion];
    STEPS.forEach((_, index) => {
      const taken = this.#taken[index];
      values.push(taken === undefined ? null : 1, taken?.answered ?? null);
      for (let i = 0; i < (PARAMETER_COUNTS[index] ?? 0); i++) values.push(taken?.params[i] ?? null);
    });
    await this.#conn.run(INSERT, values);
    return true;
  }
}

/** What `inOneStatement` did: `done` with the work's result, or nothing written (run it the usual way). */
export type OneStatementOutcome<T> =
  | { readonly done: true; readonly value: T; readonly wrote: boolean }
  | { readonly done: false };

/**
 * Runs `work` recorded and writes what it recorded in one statement. Not done when it made a write a
 * steady sweep does not make or the trigger refused: nothing was written, and the kept rows of its host
 * and VMs (which the recorded run updated) are forgotten. Rejects with `work`'s own error, as the usual
 * way would, with nothing written.
 */
export async function inOneStatement<T>(
  conn: SqlConnection,
  rows: OpenRows,
  settings: { readonly staleAfterMs: number; readonly memoryChangeRatio: number },
  work: (tx: Transaction) => Promise<T>,
): Promise<OneStatementOutcome<T>> {
  const recorder = new RecordingConnection(conn, rows);
  const tx = new Transaction(recorder, settings.staleAfterMs, settings.memoryChangeRatio, rows);
  try {
    const value = await work(tx);
    tx.finish();
    return { done: true, value, wrote: await recorder.write() };
  } catch (error) {
    tx.finish();
    // Not written: what the recorded run kept of its host and VMs is forgotten (the rest of the kept
    // rows stay; after another connection's commit the usual way's data_version check drops them all).
    // Any other failure forgets everything, as a rolled-back transaction does.
    if (error instanceof NotOneStatement || isOneStatementAbort(error)) {
      recorder.forgetRecorded();
      return { done: false };
    }
    rows.clear();
    throw error;
  }
}
