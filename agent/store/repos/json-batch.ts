/**
 * Many rows in one statement: the rows travel as one JSON array bound to `?1` and the statement reads
 * them with `jsonb_each(?1)` (PostgreSQL: `jsonb_array_elements($1::jsonb)`). jsonb_each, not
 * json_each: it hands each row to `->>` parsed, where json_each hands it over as text that every `->>`
 * parses again (40 % less time reading 144,000 rows of five values, measured on SQLite 3.52). Each
 * statement through node-sqlite3 costs a round trip through its thread pool, so a first sweep of 1,024
 * new VMs written row by row (about 5,000 statements) spent most of its time there (architecture §11).
 * One JSON parameter keeps the SQL text constant (one cached prepared statement, whatever the row
 * count) and every value bound, never spliced into SQL.
 */
import type { RunResult, SqlValue } from '../sql-connection.js';
import type { TxContext } from './context.js';

/**
 * JSON characters per statement. SQLite refuses a bound string over SQLITE_MAX_LENGTH (1,000,000,000
 * bytes by default); a 10,000-VM sweep with full KVP pools could approach it, so batches are split
 * well below, and the split costs one more statement per 8 MiB, which is nothing.
 */
export const MAX_BATCH_JSON = 8 * 1024 * 1024;

/**
 * Runs `sql` once per batch of `rows` (in order), binding the batch as a JSON array to `?1` and
 * `extra` to `?2`, `?3`, ... Resolves to the rows changed by all batches when every batch ran; nothing
 * runs for no rows. Rejects with the connection's StoreError of the first failing batch (earlier
 * batches stay written in the transaction).
 */
export async function runJsonBatches(
  ctx: TxContext,
  sql: string,
  rows: readonly (readonly SqlValue[] | SqlValue)[],
  extra: readonly SqlValue[] = [],
): Promise<number> {
  let changes = 0;
  await eachJsonBatch(ctx, sql, rows, extra, (result) => {
    changes += result.changes;
  });
  return changes;
}

/**
 * `runJsonBatches` for a caller that needs no count: a one-statement sweep (one-statement.ts) counts
 * a batch only when asked, and a pool batch is large.
 */
export function writeJsonBatches(
  ctx: TxContext,
  sql: string,
  rows: readonly (readonly SqlValue[] | SqlValue)[],
  extra: readonly SqlValue[] = [],
): Promise<void> {
  return eachJsonBatch(ctx, sql, rows, extra, () => undefined);
}

async function eachJsonBatch(
  ctx: TxContext,
  sql: string,
  rows: readonly (readonly SqlValue[] | SqlValue)[],
  extra: readonly SqlValue[],
  use: (result: RunResult) => void,
): Promise<void> {
  if (rows.length === 0) return;
  // Usually everything fits one batch: one stringify of the whole array makes no per-row strings to
  // join (a first sweep's pools are megabytes of them); more than one batch's worth is split below.
  const whole = JSON.stringify(rows);
  if (whole.length <= MAX_BATCH_JSON) return use(await ctx.conn.run(sql, [whole, ...extra]));
  let batch: string[] = [];
  let size = 0;
  for (const row of rows) {
    const json = JSON.stringify(row);
    if (batch.length > 0 && size + json.length > MAX_BATCH_JSON) {
      use(await ctx.conn.run(sql, [`[${batch.join(',')}]`, ...extra]));
      batch = [];
      size = 0;
    }
    batch.push(json);
    size += json.length + 1;
  }
  if (batch.length > 0) use(await ctx.conn.run(sql, [`[${batch.join(',')}]`, ...extra]));
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * The text as SQLite stores it when bound directly (node-sqlite3 encodes lone surrogates as U+FFFD).
 * Through JSON a lone surrogate would arrive as `\udXXX`, which json_each decodes to invalid UTF-8
 * (and PostgreSQL's jsonb refuses); tenant-supplied text in a batch goes through this first so both
 * write paths store the same bytes.
 */
export function boundText(text: string): string;
export function boundText(text: string | null): string | null;
export function boundText(text: string | null): string | null {
  return text === null ? null : text.replace(LONE_SURROGATE, '\uFFFD');
}
