/**
 * What the guest agent reported through the VM's Guest pool (GuestExchangeItems, Source 1): its
 * `AvmaAgent.Status` and the ring of forwarded 12309 events `AvmaAgent.Event.0..7`. Everything here is
 * written by the tenant's OS, so every value goes through the protocol's strict parsers (size cap
 * before JSON.parse, strict schemas); anything invalid becomes a problem and is not used.
 */
import type { KvpItem } from 'hyperv-kvp';
import {
  type AgentStatus,
  EVENT_ITEM_NAMES,
  type GuestEvent,
  isAgentItem,
  type ParseResult,
  parseGuestEvent,
  parseStatus,
  quoteUntrusted,
  STATUS_ITEM,
} from '../../shared/protocol/index.js';
import type { Problem } from '../model/index.js';
import { problem } from './problems.js';

export interface GuestReport {
  /** The validated status, or `null` when absent or invalid. */
  readonly status: AgentStatus | null;
  /** `AvmaAgent.Status` was present, valid or not. */
  readonly statusPresent: boolean;
  /** The valid events of the ring, one per record id, oldest first. */
  readonly events: readonly GuestEvent[];
  /** Names of the `AvmaAgent.*` items in the Guest pool (what a wipe must remove). */
  readonly agentItems: readonly string[];
  readonly problems: readonly Problem[];
}

/** Guest-pool items by name; a name seen twice with different values is ambiguous and dropped. */
function guestValues(items: readonly KvpItem[], problems: Problem[]): Map<string, KvpItem> {
  const values = new Map<string, KvpItem>();
  const ambiguous = new Set<string>();
  for (const item of items) {
    if (item.source !== 1 || !isAgentItem(item.name)) continue;
    const previous = values.get(item.name);
    if (previous !== undefined && previous.data !== item.data) ambiguous.add(item.name);
    values.set(item.name, item);
  }
  for (const name of ambiguous) {
    values.delete(name);
    problems.push(
      problem('KVP_ITEM_INVALID', `guest item ${quoteUntrusted(name)} appears twice with different values`),
    );
  }
  return values;
}

function readStatus(item: KvpItem | undefined, problems: Problem[]): AgentStatus | null {
  const raw = item?.data;
  if (raw === undefined) return null;
  const parsed = parseStatus(raw);
  if (parsed.ok) return parsed.value;
  problems.push(problem('STATUS_INVALID', `${STATUS_ITEM}: ${parsed.problem.message}`));
  return null;
}

/**
 * Ring items stay as they are for days while the Status beside them changes at every pass, and the
 * sweep's decode hands back the same item object for an element that did not change: such an item is
 * not parsed and validated again (the parse is a pure function of its text; results are frozen).
 */
const parsedRingItems = new WeakMap<KvpItem, ParseResult<GuestEvent>>();

function parsedRingItem(item: KvpItem): ParseResult<GuestEvent> {
  let parsed = parsedRingItems.get(item);
  if (parsed === undefined) {
    parsed = parseGuestEvent(item.data);
    parsedRingItems.set(item, parsed);
  }
  return parsed;
}

function readRing(values: ReadonlyMap<string, KvpItem>, problems: Problem[]): GuestEvent[] {
  const byRecord = new Map<number, GuestEvent>();
  for (const name of EVENT_ITEM_NAMES) {
    const item = values.get(name);
    if (item === undefined) continue;
    const parsed = parsedRingItem(item);
    if (!parsed.ok) {
      problems.push(problem('EVENT_INVALID', `${name}: ${parsed.problem.message}`));
      continue;
    }
    if (!byRecord.has(parsed.value.recordId)) byRecord.set(parsed.value.recordId, parsed.value);
  }
  return [...byRecord.values()].sort((a, b) => a.recordId - b.recordId);
}

function agentItemNames(items: readonly KvpItem[]): string[] {
  const names = new Set<string>();
  for (const item of items) if (item.source === 1 && isAgentItem(item.name)) names.add(item.name);
  return [...names].sort();
}

/**
 * A report with what it was read from, and its parts that do not depend on the Status item's value:
 * what a later pool that differs only in its Status (the guest agent rewrites it at every pass, its
 * ring items stay for days) is read against. The items are the decoded pool's own array.
 */
export interface GuestReportBasis {
  readonly items: readonly KvpItem[];
  readonly report: GuestReport;
  /** KVP_ITEM_INVALID problems of names written twice (never the Status: such a pool is read whole). */
  readonly ambiguous: readonly Problem[];
  /** EVENT_INVALID problems of the ring. */
  readonly ring: readonly Problem[];
  /** Index in `items` of the pool's one Source 1 Status item; -1 when it has none or several. */
  readonly statusAt: number;
}

function isStatusItem(item: KvpItem): boolean {
  return item.source === 1 && item.name === STATUS_ITEM;
}

/** The index of the pool's only Status item, or -1 when there is none or more than one. */
function onlyStatusAt(items: readonly KvpItem[]): number {
  let at = -1;
  for (let i = 0; i < items.length; i++) {
    if (!isStatusItem(items[i] as KvpItem)) continue;
    if (at >= 0) return -1;
    at = i;
  }
  return at;
}

function wholeBasis(items: readonly KvpItem[]): GuestReportBasis {
  const ambiguous: Problem[] = [];
  const values = guestValues(items, ambiguous);
  const statusProblems: Problem[] = [];
  const status = readStatus(values.get(STATUS_ITEM), statusProblems);
  const ring: Problem[] = [];
  const events = readRing(values, ring);
  const report: GuestReport = Object.freeze({
    status,
    statusPresent: values.has(STATUS_ITEM),
    events: Object.freeze(events),
    agentItems: Object.freeze(agentItemNames(items)),
    problems: Object.freeze([...ambiguous, ...statusProblems, ...ring]),
  });
  return { items, report, ambiguous, ring, statusAt: onlyStatusAt(items) };
}

/**
 * The pool's one Status item when `items` holds the very item objects of `before` except, perhaps, its
 * one Status (the sweep's decode hands back the same object for an element that did not change), else
 * null. The other elements are compared by identity only, without reading them: with a full ring that
 * is eight items a VM every round, and reading each cost more than the rest of this function.
 */
function onlyStatusChanged(before: GuestReportBasis, items: readonly KvpItem[]): KvpItem | null {
  const at = before.statusAt;
  const previous = before.items;
  if (at < 0 || previous.length !== items.length) return null;
  for (let i = 0; i < items.length; i++) if (i !== at && items[i] !== previous[i]) return null;
  const status = items[at] as KvpItem;
  return isStatusItem(status) ? status : null;
}

/**
 * `readGuestReport` with the basis of the VM's previous pool: when only the Status item changed, only
 * it is parsed again, and the rest of the report (ring, item names, their problems) is the previous
 * one's. Returns the new basis. Same result as `readGuestReport(items)`; never throws.
 */
export function readGuestReportFrom(
  items: readonly KvpItem[],
  before: GuestReportBasis | undefined,
): GuestReportBasis {
  if (before === undefined) return wholeBasis(items);
  if (before.items === items) return before;
  const changed = onlyStatusChanged(before, items);
  if (changed === null) return wholeBasis(items);
  const statusProblems: Problem[] = [];
  const status = readStatus(changed, statusProblems);
  const { events, agentItems } = before.report;
  const problems = Object.freeze([...before.ambiguous, ...statusProblems, ...before.ring]);
  const report: GuestReport = Object.freeze({ status, statusPresent: true, events, agentItems, problems });
  return { items, report, ambiguous: before.ambiguous, ring: before.ring, statusAt: before.statusAt };
}

/**
 * Reads the guest agent's report from the decoded Guest pool (only Source 1 `AvmaAgent.*` items are
 * looked at). Never throws: invalid values are STATUS_INVALID / EVENT_INVALID / KVP_ITEM_INVALID
 * problems, and the rest of the report stands.
 */
export function readGuestReport(guestItems: readonly KvpItem[]): GuestReport {
  return wholeBasis(guestItems).report;
}
