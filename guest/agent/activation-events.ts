/**
 * 12309 records of the guest's Application log, turned into protocol events. The message text and
 * EventData layout of 12309 are UNCONFIRMED (avma-facts §3b: no sample was found), so the reading is
 * tolerant: the notification is recognised by the four titles Microsoft's AVMA page uses ("AVMA
 * Success", "Invalid Host", "Invalid Data", "Activation Denied"), the HRESULT by the first `0x` and 8
 * hex digits, and the host by slmgr's label "Host machine name:" (a convention the lab renders; the
 * real event may not carry a host). A notification missing from the text is inferred from the HRESULT
 * with shared/avma's (UNCONFIRMED) table.
 */
import {
  AVMA_NOTIFICATION_INFO,
  type AvmaNotification,
  notificationFromHresult,
} from '../../shared/avma/index.js';
import { GuestEvent, type GuestNotification } from '../../shared/protocol/index.js';
import type { GuestActivationEvent } from '../platform/guest-platform.js';

/** Event messages are cut to this before scanning (the real ones are a few hundred characters). */
const MAX_MESSAGE_CHARS = 4096;
const HRESULT_TOKEN = /0x([0-9A-Fa-f]{8})(?![0-9A-Fa-f])/;
const HOST_LABEL = /Host machine name:[ \t]*([A-Za-z0-9][A-Za-z0-9._-]{0,254})/i;

const PROTOCOL_NOTIFICATION: Readonly<Record<AvmaNotification, GuestNotification>> = {
  'avma-success': 'success',
  'invalid-host': 'invalid-host',
  'invalid-data': 'invalid-data',
  'activation-denied': 'activation-denied',
};

export type EventReading = { readonly event: GuestEvent } | { readonly invalid: string };

/**
 * The protocol event for a 12309 record, or `{ invalid }` naming what was unusable (record id not an
 * integer 1..2^53-1, time not a date or beyond year 9999). Never throws.
 */
export function readActivationEvent(record: GuestActivationEvent): EventReading {
  const { recordId } = record;
  if (!Number.isSafeInteger(recordId) || recordId < 1) {
    return { invalid: `12309 record id is ${String(recordId).slice(0, 24)}, expected an integer >= 1` };
  }
  const time = new Date(String(record.time));
  if (Number.isNaN(time.getTime())) {
    return { invalid: `12309 record ${recordId}: time is not a date, expected ISO-8601` };
  }
  const message = String(record.message ?? '').slice(0, MAX_MESSAGE_CHARS);
  const hresult = hresultIn(message);
  const event: GuestEvent = {
    v: 1,
    recordId,
    time: time.toISOString(),
    notification: notificationIn(message, hresult),
    hresult,
  };
  // A sentence may end right after the name: "Host machine name: HV01." names HV01.
  const host = HOST_LABEL.exec(message)?.[1]?.replace(/\.+$/, '');
  const withHost = host === undefined || host === '' ? event : { ...event, host };
  // Dates past year 9999 print as "+010000-…", which the protocol's ISO form refuses.
  if (!GuestEvent.safeParse(withHost).success) {
    return {
      invalid: `12309 record ${recordId}: time ${withHost.time} does not fit the protocol's ISO-8601 form`,
    };
  }
  return { event: withHost };
}

function hresultIn(message: string): string | null {
  const digits = HRESULT_TOKEN.exec(message)?.[1];
  return digits === undefined ? null : `0x${digits.toUpperCase()}`;
}

function notificationIn(message: string, hresult: string | null): GuestNotification {
  const lower = message.toLowerCase();
  for (const info of Object.values(AVMA_NOTIFICATION_INFO)) {
    if (lower.includes(info.title.toLowerCase())) return PROTOCOL_NOTIFICATION[info.notification];
  }
  if (hresult === null) return 'unknown';
  const inferred = notificationFromHresult(hresult);
  return inferred === null ? 'unknown' : PROTOCOL_NOTIFICATION[inferred];
}
