/**
 * A simulated Windows Application log: records get increasing `EventRecordID`s starting at 1, as a
 * fresh log does, and are read after a record-id bookmark in order (Get-WinEvent with
 * `*[System[(EventRecordID > N)]]`, then sorted oldest first).
 *
 * Like a real log with its default retention ("Overwrite events as needed"), it keeps at most a
 * maximum number of records: past it the oldest are dropped and record ids go on counting. A reader
 * whose bookmark is older than the oldest record kept gets the records kept after it, exactly as
 * Get-WinEvent answers the same query on a wrapped log, so the records in between are simply gone.
 * Real logs are capped in bytes (Application: 20 MB by default); the lab counts records instead
 * (`eventLogMaxRecords`, lab-settings.ts, UNCONFIRMED how many AVMA records fit).
 *
 * Records of one log repeat their text (a VM's daily renewal writes the same message and EventData
 * every day), so a record shares the message and EventData of an earlier one with the same text:
 * a month of a large fleet's logs then costs a small record each.
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
  readonly #maxRecords: number;
  /** The records kept, oldest first, from `#head` on (dropped ones are cleared, then cut off). */
  #records: (LabEventRecord | undefined)[] = [];
  #head = 0;
  #written = 0;
  readonly #counts = new Map<number, number>();
  /** Message and EventData already written, by message text (see the file comment). */
  readonly #shared = new Map<string, Pick<LabEventRecord, 'message' | 'data'>>();

  /** Throws `LabError` INVALID_ARGUMENT for a maximum that is not an integer >= 1. */
  constructor(maxRecords = Number.MAX_SAFE_INTEGER) {
    if (!Number.isSafeInteger(maxRecords) || maxRecords < 1) {
      throw new LabError('INVALID_ARGUMENT', `maxRecords is ${maxRecords}, expected an integer >= 1`);
    }
    this.#maxRecords = maxRecords;
  }

  /** Number of records ever written. */
  get size(): number {
    return this.#written;
  }

  /** The record id of the newest record, 0 before the first. */
  get lastRecordId(): number {
    return this.#written;
  }

  /** The record id of the oldest record kept, 0 when the log is empty. */
  get firstRecordId(): number {
    return this.#written === 0 ? 0 : this.#written - this.#keptCount() + 1;
  }

  #keptCount(): number {
    return this.#records.length - this.#head;
  }

  /** Appends a record and returns it with its record id, dropping the oldest past the maximum. */
  write(entry: Omit<LabEventRecord, 'recordId'>): LabEventRecord {
    this.#written += 1;
    const { message, data } = this.#shareText(entry.message, entry.data);
    const record: LabEventRecord = Object.freeze({
      eventId: entry.eventId,
      provider: entry.provider,
      time: entry.time,
      message,
      data,
      recordId: this.#written,
    });
    this.#records.push(record);
    this.#counts.set(record.eventId, (this.#counts.get(record.eventId) ?? 0) + 1);
    if (this.#keptCount() > this.#maxRecords) this.#dropOldest();
    return record;
  }

  #shareText(message: string, data: LabEventRecord['data']): Pick<LabEventRecord, 'message' | 'data'> {
    const known = this.#shared.get(message);
    if (known !== undefined && sameData(known.data, data)) return known;
    const text = { message, data: Object.freeze({ ...data }) };
    this.#shared.set(message, text);
    return text;
  }

  #dropOldest(): void {
    this.#records[this.#head] = undefined;
    this.#head += 1;
    // Cut the cleared front off once it is as long as what is kept: amortised constant time.
    if (this.#head >= this.#keptCount()) {
      this.#records = this.#records.slice(this.#head);
      this.#head = 0;
    }
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
    const out: LabEventRecord[] = [];
    const first = this.firstRecordId;
    if (afterRecordId >= this.#written || first === 0) return out;
    // Kept record ids are consecutive, so the scan starts right after the bookmark (or at the oldest).
    const from = this.#head + Math.max(afterRecordId + 1, first) - first;
    for (let index = from; index < this.#records.length && out.length < max; index += 1) {
      const record = this.#records[index] as LabEventRecord;
      if (ids.length === 0 || ids.includes(record.eventId)) out.push(record);
    }
    return out;
  }

  /** Number of records ever written with the given event id, dropped ones included. Never throws. */
  count(eventId: number): number {
    return this.#counts.get(eventId) ?? 0;
  }
}

function sameData(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean {
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  return keys.every((key) => a[key] === b[key]);
}
