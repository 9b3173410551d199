import { describe, expect, it } from 'vitest';
import { AvmaError } from '../../../shared/avma/src/errors.js';
import {
  AVMA_NOTIFICATION_INFO,
  AVMA_NOTIFICATIONS,
  activationEvent,
  EVENT_CATALOGUE,
  hresultForNotification,
  notificationFromHresult,
} from '../../../shared/avma/src/events.js';
import { fixtureText, markdownRows } from './fixture-text.js';

/** sppsvc.exe message table rows: event ID (low 16 bits of the identifier) -> template. */
function sppsvcTemplates(): Map<number, string> {
  const rows = fixtureText('sppsvc-messages-excerpt.md')
    .split('\n')
    .map((line) => /^0x([0-9a-f]{8}) \| (.*)\\r\\n$/.exec(line))
    .filter((match) => match !== null);
  return new Map(rows.map((match) => [Number.parseInt(match[1] ?? '', 16) & 0xffff, match[2] ?? '']));
}

describe('shared/avma/events', () => {
  it('quotes each event template from the sppsvc.exe message table, matched by event ID', () => {
    const templates = sppsvcTemplates();
    const withTemplate = EVENT_CATALOGUE.filter((event) => event.messageTemplate !== null);
    expect(withTemplate.map((event) => event.id).sort()).toEqual([...templates.keys()].sort());
    for (const event of withTemplate)
      expect(event.messageTemplate, String(event.id)).toBe(templates.get(event.id));
  });

  it('places 12309 on the guest and 12310 on the host, both in the Application log, without an invented template', () => {
    expect(activationEvent(12309)).toMatchObject({
      side: 'guest',
      log: 'Application',
      messageTemplate: null,
    });
    expect(activationEvent(12310)).toMatchObject({ side: 'host', log: 'Application', messageTemplate: null });
  });

  it('logs every event in the Application log except 12290, which goes to the Key Management Service log', () => {
    for (const event of EVENT_CATALOGUE) {
      expect(event.log, String(event.id)).toBe(event.id === 12290 ? 'Key Management Service' : 'Application');
      expect(event.provider).toBe('Microsoft-Windows-Security-SPP');
    }
  });

  it('covers the events the seeds and the AVMA page name, once each', () => {
    const ids = EVENT_CATALOGUE.map((event) => event.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of [12309, 12310, 12288, 12289, 12290, 12293, 12294, 8209, 900, 902, 903, 1003])
      expect(ids).toContain(id);
    expect(activationEvent(4624)).toBeNull();
  });

  it("quotes the four guest notifications word for word from Microsoft's page", () => {
    const page = markdownRows(fixtureText('automatic-vm-activation.md'));
    const start = page.findIndex((row) => row[0] === 'Notification');
    const rows = page.slice(start + 1, start + 5);
    expect(rows.map(([title, description]) => ({ title, description }))).toEqual(
      AVMA_NOTIFICATIONS.map((n) => ({
        title: AVMA_NOTIFICATION_INFO[n].title,
        description: AVMA_NOTIFICATION_INFO[n].description,
      })),
    );
  });

  it('maps the AVMA HRESULTs to the notification a guest logs', () => {
    expect(notificationFromHresult(0)).toBe('avma-success');
    expect(notificationFromHresult('0xC004FD01')).toBe('invalid-host');
    expect(notificationFromHresult('C004FD02')).toBe('invalid-host');
    expect(notificationFromHresult(-1073414909)).toBe('activation-denied');
    expect(notificationFromHresult('0xC004FD04')).toBe('invalid-data');
    expect(notificationFromHresult('0xC004FD00')).toBeNull();
    expect(notificationFromHresult('0xC004F074')).toBeNull();
  });

  it('rejects a malformed HRESULT instead of guessing a notification', () => {
    expect(() => notificationFromHresult('not-a-code')).toThrow(AvmaError);
  });

  it('round-trips each notification through its HRESULT, with 0xC004FD02 for an unactivated host', () => {
    for (const notification of AVMA_NOTIFICATIONS) {
      expect(notificationFromHresult(hresultForNotification(notification))).toBe(notification);
    }
    expect(hresultForNotification('invalid-host')).toBe('0xC004FD01');
    expect(hresultForNotification('invalid-host', 'host-not-activated')).toBe('0xC004FD02');
    expect(hresultForNotification('avma-success')).toBe('0x00000000');
  });
});
