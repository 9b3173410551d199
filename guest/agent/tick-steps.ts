/**
 * The steps of one guest agent pass. Each step takes the state and returns the next one; a failed
 * platform call is logged as a problem and leaves the state as it was, so the next pass retries.
 */
import {
  type AgentStatus,
  EVENT_RING_SIZE,
  type EventSlot,
  encodeGuestEvent,
  encodeStatus,
  eventItemName,
  GUEST_ITEM_NAMES,
  INTENT_ITEM,
  type Intent,
  isAgentItem,
  KEY_ITEM,
  parseIntent,
  STATUS_ITEM,
  valueSizeViolation,
} from '../../shared/protocol/index.js';
import {
  type GuestActivationEvent,
  type GuestPlatform,
  GuestPlatformError,
} from '../platform/guest-platform.js';
import { readActivationEvent } from './activation-events.js';
import type { AgentState } from './agent-state.js';
import { channelOf, REPLACEMENT_CHANNELS } from './channel.js';
import { decideInstall } from './install-decision.js';
import { buildStatus } from './status-builder.js';
import { describeFailure, type TickLog, type WipeReason } from './tick-report.js';

export interface TickContext {
  readonly platform: GuestPlatform;
  readonly log: TickLog;
  readonly agentVersion: string;
}

const FAILED = Symbol('platform call failed');

/**
 * Runs a platform call. Resolves with its value, or with the FAILED marker after logging a
 * PLATFORM_FAILED problem when the call rejects; never rejects itself.
 */
export async function attempt<T>(
  ctx: TickContext,
  operation: string,
  call: () => Promise<T>,
): Promise<T | typeof FAILED> {
  try {
    return await call();
  } catch (error) {
    ctx.log.problem('PLATFORM_FAILED', describeFailure(operation, error));
    return FAILED;
  }
}

/** Whether `attempt` answered with the FAILED marker. Never throws. */
export function failed<T>(value: T | typeof FAILED): value is typeof FAILED {
  return value === FAILED;
}

/**
 * The intent in the External pool, or `null` when absent or invalid (an invalid one is logged as an
 * INTENT_INVALID problem). Never throws.
 */
export function readIntent(external: ReadonlyMap<string, string>, log: TickLog): Intent | null {
  const raw = external.get(INTENT_ITEM);
  if (raw === undefined) return null;
  const parsed = parseIntent(raw);
  if (parsed.ok) return parsed.value;
  log.problem('INTENT_INVALID', `${INTENT_ITEM}: ${parsed.problem.message}`);
  return null;
}

function readPushedKey(external: ReadonlyMap<string, string>, log: TickLog): string | null {
  const raw = external.get(KEY_ITEM);
  if (raw === undefined) return null;
  const oversize = typeof raw === 'string' ? valueSizeViolation(raw) : 'is not text';
  if (oversize === null) return raw;
  log.problem('KEY_ITEM_INVALID', `${KEY_ITEM}: value ${oversize}`);
  return null;
}

/**
 * Acts on a new `install` intent. Resolves with the next state (a refusal is recorded in `refused`),
 * or `null` when a platform read failed and the intent must be retried (it is then not acknowledged);
 * never rejects.
 */
export async function installStep(
  ctx: TickContext,
  state: AgentState,
  external: ReadonlyMap<string, string>,
): Promise<AgentState | null> {
  const pushedKey = readPushedKey(external, ctx.log);
  const os = await attempt(ctx, 'reading the OS facts', () => ctx.platform.osFacts());
  if (failed(os)) return null;
  const license = await attempt(ctx, 'reading the licence facts', () => ctx.platform.licenseFacts());
  if (failed(license)) return null;
  const decision = decideInstall({ pushedKey, os, license });
  const next: AgentState = { ...state, silent: false, refused: null };
  if (decision.kind === 'refuse') {
    ctx.log.action({ kind: 'key-refused', reason: decision.reason });
    return { ...next, refused: decision.reason };
  }
  const partialKey = decision.key.slice(-5);
  if (decision.kind === 'install') {
    try {
      await ctx.platform.installProductKey(decision.key);
    } catch (error) {
      ctx.log.action({ kind: 'key-refused', reason: 'INSTALL_FAILED' });
      ctx.log.problem('PLATFORM_FAILED', describeFailure('slmgr /ipk', error));
      return { ...next, refused: 'INSTALL_FAILED', lastHresult: hresultOf(error) ?? next.lastHresult };
    }
    ctx.log.action({ kind: 'key-installed', partialKey });
  } else {
    ctx.log.action({ kind: 'key-already-installed', partialKey });
  }
  return { ...next, heldAvma: true, lastHresult: await activateStep(ctx, next.lastHresult) };
}

async function activateStep(ctx: TickContext, lastHresult: string | null): Promise<string | null> {
  ctx.log.action({ kind: 'activation-requested' });
  try {
    await ctx.platform.activate();
    return lastHresult;
  } catch (error) {
    ctx.log.problem('ACTIVATION_FAILED', describeFailure('slmgr /ato', error));
    return hresultOf(error) ?? lastHresult;
  }
}

function hresultOf(error: unknown): string | null {
  return error instanceof GuestPlatformError ? error.hresult : null;
}

/**
 * Deletes this agent's own items from the Guest pool (every `AvmaAgent.*` name present plus the known
 * names) and goes silent. Items of anyone else are never touched. Resolves with the silent state;
 * a failed delete is a PLATFORM_FAILED problem, never a rejection.
 */
export async function wipeStep(ctx: TickContext, state: AgentState, reason: WipeReason): Promise<AgentState> {
  const present = await attempt(ctx, 'reading the Guest pool', () => ctx.platform.readGuestItems());
  const names = new Set(GUEST_ITEM_NAMES);
  if (!failed(present)) for (const name of present.keys()) if (isAgentItem(name)) names.add(name);
  const deleted: string[] = [];
  for (const name of names) {
    if (!isAgentItem(name)) continue;
    const done = await attempt(ctx, `deleting ${name}`, () => ctx.platform.deleteGuestItem(name));
    if (!failed(done)) deleted.push(name);
  }
  ctx.log.action({ kind: 'items-wiped', reason, names: Object.freeze(deleted) });
  return { ...state, silent: true, heldAvma: false, ringNext: 0, lastHresult: null, refused: null };
}

export interface ReportResult {
  readonly state: AgentState;
  readonly status: AgentStatus | null;
}

/**
 * Reads the licence, wipes when the AVMA key was replaced, forwards new 12309 events to the ring and
 * writes the status (only when it changed). Resolves with the next state and the reported status
 * (`null` when silent or when the licence could not be read); never rejects.
 */
export async function reportStep(ctx: TickContext, state: AgentState): Promise<ReportResult> {
  const license = await attempt(ctx, 'reading the licence facts', () => ctx.platform.licenseFacts());
  if (failed(license)) return { state, status: null };
  const channel = channelOf(license);
  if (state.heldAvma && REPLACEMENT_CHANNELS.includes(channel)) {
    return { state: await wipeStep(ctx, state, 'key-replaced'), status: null };
  }
  const held: AgentState = { ...state, heldAvma: state.heldAvma || channel === 'avma' };
  const forwarded = await forwardEventsStep(ctx, held);
  const status = buildStatus({ state: forwarded, license, channel, agentVersion: ctx.agentVersion }, ctx.log);
  if (status !== null) await writeIfChanged(ctx, STATUS_ITEM, encodeStatus(status));
  return { state: forwarded, status };
}

async function writeIfChanged(ctx: TickContext, name: string, value: string): Promise<void> {
  const present = await attempt(ctx, 'reading the Guest pool', () => ctx.platform.readGuestItems());
  if (!failed(present) && present.get(name) === value) return;
  const done = await attempt(ctx, `writing ${name}`, () => ctx.platform.writeGuestItem(name, value));
  if (!failed(done)) ctx.log.action({ kind: 'status-written' });
}

/**
 * Forwards the 12309 records newer than the bookmark into the ring, oldest first. Only the newest
 * eight can survive in eight slots, so older ones are skipped but still move the bookmark. The ring
 * position and bookmark advance per written slot, so a crash rewrites the same event to the same slot.
 */
async function forwardEventsStep(ctx: TickContext, state: AgentState): Promise<AgentState> {
  const after = state.lastEventRecordId;
  const records = await attempt(ctx, 'reading 12309 events', () => ctx.platform.readActivationEvents(after));
  if (failed(records)) return state;
  const fresh = uniqueAfter(records, after);
  for (const record of records) if (!fresh.includes(record)) logInvalid(ctx, readActivationEvent(record));
  const skipped = fresh.slice(0, -EVENT_RING_SIZE).at(-1);
  let next = skipped === undefined ? state : { ...state, lastEventRecordId: skipped.recordId };
  for (const record of fresh.slice(-EVENT_RING_SIZE)) {
    const reading = readActivationEvent(record);
    if ('invalid' in reading) {
      ctx.log.problem('EVENT_INVALID', reading.invalid);
      next = { ...next, lastEventRecordId: record.recordId };
      continue;
    }
    const slot = next.ringNext as EventSlot;
    const written = await attempt(ctx, `writing ${eventItemName(slot)}`, () =>
      ctx.platform.writeGuestItem(eventItemName(slot), encodeGuestEvent(reading.event)),
    );
    if (failed(written)) break;
    ctx.log.action({ kind: 'event-forwarded', slot, recordId: record.recordId });
    next = {
      ...next,
      ringNext: (slot + 1) % EVENT_RING_SIZE,
      lastEventRecordId: record.recordId,
      lastHresult: reading.event.hresult ?? next.lastHresult,
    };
  }
  return next;
}

/** Records after the bookmark with a usable id, one per id, oldest first. */
function uniqueAfter(records: readonly GuestActivationEvent[], after: number): GuestActivationEvent[] {
  const byId = new Map<number, GuestActivationEvent>();
  for (const record of records) {
    if (Number.isSafeInteger(record.recordId) && record.recordId > after && !byId.has(record.recordId)) {
      byId.set(record.recordId, record);
    }
  }
  return [...byId.values()].sort((a, b) => a.recordId - b.recordId);
}

function logInvalid(ctx: TickContext, reading: ReturnType<typeof readActivationEvent>): void {
  if ('invalid' in reading) ctx.log.problem('EVENT_INVALID', reading.invalid);
}
