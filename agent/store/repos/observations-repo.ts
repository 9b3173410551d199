/**
 * Observations as intervals. A sweep that sees nothing new only moves `last_seen`; a change of any
 * observed field closes the open interval and opens a new one; a gap longer than `staleAfterMs` (host
 * or agent down) closes the interval at its last sighting, so downtime is never counted as running.
 */
import { EDITIONS } from 'hyperv-kvp';
import { CHANNELS, REASON_CODES, type ReasonCode } from '../../../shared/avma/index.js';
import { MAX_VM_MEMORY_BYTES, MAX_VM_PROCESSORS, VM_STATES } from '../../model/index.js';
import { type DialectSql, type SqlRow, type SqlValue, sqlOf } from '../sql-connection.js';
import {
  EVIDENCE_VALUES,
  GUEST_OS_VALUES,
  GUEST_VERSIONS,
  LICENSE_STATUS_VALUES,
  type ObservationChange,
  type ObservationFields,
  type Problem,
} from '../types.js';
import {
  boolToInt,
  checkBoolean,
  checkInteger,
  checkOneOf,
  checkOptionalOneOf,
  checkText,
  invalid,
  nullableBoolToInt,
} from '../validate.js';
import { hostIdOf, lockVm, type TxContext, vmIdOf } from './context.js';
import { runJsonBatches } from './json-batch.js';

/** Problems per observation and message length: enough to explain, too small to fill the disk. */
export const MAX_PROBLEMS = 32;
export const MAX_PROBLEM_MESSAGE = 512;
const PROBLEM_CODE = /^[A-Z][A-Z0-9_]{0,63}$/;

export const OBSERVATION_COLUMNS = [
  'host_id',
  'state',
  'data_exchange',
  'os',
  'version',
  'edition',
  'evaluation',
  'license_status',
  'channel',
  'eligible',
  'reasons',
  'key_pushed',
  'kvp_wiped',
  'problems',
  'evidence',
  'claimed_license_status',
  'claimed_channel',
  'processor_count',
  'memory_assigned_bytes',
] as const;

/** PostgreSQL's type of each column, for values read out of a JSON batch (`->>` gives text). */
const PG_TYPES: Readonly<Record<(typeof OBSERVATION_COLUMNS)[number], string>> = {
  host_id: 'bigint',
  state: 'text',
  data_exchange: 'smallint',
  os: 'text',
  version: 'text',
  edition: 'text',
  evaluation: 'smallint',
  license_status: 'text',
  channel: 'text',
  eligible: 'smallint',
  reasons: 'text',
  key_pushed: 'smallint',
  kvp_wiped: 'smallint',
  problems: 'text',
  evidence: 'text',
  claimed_license_status: 'text',
  claimed_channel: 'text',
  processor_count: 'integer',
  memory_assigned_bytes: 'bigint',
};

/** Reasons in the contract's fixed order, without duplicates, so equal sets compare equal. */
function reasonsJson(reasons: unknown): string {
  if (!Array.isArray(reasons) || reasons.length > REASON_CODES.length) {
    throw invalid('fields.reasons', reasons, `an array of at most ${REASON_CODES.length} reason codes`);
  }
  // Most VMs have no reason and no problem: the same text without building anything.
  if (reasons.length === 0) return '[]';
  const set = new Set<ReasonCode>(reasons.map((r, i) => checkOneOf(r, `fields.reasons[${i}]`, REASON_CODES)));
  return JSON.stringify(REASON_CODES.filter((code) => set.has(code)));
}

function problemsJson(problems: unknown): string {
  if (!Array.isArray(problems) || problems.length > MAX_PROBLEMS) {
    throw invalid('fields.problems', problems, `an array of at most ${MAX_PROBLEMS} problems`);
  }
  if (problems.length === 0) return '[]';
  const clean = problems.map((p: Problem, i): Problem => {
    if (typeof p !== 'object' || p === null || typeof p.code !== 'string' || !PROBLEM_CODE.test(p.code)) {
      throw invalid(`fields.problems[${i}].code`, p?.code, 'an upper-case code like INVALID_STATUS');
    }
    return {
      code: p.code,
      message: checkText(p.message, `fields.problems[${i}].message`, MAX_PROBLEM_MESSAGE),
    };
  });
  return JSON.stringify(clean);
}

/** null/undefined (unknown) -> null, else an integer 1..max. */
function optionalInteger(value: unknown, field: string, max: number): number | null {
  return value === null || value === undefined ? null : checkInteger(value, field, 1, max);
}

/** The fields as the column values they are stored and compared as (host id excluded); validates every field. */
export function fieldColumns(fields: ObservationFields): SqlValue[] {
  if (typeof fields !== 'object' || fields === null) throw invalid('fields', fields, 'an object');
  return [
    checkOneOf(fields.state, 'fields.state', VM_STATES),
    boolToInt(checkBoolean(fields.dataExchange, 'fields.dataExchange')),
    checkOneOf(fields.os, 'fields.os', GUEST_OS_VALUES),
    checkOptionalOneOf(fields.version, 'fields.version', GUEST_VERSIONS),
    checkOptionalOneOf(fields.edition, 'fields.edition', EDITIONS),
    fields.evaluation === null
      ? null
      : nullableBoolToInt(checkBoolean(fields.evaluation, 'fields.evaluation')),
    checkOneOf(fields.licenseStatus, 'fields.licenseStatus', LICENSE_STATUS_VALUES),
    checkOneOf(fields.channel, 'fields.channel', CHANNELS),
    boolToInt(checkBoolean(fields.eligible, 'fields.eligible')),
    reasonsJson(fields.reasons),
    boolToInt(checkBoolean(fields.keyPushed, 'fields.keyPushed')),
    boolToInt(checkBoolean(fields.kvpWiped, 'fields.kvpWiped')),
    problemsJson(fields.problems),
    checkOneOf(fields.evidence, 'fields.evidence', EVIDENCE_VALUES),
    checkOptionalOneOf(fields.claimedLicenseStatus, 'fields.claimedLicenseStatus', LICENSE_STATUS_VALUES),
    checkOptionalOneOf(fields.claimedChannel, 'fields.claimedChannel', CHANNELS),
    optionalInteger(fields.processorCount, 'fields.processorCount', MAX_VM_PROCESSORS),
    optionalInteger(fields.memoryAssignedBytes, 'fields.memoryAssignedBytes', MAX_VM_MEMORY_BYTES),
  ];
}

/** Assigned memory is the same within `ratio` of the recorded value; to or from unknown is a change. */
function sameMemory(recorded: unknown, seen: SqlValue | undefined, ratio: number): boolean {
  if (typeof recorded !== 'number' || typeof seen !== 'number') return recorded === seen;
  return Math.abs(seen - recorded) <= recorded * ratio;
}

function sameColumns(open: SqlRow, values: readonly SqlValue[], memoryChangeRatio: number): boolean {
  return OBSERVATION_COLUMNS.every((column, i) =>
    column === 'memory_assigned_bytes'
      ? sameMemory(open[column], values[i], memoryChangeRatio)
      : open[column] === values[i],
  );
}

/** The stored column values of an observation, host id first; validates every field. */
export async function observationValues(ctx: TxContext, fields: ObservationFields): Promise<SqlValue[]> {
  return [await hostIdOf(ctx, fields?.host, 'fields.host'), ...fieldColumns(fields)];
}

/** Columns to select for an open interval, as `decideObservation` expects them. */
export const OPEN_INTERVAL_COLUMNS = `id, vm_id, last_seen, ${OBSERVATION_COLUMNS.join(', ')}`;

/**
 * What recording `values` at `atMs` does to a VM's open interval (pure). Assigned memory within
 * `memoryChangeRatio` of the recorded value is no change (open-store.ts). Throws INVALID_ARGUMENT
 * for a time before the last sighting.
 */
export function decideObservation(
  open: SqlRow | undefined,
  atMs: number,
  values: readonly SqlValue[],
  staleAfterMs: number,
  memoryChangeRatio: number,
): ObservationChange {
  if (open === undefined) return 'opened';
  const lastSeen = Number(open.last_seen);
  if (atMs < lastSeen) {
    throw invalid(
      'at',
      new Date(atMs),
      `a time at or after the VM's last sighting ${new Date(lastSeen).toISOString()}`,
    );
  }
  if (atMs - lastSeen > staleAfterMs) return 'resumed';
  return sameColumns(open, values, memoryChangeRatio) ? 'unchanged' : 'changed';
}

const CLOSE_INTERVAL: DialectSql = {
  sqlite: 'UPDATE observations SET valid_to = ? WHERE id = ?',
  postgres: 'UPDATE observations SET valid_to = $1 WHERE id = $2',
};
const INSERT_INTERVAL: DialectSql = {
  sqlite: `INSERT INTO observations (vm_id, valid_from, last_seen, ${OBSERVATION_COLUMNS.join(', ')})
     VALUES (?, ?, ?, ${OBSERVATION_COLUMNS.map(() => '?').join(', ')})`,
  postgres: `INSERT INTO observations (vm_id, valid_from, last_seen, ${OBSERVATION_COLUMNS.join(', ')})
     VALUES (${['vm_id', 'valid_from', 'last_seen', ...OBSERVATION_COLUMNS].map((_, i) => `$${i + 1}`).join(', ')})`,
};

/** Writes a decision other than `unchanged`: closes the open interval if any, opens the new one. */
export async function applyObservation(
  ctx: TxContext,
  vmId: number,
  open: SqlRow | undefined,
  atMs: number,
  values: readonly SqlValue[],
  change: Exclude<ObservationChange, 'unchanged'>,
): Promise<void> {
  if (open !== undefined) {
    // After a gap the VM's state in between is unknown: the interval ends at its last sighting.
    const closeAt = change === 'resumed' ? Number(open.last_seen) : atMs;
    await ctx.conn.run(sqlOf(ctx.conn, CLOSE_INTERVAL), [closeAt, Number(open.id)]);
  }
  await ctx.conn.run(sqlOf(ctx.conn, INSERT_INTERVAL), [vmId, atMs, atMs, ...values]);
}

/** A decision of a sweep other than `unchanged`, for `applyObservations`. */
export interface ObservationWrite {
  readonly vmId: number;
  readonly open: SqlRow | undefined;
  readonly values: readonly SqlValue[];
  readonly change: Exclude<ObservationChange, 'unchanged'>;
}

const BATCH_INSERT: DialectSql = {
  sqlite: `INSERT INTO observations (vm_id, valid_from, last_seen, ${OBSERVATION_COLUMNS.join(', ')})
  SELECT j.value ->> '$[0]', ?2, ?2, ${OBSERVATION_COLUMNS.map((_, i) => `j.value ->> '$[${i + 1}]'`).join(', ')}
  FROM jsonb_each(?1) AS j`,
  postgres: `INSERT INTO observations (vm_id, valid_from, last_seen, ${OBSERVATION_COLUMNS.join(', ')})
  SELECT (j.value ->> 0)::bigint, $2::bigint, $2::bigint, ${OBSERVATION_COLUMNS.map((c, i) => `(j.value ->> ${i + 1})::${PG_TYPES[c]}`).join(', ')}
  FROM jsonb_array_elements($1::jsonb) AS j`,
};

const BATCH_CLOSE: DialectSql = {
  sqlite: `UPDATE observations SET valid_to = j.value ->> '$[1]'
     FROM jsonb_each(?1) AS j WHERE observations.id = j.value ->> '$[0]'`,
  postgres: `UPDATE observations SET valid_to = (j.value ->> 1)::bigint
     FROM jsonb_array_elements($1::jsonb) AS j WHERE observations.id = (j.value ->> 0)::bigint`,
};

/**
 * `applyObservation` for many VMs in two statements: every open interval closed (at its last sighting
 * when resumed), then every new one opened. Values are vocabulary words, integers and JSON text, which
 * round-trip through JSON unchanged. Rejects with the connection's StoreError.
 */
export async function applyObservations(
  ctx: TxContext,
  writes: readonly ObservationWrite[],
  atMs: number,
): Promise<void> {
  const closes = writes.flatMap(({ open, change }) =>
    open === undefined ? [] : [[Number(open.id), change === 'resumed' ? Number(open.last_seen) : atMs]],
  );
  await runJsonBatches(ctx, sqlOf(ctx.conn, BATCH_CLOSE), closes);
  await runJsonBatches(
    ctx,
    sqlOf(ctx.conn, BATCH_INSERT),
    writes.map((w) => [w.vmId, ...w.values]),
    [atMs],
  );
}

/**
 * Records what a sweep saw of a VM at `atMs`. Resolves to `opened` (first interval), `unchanged` (only
 * last_seen moved: no new row), `changed` (previous interval closed at `atMs`, new one opened) or
 * `resumed` (after a gap longer than staleAfterMs: previous interval closed at its last sighting).
 * Rejects with INVALID_ARGUMENT for fields outside the vocabularies or a time before the last sighting,
 * NOT_FOUND for an unknown VM or host.
 */
export async function recordObservation(
  ctx: TxContext,
  guid: string,
  atMs: number,
  fields: ObservationFields,
): Promise<ObservationChange> {
  const values = await observationValues(ctx, fields);
  const vmId = await vmIdOf(ctx, guid);
  // Two agents seeing a migrating VM: the second waits, then decides against the first's interval.
  await lockVm(ctx, vmId);
  const open = await ctx.conn.get(
    sqlOf(ctx.conn, {
      sqlite: `SELECT ${OPEN_INTERVAL_COLUMNS} FROM observations WHERE vm_id = ? AND valid_to IS NULL`,
      postgres: `SELECT ${OPEN_INTERVAL_COLUMNS} FROM observations WHERE vm_id = $1 AND valid_to IS NULL`,
    }),
    [vmId],
  );
  const change = decideObservation(open, atMs, values, ctx.staleAfterMs, ctx.memoryChangeRatio);
  if (change === 'unchanged') {
    await ctx.conn.run(
      sqlOf(ctx.conn, {
        sqlite: 'UPDATE observations SET last_seen = ? WHERE id = ?',
        postgres: 'UPDATE observations SET last_seen = $1 WHERE id = $2',
      }),
      [atMs, Number(open?.id)],
    );
  } else {
    await applyObservation(ctx, vmId, open, atMs, values, change);
  }
  return change;
}
