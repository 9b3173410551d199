/**
 * Warnings and errors on their way to the Windows Application log. Writing one takes a PowerShell call
 * (tens of milliseconds, seconds when the shell restarts), so the logger only puts entries in a bounded
 * queue and returns at once; one writer drains it in order. When the queue is full, a new entry is
 * dropped and counted, and the next entry written says how many were lost: a flood of warnings (every
 * host unreachable) never slows a sweep or grows memory, and the operator still learns of the gap.
 */

export type EventLogLevel = 'warning' | 'error';

export interface EventLogEntry {
  readonly level: EventLogLevel;
  readonly message: string;
}

/** Writes one entry to the Event Log; rejects when it could not. */
export type EventLogWriter = (entry: EventLogEntry) => Promise<void>;

export const DEFAULT_EVENT_LOG_QUEUE = 100;

export interface EventLogCounts {
  readonly written: number;
  readonly dropped: number;
  readonly failed: number;
  readonly queued: number;
}

export class EventLogQueue {
  readonly #write: EventLogWriter;
  readonly #capacity: number;
  readonly #onFailure: (error: unknown) => void;
  readonly #pending: EventLogEntry[] = [];
  #draining: Promise<void> | null = null;
  #droppedSinceWrite = 0;
  #counts = { written: 0, dropped: 0, failed: 0 };

  /** `onFailure` hears about the first failed write only (one line, not one per warning). */
  constructor(
    write: EventLogWriter,
    capacity = DEFAULT_EVENT_LOG_QUEUE,
    onFailure: (error: unknown) => void = () => {},
  ) {
    this.#write = write;
    this.#capacity = Math.max(1, Math.trunc(capacity));
    this.#onFailure = onFailure;
  }

  /** Queues an entry; false when the queue was full and the entry was dropped. Never blocks or throws. */
  push(entry: EventLogEntry): boolean {
    if (this.#pending.length >= this.#capacity) {
      this.#counts.dropped += 1;
      this.#droppedSinceWrite += 1;
      return false;
    }
    this.#pending.push(entry);
    this.#draining ??= this.#drain().finally(() => {
      this.#draining = null;
    });
    return true;
  }

  counts(): EventLogCounts {
    return { ...this.#counts, queued: this.#pending.length };
  }

  /** Resolves once everything queued so far has been written or has failed (a stopping agent). */
  async flush(): Promise<void> {
    while (this.#draining !== null) await this.#draining;
  }

  async #drain(): Promise<void> {
    for (let entry = this.#pending.shift(); entry !== undefined; entry = this.#pending.shift()) {
      const lost = this.#droppedSinceWrite;
      const message =
        lost > 0
          ? `${entry.message} (${lost} earlier entries were dropped: the queue was full)`
          : entry.message;
      try {
        await this.#write({ level: entry.level, message });
        this.#counts.written += 1;
        this.#droppedSinceWrite -= lost;
      } catch (error) {
        if (this.#counts.failed === 0) this.#onFailure(error);
        this.#counts.failed += 1;
      }
    }
  }
}
