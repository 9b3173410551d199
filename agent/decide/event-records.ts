/**
 * Events as the store records them: host 12310 records from the driver's Application-log read, and
 * guest 12309 records forwarded by the guest agent, each classified into the four AVMA notifications
 * and their HRESULT. The layout of 12310 (message text, EventData names) is UNCONFIRMED (no public
 * sample): the lab writes `VirtualMachineId`, `Notification` and `Result`, so those are read first,
 * then a data value naming exactly one VM of the host (name or FQDN), then the message text; what
 * cannot be read stays null.
 */
import {
  AVMA_NOTIFICATION_INFO,
  AVMA_NOTIFICATIONS,
  type AvmaNotification,
  notificationFromHresult,
} from '../../shared/avma/index.js';
import { type GuestEvent, quoteUntrusted } from '../../shared/protocol/index.js';
import type { HostEvent } from '../model/index.js';
import { AVMA_GUEST_EVENT_ID, AVMA_HOST_EVENT_ID, toVmId, VM_IDS_IN_TEXT } from '../model/index.js';
import type { EventInput, EventNotification, HostEventInput, VmMatch } from '../store/index.js';

export const AVMA_GUEST_EVENT = AVMA_GUEST_EVENT_ID;
export const AVMA_HOST_EVENT = AVMA_HOST_EVENT_ID;
/** The log the host events are read from (bookmark key). */
export const HOST_EVENT_LOG = 'Application';

/** Longest event message stored: enough for every documented text, bounded for hostile ones. */
const MAX_MESSAGE = 1024;
const HRESULT_IN_TEXT = /0x[0-9a-f]{8}/i;
const HRESULT_EXACT = /^0x[0-9a-f]{8}$/i;

const BY_TITLE: ReadonlyMap<string, AvmaNotification> = new Map(
  AVMA_NOTIFICATIONS.map((name) => [AVMA_NOTIFICATION_INFO[name].title.toLowerCase(), name]),
);

function cut(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > MAX_MESSAGE ? `${line.slice(0, MAX_MESSAGE)}…` : line;
}

/** `0xC004FD02` form, or null. Never throws. */
function normalHresult(text: string | null | undefined): string | null {
  if (typeof text !== 'string') return null;
  const match = HRESULT_IN_TEXT.exec(text);
  return match === null ? null : `0x${match[0].slice(2).toUpperCase()}`;
}

/** The notification an HRESULT stands for (shared/avma's UNCONFIRMED pairing), or null. Never throws. */
function notificationOf(hresult: string | null): AvmaNotification | null {
  if (hresult === null) return null;
  try {
    return notificationFromHresult(hresult);
  } catch {
    return null;
  }
}

function titleIn(text: string): AvmaNotification | null {
  const lower = text.toLowerCase();
  for (const [title, name] of BY_TITLE) if (lower.includes(title)) return name;
  return null;
}

/**
 * A forwarded 12309 event as a store event of source `guest` (origin: the VM's GUID, which keeps it
 * unique per VM and record id). `host` is the host the sweep found the VM on, never the guest's claim
 * (that one is untrusted; it is quoted in the message). Never throws for a validated event.
 */
export function guestEventRecord(vmId: string, host: string, event: GuestEvent): EventInput {
  const reported: EventNotification = event.notification === 'success' ? 'avma-success' : event.notification;
  const notification = reported === 'unknown' ? (notificationOf(event.hresult) ?? 'unknown') : reported;
  const title =
    notification === 'unknown' ? 'unknown notification' : AVMA_NOTIFICATION_INFO[notification].title;
  const claimed = event.host === undefined ? '' : ` (guest names host ${quoteUntrusted(event.host, 64)})`;
  return Object.freeze({
    source: 'guest',
    origin: vmId,
    recordId: event.recordId,
    eventId: AVMA_GUEST_EVENT,
    time: new Date(event.time),
    vm: vmId,
    host,
    notification,
    hresult: event.hresult,
    message: `12309 ${title}${event.hresult === null ? '' : ` ${event.hresult}`}${claimed}`,
  });
}

/** Where the host's VMs are known: by GUID, by (case-insensitive) name and FQDN; a shared one maps to null. */
export interface KnownVms {
  readonly ids: ReadonlySet<string>;
  readonly idByName: ReadonlyMap<string, string | null>;
  readonly idByFqdn: ReadonlyMap<string, string | null>;
}

interface Attribution {
  readonly vm: string | null;
  readonly vmMatch: VmMatch | null;
}

const UNATTRIBUTED: Attribution = Object.freeze({ vm: null, vmMatch: null });

function uniqueIn(map: ReadonlyMap<string, string | null>, values: readonly string[]): string | null {
  for (const value of values) {
    const id = map.get(value.toLowerCase());
    if (id !== undefined && id !== null) return id;
  }
  return null;
}

/**
 * The VM a 12310 names. Its layout is UNCONFIRMED, so each reading is tried, most specific first:
 * a `VirtualMachineId` data value; a data value that is the name of exactly one VM of the host; one
 * that is the FQDN of exactly one VM (from its intrinsic items); a known VM GUID in the message text.
 * What matched is recorded with the event (`vm_match`). Time correlation with the guest's forwarded
 * 12309 comes later (`attributeByTime`), once the sweep has read the guests.
 */
function attribute(event: HostEvent, known: KnownVms): Attribution {
  const id = toVmId(event.data.VirtualMachineId);
  if (id !== null) {
    // The record names its VM exactly; one the agent does not know stays unattributed.
    return known.ids.has(id) ? { vm: id, vmMatch: 'vm-id' } : UNATTRIBUTED;
  }
  const values = Object.values(event.data);
  const byName = uniqueIn(known.idByName, values);
  if (byName !== null) return { vm: byName, vmMatch: 'vm-name' };
  const byFqdn = uniqueIn(known.idByFqdn, values);
  if (byFqdn !== null) return { vm: byFqdn, vmMatch: 'fqdn' };
  const inMessage = [...new Set(event.message.toLowerCase().match(VM_IDS_IN_TEXT) ?? [])].filter((guid) =>
    known.ids.has(guid),
  );
  if (inMessage.length === 1 && inMessage[0] !== undefined)
    return { vm: inMessage[0], vmMatch: 'message-id' };
  return UNATTRIBUTED;
}

/**
 * A 12310 record as a store host event. An unreadable time becomes `fallbackTime`: the record must
 * still be stored, or the bookmark could never move past it. Never throws.
 */
export function hostEventRecord(event: HostEvent, known: KnownVms, fallbackTime: Date): HostEventInput {
  const result = event.data.Result;
  const hresult =
    result !== undefined && HRESULT_EXACT.test(result.trim())
      ? normalHresult(result)
      : normalHresult(event.message);
  const notification =
    titleIn(event.data.Notification ?? '') ?? titleIn(event.message) ?? notificationOf(hresult);
  const time = new Date(event.time);
  const text = cut(event.message);
  return Object.freeze({
    recordId: event.recordId,
    eventId: event.eventId,
    time: Number.isNaN(time.getTime()) ? fallbackTime : time,
    ...attribute(event, known),
    notification,
    hresult,
    message: text === '' ? `${event.eventId} from ${cut(event.provider) || 'an unnamed provider'}` : text,
  });
}
