/**
 * VMs the store first saw at or after a time, newest first: the dashboard's "what changed since
 * yesterday". The vms table keeps first_seen; the current name is the latest vm_names row.
 */

import { intColumn, isoTime, textColumn } from '../decode.js';
import type { NewVm } from '../read-types.js';
import { type SqlConnection as Connection, type DialectSql, sqlOf } from '../sql-connection.js';
import { nameFromStoredOrNull } from '../stored-name.js';
import { checkInteger, checkTime } from '../validate.js';

const NEW_VMS_SQL: DialectSql = {
  sqlite: `
SELECT v.guid, v.first_seen,
  (SELECT n.name FROM vm_names n WHERE n.vm_id = v.id ORDER BY n.valid_from DESC, n.id DESC LIMIT 1) AS name
FROM vms v
WHERE v.first_seen >= ?1
ORDER BY v.first_seen DESC, v.id DESC
LIMIT ?2`,
  postgres: `
SELECT v.guid, v.first_seen,
  (SELECT n.name FROM vm_names n WHERE n.vm_id = v.id ORDER BY n.valid_from DESC, n.id DESC LIMIT 1) AS name
FROM vms v
WHERE v.first_seen >= $1::bigint
ORDER BY v.first_seen DESC, v.id DESC
LIMIT $2`,
};

/** At most `limit` (1..1000) VMs first seen at or after `since`, newest first. */
export async function listNewVms(conn: Connection, since: Date, limit: number): Promise<NewVm[]> {
  const rows = await conn.all(sqlOf(conn, NEW_VMS_SQL), [
    checkTime(since, 'since'),
    checkInteger(limit, 'limit', 1, 1000),
  ]);
  return rows.map((row) =>
    Object.freeze({
      id: textColumn(row, 'vms', 'guid'),
      name: nameFromStoredOrNull(typeof row.name === 'string' ? row.name : null),
      firstSeen: isoTime(intColumn(row, 'vms', 'first_seen')),
    }),
  );
}
