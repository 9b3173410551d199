import fc from 'fast-check';
import type { KvpItem } from 'hyperv-kvp';
import { describe, expect, it } from 'vitest';
import { readGuestReport, readGuestReportFrom } from '../../../agent/decide/guest-report.js';
import { encodeStatus } from '../../../shared/protocol/index.js';
import { guestEvent, guestItems, reportOf, status } from './decide-kit.js';

describe('agent/decide/guest-report', () => {
  it('reads the status and the ring a guest agent wrote', () => {
    const report = reportOf(status({ channel: 'avma', licenseStatus: 'licensed' }), [
      guestEvent({ recordId: 9 }),
      guestEvent({ recordId: 4, notification: 'invalid-host', hresult: '0xC004FD02' }),
    ]);
    expect(report.status).toMatchObject({ channel: 'avma', licenseStatus: 'licensed' });
    expect(report.events.map((event) => event.recordId)).toEqual([4, 9]);
    expect(report.agentItems).toEqual(['AvmaAgent.Event.0', 'AvmaAgent.Event.1', 'AvmaAgent.Status']);
    expect(report.problems).toEqual([]);
  });

  it('reports nothing and no problem for a guest without a guest agent', () => {
    const report = readGuestReport(guestItems({ Status: 'Ready' }));
    expect(report).toMatchObject({
      status: null,
      statusPresent: false,
      events: [],
      agentItems: [],
      problems: [],
    });
  });

  it.each([
    [
      'licence status 99',
      '{"v":1,"seq":0,"licenseStatus":99}',
      /status.licenseStatus: expected one of unlicensed/,
    ],
    [
      'a 5,000-character channel',
      JSON.stringify({ channel: 'x'.repeat(5000) }),
      /value is 5014 UTF-16 units, expected at most 1022/,
    ],
    ['text that is not JSON', '{"v":1,', /is not valid JSON/],
    [
      'a field of the wrong type',
      encodeStatus(status()).replace('"seq":0', '"seq":"0"'),
      /status.seq: expected an integer/,
    ],
    ['an unknown field', encodeStatus(status()).replace('{', '{"admin":true,'), /unknown field "admin"/],
  ])(
    'refuses a hostile status (%s) with a STATUS_INVALID problem and trusts nothing in it',
    (_label, value, message) => {
      const report = readGuestReport(guestItems({ 'AvmaAgent.Status': value }));
      expect(report.status).toBeNull();
      expect(report.statusPresent).toBe(true);
      expect(report.problems).toEqual([{ code: 'STATUS_INVALID', message: expect.stringMatching(message) }]);
    },
  );

  it('keeps the valid events of a ring with an invalid slot', () => {
    const report = readGuestReport(
      guestItems({
        'AvmaAgent.Event.0': '{"v":1,"recordId":"1","notification":"success"}',
        'AvmaAgent.Event.1': JSON.stringify(guestEvent({ recordId: 12 })),
      }),
    );
    expect(report.events.map((event) => event.recordId)).toEqual([12]);
    expect(report.problems).toEqual([
      { code: 'EVENT_INVALID', message: expect.stringMatching(/^AvmaAgent\.Event\.0: event\./) },
    ]);
  });

  it('reads a ring item kept from the last sweep as before, its bad slot still reported', () => {
    const [bad, good] = guestItems({
      'AvmaAgent.Event.0': '{"v":1,"recordId":"1","notification":"success"}',
      'AvmaAgent.Event.1': JSON.stringify(guestEvent({ recordId: 12 })),
    });
    const statusItem = (seq: number) => guestItems({ 'AvmaAgent.Status': encodeStatus(status({ seq })) });
    // The next sweep's pool: a new Status beside the very same ring item objects.
    const first = readGuestReport([...statusItem(10), bad, good] as KvpItem[]);
    const next = readGuestReport([...statusItem(9), bad, good] as KvpItem[]);
    expect(next.events).toEqual(first.events);
    expect(next.events[0]).toBe(first.events[0]);
    expect(next.problems).toEqual(first.problems);
    expect(next.problems).toHaveLength(1);
  });

  it('stores an event written to two slots once', () => {
    const report = reportOf(null, [guestEvent({ recordId: 5 }), guestEvent({ recordId: 5 })]);
    expect(report.events).toHaveLength(1);
  });

  it('drops an item listed twice with different values as ambiguous', () => {
    const items = [
      ...guestItems({ 'AvmaAgent.Status': encodeStatus(status()) }),
      ...guestItems({ 'AvmaAgent.Status': '{}' }),
    ];
    const report = readGuestReport(items);
    expect(report.status).toBeNull();
    expect(report.problems[0]?.code).toBe('KVP_ITEM_INVALID');
  });

  it('ignores items of other pools and items that are not ours', () => {
    const report = readGuestReport([
      { name: 'AvmaAgent.Status', data: encodeStatus(status()), source: 2 },
      { name: 'avmaagent.status', data: '{}', source: 1 },
    ]);
    expect(report).toMatchObject({ status: null, agentItems: [], problems: [] });
  });

  describe('read against the previous pool', () => {
    const STATUS = 'AvmaAgent.Status';
    // Items as the sweep's decode hands them back: the same object for an element that did not change.
    const valid = encodeStatus(status({ channel: 'avma', licenseStatus: 'licensed' }));
    const item = fc.oneof(
      fc.record({
        name: fc.constantFrom(STATUS, 'AvmaAgent.Event.0', 'AvmaAgent.Event.1', 'AvmaAgent.Other', 'Tenant'),
        data: fc.constantFrom(valid, '{"v":1}', 'junk', JSON.stringify(guestEvent({ recordId: 3 }))),
        source: fc.constantFrom(0, 1),
      }),
    );
    const statusData = fc.constantFrom(valid, 'not json', encodeStatus(status({ seq: 4 })));

    // Each next pool: the same objects, the Status rewritten, and maybe one other element replaced by
    // another item or by a second Status; each read against the basis of the read before it.
    it('gives the report a whole read gives, whatever changed, read after read', () => {
      const change = fc.record({
        data: statusData,
        other: fc.constantFrom('none', 'item', 'status'),
        at: fc.nat(5),
      });
      fc.assert(
        fc.property(fc.array(item, { maxLength: 6 }), fc.array(change, { maxLength: 3 }), (pool, changes) => {
          let items = pool.map((i) => Object.freeze({ ...i }) as KvpItem);
          let basis = readGuestReportFrom(items, undefined);
          expect(basis.report).toEqual(readGuestReport(items));
          for (const { data, other, at } of changes) {
            items = items.map((i, n) => {
              if (other !== 'none' && n === at % items.length)
                return other === 'status' ? { name: STATUS, data, source: 1 } : { ...i, data: `${i.data} ` };
              return i.name === STATUS && i.source === 1 ? ({ ...i, data } as KvpItem) : i;
            });
            basis = readGuestReportFrom(items, basis);
            expect(basis.report).toEqual(readGuestReport(items));
          }
        }),
      );
    });

    it('reads only the Status again when it alone changed', () => {
      const ring = guestItems({ 'AvmaAgent.Event.0': JSON.stringify(guestEvent({ recordId: 5 })) });
      const first = [...ring, ...guestItems({ [STATUS]: valid })];
      const basis = readGuestReportFrom(first, undefined);
      const second = [...ring, ...guestItems({ [STATUS]: 'not json' })];
      const next = readGuestReportFrom(second, basis);
      expect(next.report.events).toBe(basis.report.events);
      expect(next.report.status).toBeNull();
      expect(next.report.problems.map((p) => p.code)).toEqual(['STATUS_INVALID']);
    });
  });
});
