/** Reading closed months back. */
import type { Connection, SqlRow } from '../connection.js';
import { intColumn, isoTime, textColumn } from '../decode.js';
import type { MonthCloseRecord } from '../types.js';

function decodeClose(row: SqlRow): MonthCloseRecord {
  return Object.freeze({
    month: textColumn(row, 'month_closes', 'month'),
    closedAt: isoTime(intColumn(row, 'month_closes', 'closed_at')),
    report: textColumn(row, 'month_closes', 'report'),
    sha256: textColumn(row, 'month_closes', 'sha256'),
  });
}

/** The close of `month`, or null when it was not closed. Rejects with StoreError on read failure. */
export async function getMonthClose(conn: Connection, month: string): Promise<MonthCloseRecord | null> {
  const row = await conn.get('SELECT month, closed_at, report, sha256 FROM month_closes WHERE month = ?', [
    month,
  ]);
  return row === undefined ? null : decodeClose(row);
}

/** Every closed month, oldest first. Rejects with StoreError on read failure. */
export async function listMonthCloses(conn: Connection): Promise<MonthCloseRecord[]> {
  const rows = await conn.all('SELECT month, closed_at, report, sha256 FROM month_closes ORDER BY month');
  return rows.map(decodeClose);
}
