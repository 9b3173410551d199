/**
 * Events (host 12310, guest 12309, agent audit) and the per-host bookmarks of the event logs. An event
 * is unique per (source, origin, log epoch, record id): inserting one again is a no-op, never an error,
 * so a sweep that re-reads events after a crash stores each exactly once.
 */
import { type DialectSql, sqlOf } from '../sql-connection.js';
import { EVENT_NOTIFICATIONS, EVENT_SOURCES, type EventInput, VM_MATCHES } from '../types.js';
import {
  checkGuid,
  checkInteger,
  checkOneOf,
  checkOptionalOneOf,
  checkText,
  checkTime,
  invalid,
} from '../validate.js';
import { hostIdOf, knownHostId, knownVmId, type TxContext, vmIdOf } from './context.js';
import { boundText, runJsonBatches } from './json-batch.js';

export const MAX_EVENTS_PER_CALL = 10_000;
export const MAX_EVENT_MESSAGE = 4096;
const MAX_ORIGIN = 253;
const HRESULT = /^(?:0x)?([0-9a-f]{8})$/i;

function checkHresult(value: unknown, field: string): string | null {
  if (value === null || value === undefined) return null;
  const match = typeof value === 'string' ? HRESULT.exec(value) : null;
  if (match?.[1] === undefined) throw invalid(field, value, 'an HRESULT like 0xC004FD01');
  return `0x${match[1].toUpperCase()}`;
}

/** Host names are case-insensitive and GUIDs have two spellings: one origin, one spelling. */
function originOf(event: EventInput, at: string): string {
  if (event.source === 'guest') return checkGuid(event.origin, `${at}.origin`);
  const origin = checkText(event.origin, `${at}.origin`, MAX_ORIGIN);
  return event.source === 'host' ? origin.toLowerCase() : origin;
}

const EVENT_COLUMNS = `source, origin, log_epoch, record_id, event_id, time, vm_id, host_id,
         notification, hresult, message, vm_match`;
const PG_EVENT_TYPES = [
  'text',
  'text',
  'integer',
  'bigint',
  'integer',
  'bigint',
  'bigint',
  'bigint',
  'text',
  'text',
  'text',
  'text',
] as const;

/**
 * Every event of a call in one statement (a sweep's first round brings hundreds: one statement each
 * was a thread-pool or network round trip each), inserted in the order given so ids are as if
 * inserted one by one. Unique per source, origin, epoch and record id in both dialects: an event two
 * agents (or a retried sweep, or the same call twice) insert is stored once; a later duplicate in the
 * same batch is skipped like a later statement's, and PostgreSQL's second insert waits for the first
 * and skips it.
 */
export const INSERT_EVENTS: DialectSql = {
  sqlite: `INSERT INTO events (${EVENT_COLUMNS})
       SELECT ${PG_EVENT_TYPES.map((_, i) => `j.value ->> '$[${i}]'`).join(', ')}
       FROM jsonb_each(?1) AS j WHERE true ORDER BY j.key
       ON CONFLICT (source, origin, log_epoch, record_id) DO NOTHING`,
  postgres: `INSERT INTO events (${EVENT_COLUMNS})
       SELECT ${PG_EVENT_TYPES.map((type, i) => `(j.value ->> ${i})::${type}`).join(', ')}
       FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS j(value, key) ORDER BY j.key
       ON CONFLICT (source, origin, log_epoch, record_id) DO NOTHING`,
};

type EventRowValues = (string | number | null)[];

/** The columns before vm_id, checked; the message is checked first, as the store always did. */
function eventHead(event: EventInput, at: string): EventRowValues {
  if (typeof event !== 'object' || event === null) throw invalid(at, event, 'an object');
  const message = event.message ?? '';
  if (message !== '') checkText(message, `${at}.message`, MAX_EVENT_MESSAGE);
  return [
    checkOneOf(event.source, `${at}.source`, EVENT_SOURCES),
    // Bound text as a direct bind would store it (a lone surrogate becomes U+FFFD: json-batch.ts).
    boundText(originOf(event, at)),
    checkInteger(event.logEpoch ?? 0, `${at}.logEpoch`, 0, Number.MAX_SAFE_INTEGER),
    checkInteger(event.recordId, `${at}.recordId`, 0, Number.MAX_SAFE_INTEGER),
    event.eventId === null ? null : checkInteger(event.eventId, `${at}.eventId`, 0, 65_535),
    checkTime(event.time, `${at}.time`),
  ];
}

/** The columns after host_id, checked. */
function eventTail(event: EventInput, at: string): EventRowValues {
  return [
    checkOptionalOneOf(event.notification, `${at}.notification`, EVENT_NOTIFICATIONS),
    checkHresult(event.hresult, `${at}.hresult`),
    boundText(event.message ?? ''),
    checkOptionalOneOf(event.vmMatch, `${at}.vmMatch`, VM_MATCHES),
  ];
}

/** Every column, in INSERT_EVENTS order; awaits only an id this transaction does not know yet. */
async function eventRows(ctx: TxContext, events: readonly EventInput[]): Promise<EventRowValues[]> {
  const rows: EventRowValues[] = [];
  for (const [i, event] of events.entries()) {
    const at = `events[${i}]`;
    const head = eventHead(event, at);
    const { vm, host } = event;
    const vmId =
      vm === null || vm === undefined
        ? null
        : (knownVmId(ctx, vm, `${at}.vm`) ?? (await vmIdOf(ctx, vm, `${at}.vm`)));
    const hostId =
      host === null || host === undefined
        ? null
        : (knownHostId(ctx, host, `${at}.host`) ?? (await hostIdOf(ctx, host, `${at}.host`)));
    rows.push([...head, vmId, hostId, ...eventTail(event, at)]);
  }
  return rows;
}

/**
 * Inserts events, skipping any already stored. Resolves to the number actually inserted. Every event
 * is validated before the first insert, so a bad one rejects the whole call (INVALID_ARGUMENT, or
 * NOT_FOUND for an unknown VM or host) and the caller's transaction rolls back.
 */
export async function insertEvents(ctx: TxContext, events: readonly EventInput[]): Promise<number> {
  if (!Array.isArray(events) || events.length > MAX_EVENTS_PER_CALL) {
    throw invalid('events', events, `an array of at most ${MAX_EVENTS_PER_CALL} events`);
  }
  const rows = await eventRows(ctx, events);
  return runJsonBatches(ctx, sqlOf(ctx.conn, INSERT_EVENTS), rows);
}
