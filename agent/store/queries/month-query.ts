/** Reading closed months back, in closing order (the order of the hash chain). */

import {
  boolColumn,
  intColumn,
  isoTime,
  optionalOneOfColumn,
  optionalTextColumn,
  textColumn,
} from '../decode.js';
import { type SqlConnection as Connection, type DialectSql, type SqlRow, sqlOf } from '../sql-connection.js';
import type { MonthCloseFormat, MonthCloseRecord } from '../types.js';

const T = 'month_closes';

const CLOSE_SQL: DialectSql = {
  sqlite: 'SELECT * FROM month_closes WHERE month = ?',
  postgres: 'SELECT * FROM month_closes WHERE month = $1',
};

function formatOf(row: SqlRow): MonthCloseFormat {
  // Anything but 2 is read as the legacy rule, which verifies less and so can only fail, never pass more.
  return intColumn(row, T, 'format') === 2 ? 2 : 1;
}

/** One `month_closes` row (selected with `*`) as a record. */
export function decodeClose(row: SqlRow): MonthCloseRecord {
  return Object.freeze({
    sequence: intColumn(row, T, 'id'),
    month: textColumn(row, T, 'month'),
    closedAt: isoTime(intColumn(row, T, 'closed_at')),
    report: textColumn(row, T, 'report'),
    sha256: textColumn(row, T, 'sha256'),
    format: formatOf(row),
    csv: optionalTextColumn(row, T, 'csv'),
    settings: optionalTextColumn(row, T, 'settings'),
    actor: optionalTextColumn(row, T, 'actor'),
    actorSource: optionalOneOfColumn(row, T, 'actor_source', ['given', 'os-user'] as const),
    forced: boolColumn(row, T, 'forced'),
    previousSha256: optionalTextColumn(row, T, 'previous_sha256'),
  });
}

/** The close of `month`, or null when it was not closed. Rejects with StoreError on read failure. */
export async function getMonthClose(conn: Connection, month: string): Promise<MonthCloseRecord | null> {
  const row = await conn.get(sqlOf(conn, CLOSE_SQL), [month]);
  return row === undefined ? null : decodeClose(row);
}

/**
 * The closed months in closing order, without their contents: a fleet's report is megabytes, so
 * walking many closes reads them one at a time. Rejects with StoreError on read failure.
 */
export async function listClosedMonths(conn: Connection): Promise<string[]> {
  const rows = await conn.all('SELECT month FROM month_closes ORDER BY id');
  return rows.map((row) => textColumn(row, T, 'month'));
}

/** Every close in closing order (the chain's order). Rejects with StoreError on read failure. */
export async function listMonthCloses(conn: Connection): Promise<MonthCloseRecord[]> {
  const rows = await conn.all('SELECT * FROM month_closes ORDER BY id');
  return rows.map(decodeClose);
}
