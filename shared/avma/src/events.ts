/**
 * Event IDs the agent reads or explains: the AVMA pair 12309 (guest) / 12310 (host) and the KMS and
 * Software Protection events around them.
 *
 * Sources: Microsoft's AVMA page (12309/12310, Application log, the four guest notifications); seeds 001
 * and 004 (12288/12289/12290/12293/12294, 8209, "all activation events except 12290 go to the Application
 * log under Microsoft-Windows-Security-SPP; 12290 goes to the Key Management Service log"); message
 * templates from libyal/winevt-kb `docs/sources/message-files/MessageFile-sppsvc.exe.md` (sppsvc.exe
 * 6.1.7600.16385; the event ID is the low 16 bits of the message identifier).
 */
import { formatHresult, parseHresult } from './hresults.js';

export type EventSide = 'host' | 'guest' | 'kms-host' | 'kms-client' | 'any';
export const SECURITY_SPP_PROVIDER = 'Microsoft-Windows-Security-SPP';

export interface ActivationEvent {
  readonly id: number;
  readonly provider: string;
  readonly log: 'Application' | 'Key Management Service';
  readonly side: EventSide;
  readonly meaning: string;
  /** sppsvc.exe message template (`%1` inserts, `%n` newlines) where a public dump has it. */
  readonly messageTemplate: string | null;
  readonly source: string;
}

const MS_AVMA = 'MicrosoftDocs/windowsserverdocs WindowsServerDocs/get-started/automatic-vm-activation.md';
const SPPSVC = 'libyal/winevt-kb MessageFile-sppsvc.exe.md (sppsvc.exe 6.1.7600.16385)';
const SEED_001 = 'seed 001 (Volume Activation Deployment Guide, zh-CN)';
const SEED_004 = 'seed 004 (Volume Activation Operations Guide, zh-CN)';

function event(
  id: number,
  side: EventSide,
  meaning: string,
  messageTemplate: string | null,
  source: string,
  log: ActivationEvent['log'] = 'Application',
): ActivationEvent {
  return Object.freeze({ id, provider: SECURITY_SPP_PROVIDER, log, side, meaning, messageTemplate, source });
}

/**
 * The provider of 12309/12310 is UNCONFIRMED: the Security-SPP ETW manifest defines both IDs
 * (jdu2600/Windows10EtwEvents), but no sample event or message text was found (avma-facts §3b).
 */
export const EVENT_CATALOGUE: readonly ActivationEvent[] = Object.freeze([
  event(
    12309,
    'guest',
    'AVMA activation attempt on the VM, with one of the four notifications',
    null,
    MS_AVMA,
  ),
  event(12310, 'host', 'AVMA request logged on the virtualization host', null, MS_AVMA),
  event(
    12288,
    'kms-client',
    'KMS client sent an activation request; a non-zero result code is an error (Slui.exe 0x2a <code>)',
    'The client has sent an activation request to the key management service machine.%nInfo:%n%1',
    `${SPPSVC}; ${SEED_004}`,
  ),
  event(
    12289,
    'kms-client',
    'KMS client processed the response: result code, KMS host name and port, current count',
    'The client has processed an activation response from the key management service machine.%nInfo:%n%1',
    `${SPPSVC}; ${SEED_004}`,
  ),
  event(
    12290,
    'kms-host',
    'KMS host processed an activation request; names the requesting client',
    'An activation request has been processed.%nInfo:%n%1',
    `${SPPSVC}; ${SEED_001}; ${SEED_004}`,
    'Key Management Service',
  ),
  event(
    12291,
    'kms-host',
    'Key Management Service failed to start',
    'Key Management Service (KMS) failed to start.%nInfo:%n%1',
    SPPSVC,
  ),
  event(
    12292,
    'kms-client',
    'Volume-licensed client could not initialise the KMS renewal timer',
    'Volume-licensed client was unable to initialize the Key Management Service (KMS) renewal timer.%nInfo:%n%1',
    SPPSVC,
  ),
  event(
    12293,
    'kms-host',
    'KMS host failed to publish its DNS SRV record',
    "Publishing the Key Management Service (KMS) to DNS in the '%2' domain failed.%nInfo:%n%1",
    `${SPPSVC}; ${SEED_001}`,
  ),
  event(
    12294,
    'kms-host',
    'KMS host published its DNS SRV record',
    "Publishing the Key Management Service (KMS) to DNS in the '%1' domain is successful.%n",
    `${SPPSVC}; ${SEED_001}`,
  ),
  event(
    8209,
    'any',
    'Genuine validation failed; the event gives the reason (first thing to read when recovering from non-genuine)',
    'Genuine state set to non-genuine (%1) for application Id %2',
    `${SPPSVC}; ${SEED_004}`,
  ),
  event(
    900,
    'any',
    'Software Protection service is starting',
    'The Software Protection service is starting.%n',
    SPPSVC,
  ),
  event(
    901,
    'any',
    'Software Protection service is stopping',
    'The Software Protection service is stopping.%n',
    SPPSVC,
  ),
  event(
    902,
    'any',
    'Software Protection service has started',
    'The Software Protection service has started.%n%1',
    SPPSVC,
  ),
  event(
    903,
    'any',
    'Software Protection service has stopped',
    'The Software Protection service has stopped.%n',
    SPPSVC,
  ),
  event(
    1003,
    'any',
    'Software Protection service completed a licensing status check',
    'The Software Protection service has completed licensing status check.%nApplication Id=%1%nLicensing Status=%2',
    SPPSVC,
  ),
]);

const BY_ID: ReadonlyMap<number, ActivationEvent> = new Map(
  EVENT_CATALOGUE.map((entry) => [entry.id, entry]),
);

/** The catalogue entry for an event ID, or `null`. Never throws. */
export function activationEvent(id: number): ActivationEvent | null {
  return BY_ID.get(id) ?? null;
}

/** The four notifications a guest logs with event 12309. */
export const AVMA_NOTIFICATIONS = [
  'avma-success',
  'invalid-host',
  'invalid-data',
  'activation-denied',
] as const;
export type AvmaNotification = (typeof AVMA_NOTIFICATIONS)[number];

export interface AvmaNotificationInfo {
  readonly notification: AvmaNotification;
  readonly title: string;
  /** Verbatim from Microsoft's AVMA page. */
  readonly description: string;
}

export const AVMA_NOTIFICATION_INFO: Readonly<Record<AvmaNotification, AvmaNotificationInfo>> = Object.freeze(
  {
    'avma-success': info('avma-success', 'AVMA Success', 'The VM was activated.'),
    'invalid-host': info(
      'invalid-host',
      'Invalid Host',
      "The virtualization host is unresponsive. This event can happen when the server isn't running a supported version of Windows.",
    ),
    'invalid-data': info(
      'invalid-data',
      'Invalid Data',
      'This event usually results from a failure in communication between the virtualization host and the VM, often caused by corruption, encryption, or data mismatch.',
    ),
    'activation-denied': info(
      'activation-denied',
      'Activation Denied',
      "The virtualization host couldn't activate the guest operating system because the AVMA ID didn't match.",
    ),
  },
);

function info(notification: AvmaNotification, title: string, description: string): AvmaNotificationInfo {
  return Object.freeze({ notification, title, description });
}

/**
 * UNCONFIRMED mapping (no source pairs notifications with HRESULTs; avma-facts §6a infers it from the
 * slerror.h texts): Invalid Host -> 0xC004FD01 (not a supported Hyper-V host) or 0xC004FD02 (host not
 * activated); Invalid Data -> 0xC004FD04 ("Windows isn't activated": the guest is not bound);
 * Activation Denied -> 0xC004FD03 (the host can't activate this edition). The lab uses the same table.
 */
const NOTIFICATION_BY_HRESULT: ReadonlyMap<number, AvmaNotification> = new Map([
  [0x00000000, 'avma-success'],
  [0xc004fd01, 'invalid-host'],
  [0xc004fd02, 'invalid-host'],
  [0xc004fd03, 'activation-denied'],
  [0xc004fd04, 'invalid-data'],
]);

/**
 * The guest notification an AVMA HRESULT most likely corresponds to (UNCONFIRMED, see above); `null` for
 * codes with no notification (e.g. 0xC004FD00 throttling). Throws `AvmaError` INVALID_HRESULT for
 * malformed input.
 */
export function notificationFromHresult(input: string | number): AvmaNotification | null {
  return NOTIFICATION_BY_HRESULT.get(parseHresult(input)) ?? null;
}

/**
 * The HRESULT a guest reports with a notification (UNCONFIRMED mapping): Invalid Host gives 0xC004FD02
 * when the cause is an unactivated host, else 0xC004FD01. Never throws.
 */
export function hresultForNotification(
  notification: AvmaNotification,
  cause: 'host-not-activated' | null = null,
): string {
  switch (notification) {
    case 'avma-success':
      return formatHresult(0);
    case 'invalid-host':
      return cause === 'host-not-activated' ? '0xC004FD02' : '0xC004FD01';
    case 'activation-denied':
      return '0xC004FD03';
    case 'invalid-data':
      return '0xC004FD04';
  }
}
