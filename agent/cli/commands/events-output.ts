/**
 * `avma events` output, streamed: pages of events go to stdout as they are read, so memory stays flat
 * however many events the store holds. `--json` is still one valid JSON array (the same text
 * `JSON.stringify(rows, null, 2)` would print); the table keeps one header.
 */
import type { EventRow } from '../../store/index.js';
import { eventsTableWriter } from './store-views.js';

export interface EventsWriter {
  page(rows: readonly EventRow[]): void;
  end(): void;
}

/** A JSON array written element by element. */
export function jsonArrayWriter(write: (text: string) => void): EventsWriter {
  let first = true;
  return {
    page(rows) {
      for (const row of rows) {
        write(`${first ? '[\n' : ',\n'}${JSON.stringify(row, null, 2).replace(/^/gm, '  ')}`);
        first = false;
      }
    },
    end() {
      write(first ? '[]\n' : '\n]\n');
    },
  };
}

export function eventsWriter(json: boolean, write: (text: string) => void): EventsWriter {
  return json ? jsonArrayWriter(write) : eventsTableWriter(write);
}

/**
 * Writes the events of `pages` to `out`, at most `limit` (null: all). Resolves to how many were shown
 * and whether the limit left matching events out, which the caller must say.
 */
export async function writeEvents(
  pages: AsyncIterable<readonly EventRow[]>,
  limit: number | null,
  out: EventsWriter,
): Promise<{ shown: number; cut: boolean }> {
  let shown = 0;
  let cut = false;
  for await (const page of pages) {
    const room = limit === null ? page.length : limit - shown;
    if (page.length > room) cut = true;
    if (room > 0) out.page(page.length > room ? page.slice(0, room) : page);
    shown += Math.min(room, page.length);
    if (cut) break;
  }
  out.end();
  return { shown, cut };
}
