/**
 * The metrics scrape's one read: the fleet in aggregate (host facts, VM counts by licence state,
 * eligibility reason and problem, stored 12309/12310 events by outcome), grouped in SQL so that what
 * crosses into JavaScript grows with hosts × vocabularies, never with VMs or events.
 */
import { HOST_EDITIONS, HOST_VERSIONS } from 'hyperv-kvp';
import { REASON_CODES, type ReasonCode } from '../../../shared/avma/index.js';
import { AVMA_GUEST_EVENT_ID, AVMA_HOST_EVENT_ID } from '../../model/index.js';
import {
  boolColumn,
  intColumn,
  oneOfColumn,
  optionalOneOfColumn,
  optionalTextColumn,
  textColumn,
} from '../decode.js';
import { StoreError } from '../errors.js';
import type { EventCount, HostCount, HostMetricFacts, MetricsSnapshot } from '../read-types.js';
import { type SqlConnection as Connection, type DialectSql, type SqlRow, sqlOf } from '../sql-connection.js';
import { EVENT_NOTIFICATIONS, LICENSE_STATUS_VALUES } from '../types.js';
import { describeValue } from '../validate.js';

const AVMA_EVENT_IDS = [AVMA_GUEST_EVENT_ID, AVMA_HOST_EVENT_ID] as const;

/** The same rule the observations repository writes problem codes with. */
const PROBLEM_CODE = /^[A-Z][A-Z0-9_]{0,63}$/;

// PostgreSQL: text sorts under the "C" collation and NULLs first, as SQLite sorts them; json_each
// becomes jsonb_array_elements over the TEXT column cast to jsonb.
const HOSTS_SQL: DialectSql = {
  sqlite: `
SELECT h.name AS host, f.version, f.edition, f.cluster, f.activated
FROM hosts h
JOIN host_facts f ON f.id =
  (SELECT id FROM host_facts WHERE host_id = h.id ORDER BY valid_from DESC, id DESC LIMIT 1)
ORDER BY h.name COLLATE NOCASE`,
  postgres: `
SELECT h.name AS host, f.version, f.edition, f.cluster, f.activated
FROM hosts h
JOIN host_facts f ON f.id =
  (SELECT id FROM host_facts WHERE host_id = h.id ORDER BY valid_from DESC, id DESC LIMIT 1)
ORDER BY lower(h.name COLLATE "C"), h.id`,
};

/** Every VM not marked deleted with its latest observation (the one `avma status` shows). */
const LATEST = `
WITH latest AS (
  SELECT v.id AS vm, h.name AS host, o.license_status, o.channel, o.evidence, o.eligible, o.reasons, o.problems,
    (o.channel = 'avma' OR coalesce(o.claimed_channel, '') = 'avma') AS avma_guest
  FROM vms v
  JOIN observations o ON o.id =
    (SELECT id FROM observations WHERE vm_id = v.id ORDER BY valid_from DESC, id DESC LIMIT 1)
  JOIN hosts h ON h.id = o.host_id
  WHERE v.deleted_at IS NULL
)`;

const VMS_SQL: DialectSql = {
  sqlite: `${LATEST}
SELECT host, license_status, eligible, count(*) AS n FROM latest
GROUP BY host, license_status, eligible ORDER BY host, license_status, eligible`,
  postgres: `${LATEST}
SELECT host, license_status, eligible, count(*) AS n FROM latest
GROUP BY host, license_status, eligible
ORDER BY host COLLATE "C", license_status COLLATE "C", eligible`,
};

const REASONS_SQL: DialectSql = {
  sqlite: `${LATEST}
SELECT l.host, r.value AS reason, l.avma_guest, count(*) AS n FROM latest l, json_each(l.reasons) r
GROUP BY l.host, r.value, l.avma_guest ORDER BY l.host, r.value, l.avma_guest`,
  postgres: `${LATEST}
SELECT l.host, r.value AS reason, l.avma_guest, count(*) AS n
FROM latest l CROSS JOIN LATERAL jsonb_array_elements_text(l.reasons::jsonb) AS r(value)
GROUP BY l.host, r.value, l.avma_guest
ORDER BY l.host COLLATE "C", r.value COLLATE "C", l.avma_guest`,
};

const PROBLEMS_SQL: DialectSql = {
  sqlite: `${LATEST}
SELECT l.host, json_extract(p.value, '$.code') AS problem, count(DISTINCT l.vm) AS n
FROM latest l, json_each(l.problems) p
GROUP BY l.host, problem ORDER BY l.host, problem`,
  postgres: `${LATEST}
SELECT l.host, p.value ->> 'code' AS problem, count(DISTINCT l.vm) AS n
FROM latest l CROSS JOIN LATERAL jsonb_array_elements(l.problems::jsonb) AS p(value)
GROUP BY l.host, p.value ->> 'code'
ORDER BY l.host COLLATE "C", (p.value ->> 'code') COLLATE "C" NULLS FIRST`,
};

const EXPIRING_CONDITION = `
WHERE l.license_status = 'licensed' AND l.channel = 'avma' AND l.evidence IN ('host', 'host+guest')
  AND (SELECT max(e.time) FROM events e WHERE e.vm_id = l.vm AND e.source = 'host' AND e.event_id = ${AVMA_HOST_EVENT_ID}
    AND e.notification = 'avma-success')`;

/**
 * AVMA activations the host itself granted (the conclusion rests on a 12310) whose latest 12310 AVMA
 * success is older than ?1: unless renewed, they end within the activation's validity from then.
 */
const EXPIRING_SQL: DialectSql = {
  sqlite: `${LATEST}
SELECT l.host, count(*) AS n FROM latest l ${EXPIRING_CONDITION} < ?1
GROUP BY l.host ORDER BY l.host`,
  postgres: `${LATEST}
SELECT l.host, count(*) AS n FROM latest l ${EXPIRING_CONDITION} < $1::bigint
GROUP BY l.host ORDER BY l.host COLLATE "C"`,
};

/** Grouped before the join: the events table is the store's largest and only its groups need a name. */
const EVENTS_GROUPS = `
SELECT h.name AS host, g.event_id, g.notification, g.n FROM
  (SELECT host_id, event_id, notification, count(*) AS n FROM events
    WHERE event_id IN (${AVMA_EVENT_IDS.join(', ')}) GROUP BY host_id, event_id, notification) g
LEFT JOIN hosts h ON h.id = g.host_id`;
const EVENTS_SQL: DialectSql = {
  sqlite: `${EVENTS_GROUPS}
ORDER BY h.name, g.event_id, g.notification`,
  postgres: `${EVENTS_GROUPS}
ORDER BY h.name COLLATE "C" NULLS FIRST, g.event_id, g.notification COLLATE "C" NULLS FIRST`,
};

function decodeHost(row: SqlRow): HostMetricFacts {
  return Object.freeze({
    host: textColumn(row, 'hosts', 'host'),
    version: optionalOneOfColumn(row, 'host_facts', 'version', HOST_VERSIONS),
    edition: optionalOneOfColumn(row, 'host_facts', 'edition', HOST_EDITIONS),
    cluster: optionalTextColumn(row, 'host_facts', 'cluster'),
    activated: boolColumn(row, 'host_facts', 'activated'),
  });
}

function count<K extends string>(row: SqlRow, value: K): HostCount<K> {
  return Object.freeze({ host: textColumn(row, 'hosts', 'host'), value, count: intColumn(row, 'vms', 'n') });
}

/** Sums the per-(host, reason, AVMA guest) groups into all VMs and the AVMA guests among them. */
function splitReasons(rows: readonly SqlRow[]): Pick<MetricsSnapshot, 'reasons' | 'avmaGuestReasons'> {
  const all = new Map<string, HostCount<ReasonCode>>();
  const avma: HostCount<ReasonCode>[] = [];
  for (const row of rows) {
    const group = count(row, oneOfColumn(row, 'observations', 'reason', REASON_CODES));
    const key = JSON.stringify([group.host, group.value]);
    const sum = all.get(key);
    all.set(key, sum === undefined ? group : Object.freeze({ ...group, count: sum.count + group.count }));
    if (boolColumn(row, 'observations', 'avma_guest')) avma.push(group);
  }
  return { reasons: Object.freeze([...all.values()]), avmaGuestReasons: Object.freeze(avma) };
}

function decodeProblem(row: SqlRow): HostCount<string> {
  const code = textColumn(row, 'observations', 'problem');
  // A code outside the rule it was written with would be an unbounded label: the row was edited by hand.
  if (!PROBLEM_CODE.test(code)) {
    throw new StoreError(
      'CORRUPT',
      `observations.problems holds the code ${describeValue(code)}, expected an upper-case code; ` +
        'the database was changed outside avma-agent',
    );
  }
  return count(row, code);
}

function decodeEvent(row: SqlRow): EventCount {
  return Object.freeze({
    host: optionalTextColumn(row, 'hosts', 'host'),
    // The query filters on these ids, so the column can hold nothing else.
    eventId: intColumn(row, 'events', 'event_id'),
    notification: optionalOneOfColumn(row, 'events', 'notification', EVENT_NOTIFICATIONS),
    count: intColumn(row, 'events', 'n'),
  });
}

/**
 * The aggregate snapshot; `renewedBefore`: AVMA activations whose last host-granted renewal is older
 * count as expiring (`expiringAvma`). Rejects with StoreError CORRUPT for rows outside the vocabularies.
 */
export async function readMetricsSnapshot(conn: Connection, renewedBefore: Date): Promise<MetricsSnapshot> {
  const hosts = await conn.all(sqlOf(conn, HOSTS_SQL));
  const vms = await conn.all(sqlOf(conn, VMS_SQL));
  const reasons = await conn.all(sqlOf(conn, REASONS_SQL));
  const problems = await conn.all(sqlOf(conn, PROBLEMS_SQL));
  const events = await conn.all(sqlOf(conn, EVENTS_SQL));
  const expiring = await conn.all(sqlOf(conn, EXPIRING_SQL), [renewedBefore.getTime()]);
  return Object.freeze({
    hosts: Object.freeze(hosts.map(decodeHost)),
    vms: Object.freeze(
      vms.map((row) =>
        Object.freeze({
          host: textColumn(row, 'hosts', 'host'),
          licenseStatus: oneOfColumn(row, 'observations', 'license_status', LICENSE_STATUS_VALUES),
          eligible: boolColumn(row, 'observations', 'eligible'),
          count: intColumn(row, 'vms', 'n'),
        }),
      ),
    ),
    ...splitReasons(reasons),
    problems: Object.freeze(problems.map(decodeProblem)),
    events: Object.freeze(events.map(decodeEvent)),
    expiringAvma: Object.freeze(expiring.map((row) => count(row, 'avma' as const))),
  });
}
