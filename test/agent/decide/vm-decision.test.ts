import { describe, expect, it } from 'vitest';
import { intentText } from '../../../agent/decide/host-actions.js';
import { decideVm } from '../../../agent/decide/vm-decision.js';
import { REASON_CODES } from '../../../shared/avma/index.js';
import { hostItems, input, KEY_2019_DATACENTER, last, memory, NOW, reportOf, status } from './decide-kit.js';

const KEY = KEY_2019_DATACENTER;

describe('agent/decide/vm-decision', () => {
  it('pushes the AVMA key with intent 1 to an eligible unlicensed guest whose agent answers', () => {
    const decision = decideVm(input());
    expect(decision.licence).toMatchObject({
      licenseStatus: 'unlicensed',
      channel: 'gvlk',
      evidence: 'guest',
    });
    expect(decision).toMatchObject({
      block: null,
      blocked: false,
      problems: [],
    });
    expect(decision.eligibility).toEqual({ eligible: true, key: KEY, reasons: [] });
    expect(decision.actions.map((action) => [action.action, action.details])).toEqual([
      ['push-key', { seq: 1, partialKey: 'WMBMW', need: 'kms-client-key' }],
    ]);
  });

  it('continues the intent sequence from the audit trail, the host and the guest’s acknowledgement', () => {
    const seqOf = (over: Parameters<typeof input>[0]) => decideVm(input(over)).actions[0]?.details.seq;
    expect(seqOf({ memory: memory({ lastIntentSeq: 7, last: last({ channel: 'gvlk' }) }) })).toBe(8);
    expect(seqOf({ hostItems: hostItems('OTHER-KEY', intentText(11, 'install')) })).toBe(12);
    expect(seqOf({ report: reportOf(status({ seq: 20 })) })).toBe(21);
  });

  it('pushes nothing while the guest has not acknowledged the intent the host holds', () => {
    const decision = decideVm(
      input({ hostItems: hostItems(KEY, intentText(3, 'install')), report: reportOf(status({ seq: 2 })) }),
    );
    expect(decision.actions).toEqual([]);
  });

  it('pushes nothing twice: a re-run after the push plans no call', () => {
    const first = decideVm(input());
    const after = hostItems(KEY, intentText(1, 'install'));
    expect(first.actions[0]?.calls).toHaveLength(1);
    expect(
      decideVm(
        input({ hostItems: after, memory: memory({ lastIntentSeq: 1, last: last({ channel: 'gvlk' }) }) }),
      ).actions,
    ).toEqual([]);
  });

  it('records the guest’s refusal instead of pushing again', () => {
    const decision = decideVm(
      input({
        hostItems: hostItems(KEY, intentText(3, 'install')),
        report: reportOf(status({ seq: 3, refused: 'INSTALL_FAILED' })),
      }),
    );
    expect(decision.actions).toEqual([]);
    expect(decision.problems).toEqual([
      { code: 'GUEST_REFUSED', message: 'the guest agent refused install intent 3: INSTALL_FAILED' },
    ]);
  });

  it('sends a new intent when the guest acted on the last one and still needs the key', () => {
    const decision = decideVm(
      input({
        hostItems: hostItems(KEY, intentText(3, 'install')),
        report: reportOf(status({ seq: 3, channel: 'none', partialKey: null })),
      }),
    );
    expect(decision.actions.map((action) => [action.action, action.details.seq])).toEqual([
      ['send-intent', 4],
    ]);
  });

  it('never touches a guest licensed with the tenant’s own key', () => {
    for (const channel of ['retail', 'oem', 'mak'] as const) {
      const decision = decideVm(
        input({
          report: reportOf(status({ channel, licenseStatus: 'licensed' })),
          memory: memory({ last: last({ channel }) }),
        }),
      );
      expect(decision.eligibility.reasons).toEqual(['TENANT_KEY']);
      expect(decision.actions).toEqual([]);
    }
  });

  it('pushes nothing to a guest whose agent never answered, and leaves a GUEST_UNKNOWN VM alone', () => {
    expect(decideVm(input({ report: reportOf(null), memory: null })).actions).toEqual([]);
    const unknown = decideVm(input({ identity: null }));
    expect(unknown.eligibility.reasons).toEqual(['GUEST_UNKNOWN']);
    expect(unknown.actions).toEqual([]);
  });

  it('withdraws the offered key from an opted-out VM and reports OPTED_OUT', () => {
    const decision = decideVm(
      input({
        hostItems: hostItems(KEY, intentText(1, 'install')),
        memory: memory({ optedOut: true, last: last({ channel: 'gvlk' }) }),
      }),
    );
    expect(decision.eligibility.reasons).toEqual(['OPTED_OUT']);
    expect(decision.actions.map((action) => [action.action, action.reason])).toEqual([
      ['remove-host-items', 'OPTED_OUT: the tenant opted out; the AVMA key is withdrawn'],
    ]);
  });

  it('blocks and wipes when a guest that was on AVMA reports a retail key', () => {
    const decision = decideVm(
      input({
        hostItems: hostItems(KEY, intentText(2, 'install')),
        report: reportOf(status({ seq: 2, channel: 'retail', licenseStatus: 'licensed' })),
        memory: memory({ lastIntentSeq: 2 }),
      }),
    );
    expect(decision).toMatchObject({
      block: 'the guest reports a retail key where it held an AVMA key',
      blocked: true,
    });
    expect(decision.actions.map((action) => [action.action, action.details])).toEqual([
      ['send-wipe', { seq: 3 }],
      ['remove-host-items', { names: ['AvmaAgent.Key'] }],
    ]);
  });

  it('stops pushing to a blocked VM until an operator allows AVMA again', () => {
    const blocked = memory({
      avmaBlocked: true,
      last: last({ channel: 'unknown', licenseStatus: 'unknown' }),
    });
    const report = reportOf(status({ channel: 'none', partialKey: null }));
    const decision = decideVm(input({ report, memory: blocked }));
    expect(decision).toMatchObject({ block: null, blocked: true });
    expect(decision.actions.map((action) => action.action)).toEqual(['send-wipe']);
    const allowed = decideVm(input({ report, memory: { ...blocked, avmaBlocked: false } }));
    expect(allowed.actions.map((action) => action.action)).toEqual(['push-key']);
  });

  it('does not report a blocked guest’s deliberate silence as a problem', () => {
    const decision = decideVm(
      input({
        report: reportOf(null),
        memory: memory({ avmaBlocked: true, last: last({ licenseStatus: 'unknown', sinceMs: 0 }) }),
      }),
    );
    expect(decision.problems).toEqual([]);
  });

  it('reports GUEST_AGENT_SILENT for an eligible Windows Server guest silent for N sweeps', () => {
    const silent = memory({
      last: last({ licenseStatus: 'unknown', channel: 'unknown', sinceMs: NOW - 3 * 900_000 }),
    });
    expect(decideVm(input({ report: reportOf(null), memory: silent })).problems.map((p) => p.code)).toEqual([
      'GUEST_AGENT_SILENT',
    ]);
  });

  it('keeps the problems of a hostile report and trusts nothing in it', () => {
    const report = reportOf(null);
    const hostile = {
      ...report,
      statusPresent: true,
      problems: [{ code: 'STATUS_INVALID', message: 'status.licenseStatus: expected …' }],
    };
    const decision = decideVm(input({ report: hostile }));
    expect(decision.licence).toMatchObject({
      licenseStatus: 'unknown',
      channel: 'unknown',
      evidence: 'none',
    });
    expect(decision.actions).toEqual([]);
    expect(decision.problems.map((p) => p.code)).toEqual(['STATUS_INVALID']);
  });

  it('reports every eligibility reason in contract order and pushes nothing to an ineligible guest', () => {
    const decision = decideVm(
      input({
        host: { version: '2016', build: 14393, edition: 'standard', activated: false },
        vm: { id: 'x', state: 'Running', dataExchange: false },
        report: reportOf(status({ channel: 'retail' })),
        memory: memory({ optedOut: true, last: last({ channel: 'retail' }) }),
      }),
    );
    const reasons = decision.eligibility.reasons;
    expect(reasons).toEqual([
      'HOST_NOT_DATACENTER',
      'HOST_NOT_ACTIVATED',
      'HOST_TOO_OLD',
      'DATA_EXCHANGE_DISABLED',
      'TENANT_KEY',
      'OPTED_OUT',
    ]);
    expect([...reasons].sort((a, b) => REASON_CODES.indexOf(a) - REASON_CODES.indexOf(b))).toEqual(reasons);
  });

  it('refuses to send an intent past the protocol’s largest seq', () => {
    const decision = decideVm(
      input({ memory: memory({ lastIntentSeq: Number.MAX_SAFE_INTEGER, last: last({ channel: 'gvlk' }) }) }),
    );
    expect(decision.actions).toEqual([]);
    expect(decision.problems.map((p) => p.code)).toEqual(['INTENT_SEQ_EXHAUSTED']);
  });
});
