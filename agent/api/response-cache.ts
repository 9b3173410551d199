/**
 * Answers of read routes kept while the database has not changed (`Store.changeStamp`): a dashboard
 * or a script polling the same list between two sweeps costs one cheap PRAGMA instead of a query, a
 * decode, a schema check and a serialisation. Bounded by entries and by bytes; least recently used
 * goes first. Every body in it was validated against its route's schema when it was made.
 */
export interface CachedAnswer {
  readonly stamp: string;
  readonly status: number;
  readonly body: string;
}

export class ResponseCache {
  readonly #entries = new Map<string, CachedAnswer>();
  readonly #maxEntries: number;
  readonly #maxBytes: number;
  #bytes = 0;

  constructor(maxEntries = 256, maxBytes = 64 * 1024 * 1024) {
    this.#maxEntries = maxEntries;
    this.#maxBytes = maxBytes;
  }

  /** The answer for `key` made at `stamp`, or undefined. */
  get(key: string, stamp: string): CachedAnswer | undefined {
    const entry = this.#entries.get(key);
    if (entry === undefined) return undefined;
    this.#entries.delete(key);
    if (entry.stamp !== stamp) {
      this.#bytes -= entry.body.length;
      return undefined;
    }
    this.#entries.set(key, entry);
    return entry;
  }

  set(key: string, answer: CachedAnswer): void {
    const previous = this.#entries.get(key);
    if (previous !== undefined) {
      this.#entries.delete(key);
      this.#bytes -= previous.body.length;
    }
    if (answer.body.length > this.#maxBytes / 4) return;
    this.#entries.set(key, answer);
    this.#bytes += answer.body.length;
    for (const [oldest, entry] of this.#entries) {
      if (this.#entries.size <= this.#maxEntries && this.#bytes <= this.#maxBytes) break;
      this.#entries.delete(oldest);
      this.#bytes -= entry.body.length;
    }
  }

  get size(): number {
    return this.#entries.size;
  }
}
