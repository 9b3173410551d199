/**
 * A simulated Windows Application log: records get increasing `EventRecordID`s starting at 1, as a
 * fresh log does, and are read after a record-id bookmark in order (Get-WinEvent with
 * `*[System[(EventRecordID > N)]]`, then sorted oldest first).
 */
import { LabError } from './lab-error.js';

export interface LabEventRecord {
  readonly recordId: number;
  readonly eventId: number;
  readonly provider: string;
  /** ISO-8601 UTC. */
  readonly time: string;
  readonly message: string;
  readonly data: Readonly<Record<string, string>>;
}

/** Default page size of a read, as `ReadEventsRequest.max` documents. */
export const DEFAULT_READ_MAX = 1000;

/** One Application log with its own record ids. */
export class EventLog {
  readonly #records: LabEventRecord[] = [];

  /** Number of records ever written. */
  get size(): number {
    return this.#records.length;
  }

  /** The record id of the newest record, 0 before the first. */
  get lastRecordId(): number {
    return this.#records.length;
  }

  /** Appends a record and returns it with its record id. Never throws. */
  write(entry: Omit<LabEventRecord, 'recordId'>): LabEventRecord {
    const record = Object.freeze({
      ...entry,
      recordId: this.#records.length + 1,
      data: Object.freeze({ ...entry.data }),
    });
    this.#records.push(record);
    return record;
  }

  /**
   * Records with one of `ids` (all ids when empty) and `recordId > afterRecordId`, oldest first, at
   * most `max`. Throws `LabError` INVALID_ARGUMENT for a negative or non-integer bookmark or max.
   */
  read(ids: readonly number[], afterRecordId: number, max = DEFAULT_READ_MAX): LabEventRecord[] {
    if (!Number.isInteger(afterRecordId) || afterRecordId < 0) {
      throw new LabError('INVALID_ARGUMENT', `afterRecordId is ${afterRecordId}, expected an integer >= 0`);
    }
    if (!Number.isInteger(max) || max < 1) {
      throw new LabError('INVALID_ARGUMENT', `max is ${max}, expected an integer >= 1`);
    }
    const wanted = new Set(ids);
    const out: LabEventRecord[] = [];
    // Record ids are positions + 1, so the scan starts right after the bookmark.
    for (let index = afterRecordId; index < this.#records.length && out.length < max; index += 1) {
      const record = this.#records[index] as LabEventRecord;
      if (wanted.size === 0 || wanted.has(record.eventId)) out.push(record);
    }
    return out;
  }

  /** Number of records with the given event id. Never throws. */
  count(eventId: number): number {
    let total = 0;
    for (const record of this.#records) if (record.eventId === eventId) total += 1;
    return total;
  }
}
