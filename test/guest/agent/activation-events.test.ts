import { describe, expect, it } from 'vitest';
import { readActivationEvent } from '../../../guest/agent/activation-events.js';

const TIME = '2026-11-05T10:00:00.000Z';

describe('guest/agent/activation-events', () => {
  it.each([
    ['AVMA Success', 'success'],
    ['Invalid Host', 'invalid-host'],
    ['Invalid Data', 'invalid-data'],
    ['Activation Denied', 'activation-denied'],
  ])('recognises the "%s" notification', (title, notification) => {
    expect(readActivationEvent({ recordId: 7, time: TIME, message: `Notification: ${title}` })).toEqual({
      event: { v: 1, recordId: 7, time: TIME, notification, hresult: null },
    });
  });

  it('takes the first HRESULT in upper case and the host after slmgr\'s "Host machine name:" label', () => {
    const reading = readActivationEvent({
      recordId: 9,
      time: '2026-11-05T11:00:00+01:00',
      message: 'Invalid Host. Host machine name: HV02.contoso.local. Result: 0xc004fd02 (then 0x00000000)',
    });
    expect(reading).toEqual({
      event: {
        v: 1,
        recordId: 9,
        time: TIME,
        notification: 'invalid-host',
        hresult: '0xC004FD02',
        host: 'HV02.contoso.local',
      },
    });
  });

  it('infers the notification from the HRESULT when the text names none (UNCONFIRMED mapping)', () => {
    expect(readActivationEvent({ recordId: 1, time: TIME, message: 'Error 0xC004FD03' })).toMatchObject({
      event: { notification: 'activation-denied' },
    });
    expect(readActivationEvent({ recordId: 1, time: TIME, message: 'Error 0xC004FD00' })).toMatchObject({
      event: { notification: 'unknown' },
    });
  });

  it('does not read a longer hex run as an HRESULT', () => {
    expect(readActivationEvent({ recordId: 1, time: TIME, message: 'id 0xC004FD0212' })).toMatchObject({
      event: { hresult: null },
    });
  });

  it('refuses a record id that is not a positive integer and a time that is not a date', () => {
    expect(readActivationEvent({ recordId: 0, time: TIME, message: '' })).toEqual({
      invalid: '12309 record id is 0, expected an integer >= 1',
    });
    expect(readActivationEvent({ recordId: 3, time: 'yesterday', message: '' })).toEqual({
      invalid: '12309 record 3: time is not a date, expected ISO-8601',
    });
    expect(readActivationEvent({ recordId: 4, time: '+010000-01-01T00:00:00Z', message: '' })).toEqual({
      invalid: "12309 record 4: time +010000-01-01T00:00:00.000Z does not fit the protocol's ISO-8601 form",
    });
  });
});
