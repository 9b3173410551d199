import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type AgentStatus,
  CHANNELS,
  encodeGuestEvent,
  encodeIntent,
  encodeStatus,
  type GuestEvent,
  LICENSE_STATUSES,
  type ParseResult,
  PROTOCOL_MAX_VALUE_UNITS,
  ProtocolError,
  parseGuestEvent,
  parseIntent,
  parseStatus,
  REFUSAL_REASONS,
} from '../../../shared/protocol/index.js';

const STATUS: AgentStatus = {
  v: 1,
  seq: 3,
  licenseStatus: 'licensed',
  channel: 'avma',
  partialKey: '4GF74',
  avmaHost: 'HV01',
  lastActivation: '2026-11-05T10:00:00.000Z',
  graceMinutes: 10080,
  lastHresult: '0x00000000',
  agentVersion: '0.1.0',
  refused: null,
};

const EVENT: GuestEvent = {
  v: 1,
  recordId: 4711,
  time: '2026-11-05T10:00:03.000Z',
  notification: 'invalid-host',
  hresult: '0xC004FD02',
  host: 'HV02',
};

function problemOf(result: ParseResult<unknown>): { code: string; message: string } {
  if (result.ok) throw new Error('expected a problem, got a value');
  return result.problem;
}

function statusWith(patch: Record<string, unknown>): string {
  return JSON.stringify({ ...STATUS, ...patch });
}

describe('shared/protocol/codec', () => {
  describe('intent', () => {
    it('round-trips an install intent as compact JSON', () => {
      const text = encodeIntent({ v: 1, seq: 7, action: 'install' });
      expect(text).toBe('{"v":1,"seq":7,"action":"install"}');
      expect(parseIntent(text)).toEqual({ ok: true, value: { v: 1, seq: 7, action: 'install' } });
    });

    it('accepts a wipe intent', () => {
      expect(parseIntent('{"v":1,"seq":8,"action":"wipe"}')).toMatchObject({
        ok: true,
        value: { action: 'wipe' },
      });
    });

    it('refuses a sequence number sent as a string, naming the field', () => {
      expect(problemOf(parseIntent('{"v":1,"seq":"7","action":"install"}'))).toEqual({
        code: 'SCHEMA',
        message: 'intent.seq: expected an integer 1..9007199254740991',
      });
    });

    it('refuses seq 0, a fraction, a negative number and an overflowing exponent', () => {
      for (const seq of ['0', '1.5', '-3', '1e400']) {
        expect(problemOf(parseIntent(`{"v":1,"seq":${seq},"action":"install"}`)).code).toBe('SCHEMA');
      }
    });

    it('refuses an unknown action and lists the accepted ones', () => {
      expect(problemOf(parseIntent('{"v":1,"seq":1,"action":"format-c"}')).message).toBe(
        'intent.action: expected one of install, wipe',
      );
    });

    it('refuses a newer protocol version instead of guessing', () => {
      expect(problemOf(parseIntent('{"v":2,"seq":1,"action":"install"}')).message).toBe(
        'intent.v: expected 1',
      );
    });

    it('refuses a __proto__ key as an unknown field without polluting any prototype', () => {
      const problem = problemOf(
        parseIntent('{"__proto__":{"polluted":true},"v":1,"seq":1,"action":"install"}'),
      );
      expect(problem.message).toBe('intent: unknown field "__proto__", expected only v, seq, action');
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    });

    it('reports a missing field as missing', () => {
      expect(problemOf(parseIntent('{"v":1,"action":"install"}')).message).toBe(
        'intent.seq: is missing, expected an integer 1..9007199254740991',
      );
    });

    it('refuses a value that is not a string at all', () => {
      expect(problemOf(parseIntent(42))).toEqual({
        code: 'NOT_TEXT',
        message: 'intent: is a number, expected a JSON string',
      });
    });
  });

  describe('status', () => {
    it('round-trips a full status within the size limits', () => {
      const text = encodeStatus(STATUS);
      expect(text.length).toBeLessThanOrEqual(PROTOCOL_MAX_VALUE_UNITS);
      expect(parseStatus(text)).toEqual({ ok: true, value: STATUS });
    });

    it('refuses licence status 99 and names the vocabulary', () => {
      expect(problemOf(parseStatus(statusWith({ licenseStatus: 99 })))).toEqual({
        code: 'SCHEMA',
        message: `status.licenseStatus: expected one of ${LICENSE_STATUSES.join(', ')}`,
      });
    });

    it('refuses a 5,000-character channel before parsing it', () => {
      const problem = problemOf(parseStatus(statusWith({ channel: 'x'.repeat(5000) })));
      expect(problem.code).toBe('TOO_LARGE');
      expect(problem.message).toMatch(/^status: value is 5\d{3} UTF-16 units, expected at most 1022$/);
    });

    it('refuses a channel that fits the size cap but not the vocabulary', () => {
      expect(problemOf(parseStatus(statusWith({ channel: 'y'.repeat(600) }))).message).toBe(
        `status.channel: expected one of ${CHANNELS.join(', ')}`,
      );
    });

    it('refuses a value over 1022 UTF-8 bytes even when it has fewer UTF-16 units', () => {
      const wide = statusWith({ avmaHost: '€'.repeat(400) });
      expect(wide.length).toBeLessThanOrEqual(PROTOCOL_MAX_VALUE_UNITS);
      expect(problemOf(parseStatus(wide))).toMatchObject({ code: 'TOO_LARGE' });
    });

    it('refuses a host name carrying a NUL character', () => {
      expect(problemOf(parseStatus(statusWith({ avmaHost: 'HV01\u0000evil' }))).message).toMatch(
        /^status\.avmaHost: /,
      );
    });

    it('refuses a raw NUL in the JSON text as invalid JSON', () => {
      expect(problemOf(parseStatus(`${encodeStatus(STATUS)}\u0000`)).code).toBe('NOT_JSON');
    });

    it('refuses deep JSON without recursing into it', () => {
      const deep = `${'['.repeat(500)}${']'.repeat(500)}`;
      expect(problemOf(parseStatus(deep))).toEqual({
        code: 'SCHEMA',
        message: 'status: is not a JSON object of the expected shape',
      });
      expect(
        problemOf(parseStatus(statusWith({ seq: JSON.parse(`${'['.repeat(200)}${']'.repeat(200)}`) })))
          .message,
      ).toBe('status.seq: expected an integer 0..9007199254740991');
    });

    it('refuses a partial key outside the product-key alphabet', () => {
      expect(problemOf(parseStatus(statusWith({ partialKey: 'AAAAA' }))).message).toBe(
        'status.partialKey: expected 5 characters of the product-key alphabet, or null',
      );
    });

    it('refuses a lower-case or short HRESULT', () => {
      for (const lastHresult of ['0xc004fd02', '0xC004FD0', 'C004FD02']) {
        expect(problemOf(parseStatus(statusWith({ lastHresult }))).message).toMatch(/^status\.lastHresult: /);
      }
    });

    it('refuses a time with an offset other than Z and an impossible date', () => {
      for (const lastActivation of ['2026-11-05T10:00:00+01:00', '2026-02-30T10:00:00Z']) {
        expect(problemOf(parseStatus(statusWith({ lastActivation }))).message).toMatch(
          /^status\.lastActivation: /,
        );
      }
    });

    it('accepts every refusal reason and null', () => {
      for (const refused of [...REFUSAL_REASONS, null]) {
        expect(parseStatus(statusWith({ refused })).ok).toBe(true);
      }
    });

    it('counts the remaining issues in the message', () => {
      expect(problemOf(parseStatus('{"v":1}')).message).toBe(
        'status.seq: is missing, expected an integer 0..9007199254740991 (and 9 more)',
      );
    });

    it('quotes and cuts a hostile unknown field name', () => {
      const problem = problemOf(parseStatus(statusWith({ [`\u0000${'k'.repeat(100)}`]: 1 })));
      expect(problem.message).toBe(
        `status: unknown field "\\u0000${'k'.repeat(31)}…", expected only v, seq, licenseStatus, channel, partialKey, avmaHost, lastActivation, graceMinutes, lastHresult, agentVersion, refused`,
      );
    });

    it('never throws on arbitrary text, and only answers with a closed problem code', () => {
      fc.assert(
        fc.property(
          fc.oneof(
            fc.string({ maxLength: 1200 }),
            fc.json(),
            fc.jsonValue().map((v) => JSON.stringify(v)),
          ),
          (raw) => {
            const result = parseStatus(raw);
            if (!result.ok)
              expect(['NOT_TEXT', 'TOO_LARGE', 'NOT_JSON', 'SCHEMA']).toContain(result.problem.code);
          },
        ),
      );
    });

    it('round-trips arbitrary valid statuses', () => {
      const statuses = fc.record({
        v: fc.constant(1 as const),
        seq: fc.nat(),
        licenseStatus: fc.constantFrom(...LICENSE_STATUSES),
        channel: fc.constantFrom(...CHANNELS),
        partialKey: fc.option(fc.stringMatching(/^[BCDFGHJKMNPQRTVWXY2346789]{5}$/), { nil: null }),
        avmaHost: fc.option(fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._-]{0,40}$/), { nil: null }),
        lastActivation: fc.option(
          fc
            .date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true })
            .map((d) => d.toISOString()),
          { nil: null },
        ),
        graceMinutes: fc.nat({ max: 0xffff_ffff }),
        lastHresult: fc.option(fc.stringMatching(/^0x[0-9A-F]{8}$/), { nil: null }),
        agentVersion: fc.stringMatching(/^[0-9][0-9.]{0,10}$/),
        refused: fc.option(fc.constantFrom(...REFUSAL_REASONS), { nil: null }),
      });
      fc.assert(
        fc.property(statuses, (status) => {
          expect(parseStatus(encodeStatus(status))).toEqual({ ok: true, value: status });
        }),
      );
    });
  });

  describe('event', () => {
    it('round-trips an event with and without a host', () => {
      expect(parseGuestEvent(encodeGuestEvent(EVENT))).toEqual({ ok: true, value: EVENT });
      const { host: _host, ...hostless } = EVENT;
      expect(encodeGuestEvent(hostless)).not.toContain('"host"');
      expect(parseGuestEvent(encodeGuestEvent(hostless))).toEqual({ ok: true, value: hostless });
    });

    it('refuses record id 0 and an unknown notification', () => {
      expect(problemOf(parseGuestEvent(JSON.stringify({ ...EVENT, recordId: 0 }))).message).toMatch(
        /^event\.recordId: /,
      );
      expect(problemOf(parseGuestEvent(JSON.stringify({ ...EVENT, notification: 'hacked' }))).message).toBe(
        'event.notification: expected one of success, invalid-host, invalid-data, activation-denied, unknown',
      );
    });

    it('refuses a host of null (the field is optional, not nullable)', () => {
      expect(problemOf(parseGuestEvent(JSON.stringify({ ...EVENT, host: null }))).message).toMatch(
        /^event\.host: /,
      );
    });
  });

  describe('encoding', () => {
    it('throws ProtocolError SCHEMA for a status with a value outside its schema', () => {
      const bad = { ...STATUS, channel: 'kms-host' } as unknown as AgentStatus;
      expect(() => encodeStatus(bad)).toThrow(ProtocolError);
      expect(() => encodeStatus(bad)).toThrow('status.channel: expected one of');
    });

    it('fits the largest status and event the schemas allow within the value limits', () => {
      const widest: AgentStatus = {
        ...STATUS,
        seq: Number.MAX_SAFE_INTEGER,
        licenseStatus: 'non-genuine-grace',
        avmaHost: `H${'x'.repeat(254)}`,
        lastActivation: '2026-11-05T10:00:00.1234567Z',
        graceMinutes: 0xffff_ffff,
        agentVersion: '1'.repeat(32),
        refused: 'KEY_NOT_FOR_THIS_GUEST',
      };
      expect(encodeStatus(widest).length).toBeLessThanOrEqual(PROTOCOL_MAX_VALUE_UNITS);
      const event: GuestEvent = { ...EVENT, recordId: Number.MAX_SAFE_INTEGER, host: `H${'x'.repeat(254)}` };
      expect(encodeGuestEvent(event).length).toBeLessThanOrEqual(PROTOCOL_MAX_VALUE_UNITS);
    });

    it('throws ProtocolError SCHEMA for an intent with seq 0', () => {
      try {
        encodeIntent({ v: 1, seq: 0, action: 'install' });
        expect.unreachable();
      } catch (error) {
        expect(error).toBeInstanceOf(ProtocolError);
        expect((error as ProtocolError).code).toBe('SCHEMA');
        expect((error as ProtocolError).message).toBe('intent.seq: expected an integer 1..9007199254740991');
      }
    });
  });
});
