/**
 * Answers of read routes kept while the database has not changed (`Store.changeStamp`): a dashboard
 * or a script polling the same list between two sweeps costs one cheap PRAGMA instead of a query, a
 * decode, a schema check and a serialisation. Bounded by entries and by bytes; least recently used
 * goes first. Every body in it was validated against its route's schema when it was made.
 */
import type { RouteAnswer } from './route.js';

export interface CachedAnswer {
  readonly stamp: string;
  readonly status: number;
  /** UTF-8 bytes (a kept answer is sent as is, never encoded again), or text. */
  readonly body: Buffer | string;
  /** The body gzip-compressed, for clients that accept it (large answers only). */
  readonly gzipped?: Buffer;
}

function size(answer: CachedAnswer): number {
  return answer.body.length + (answer.gzipped?.length ?? 0);
}

export class ResponseCache {
  /** Answers being made now, by key and stamp (app.ts waits on them instead of making another). */
  readonly pending = new Map<string, Promise<CachedAnswer | RouteAnswer>>();
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
      this.#bytes -= size(entry);
      return undefined;
    }
    this.#entries.set(key, entry);
    return entry;
  }

  set(key: string, answer: CachedAnswer): void {
    const previous = this.#entries.get(key);
    if (previous !== undefined) {
      this.#entries.delete(key);
      this.#bytes -= size(previous);
    }
    if (size(answer) > this.#maxBytes / 4) return;
    this.#entries.set(key, answer);
    this.#bytes += size(answer);
    for (const [oldest, entry] of this.#entries) {
      if (this.#entries.size <= this.#maxEntries && this.#bytes <= this.#maxBytes) break;
      this.#entries.delete(oldest);
      this.#bytes -= size(entry);
    }
  }

  get size(): number {
    return this.#entries.size;
  }
}
