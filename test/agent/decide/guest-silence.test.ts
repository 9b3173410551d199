import { describe, expect, it } from 'vitest';
import { silenceProblem } from '../../../agent/decide/guest-silence.js';
import { last, NOW } from './decide-kit.js';

const AFTER = 45 * 60_000;
const silentSince = (sinceMs: number) => last({ licenseStatus: 'unknown', channel: 'unknown', sinceMs });

describe('agent/decide/guest-silence', () => {
  it('records nothing before the guest has been silent for N sweeps', () => {
    expect(
      silenceProblem({
        now: NOW,
        agentExpected: true,
        statusPresent: false,
        last: silentSince(NOW - AFTER + 1),
        silentAfterMs: AFTER,
      }),
    ).toBeNull();
  });

  it('records GUEST_AGENT_SILENT once the silence reaches N sweeps, naming when it started', () => {
    const problem = silenceProblem({
      now: NOW,
      agentExpected: true,
      statusPresent: false,
      last: silentSince(NOW - AFTER),
      silentAfterMs: AFTER,
    });
    expect(problem).toEqual({
      code: 'GUEST_AGENT_SILENT',
      message: expect.stringMatching(
        /^no AvmaAgent\.Status from the guest agent since 2026-11-10T11:15:00\.000Z; expected/,
      ),
    });
  });

  it('keeps the recorded problem unchanged while the silence lasts (no new observation interval)', () => {
    const recorded = { code: 'GUEST_AGENT_SILENT', message: 'since then' };
    const previous = last({
      licenseStatus: 'unknown',
      channel: 'unknown',
      sinceMs: NOW - 60_000,
      problems: [recorded],
    });
    expect(
      silenceProblem({
        now: NOW,
        agentExpected: true,
        statusPresent: false,
        last: previous,
        silentAfterMs: AFTER,
      }),
    ).toBe(recorded);
  });

  it('starts counting afresh when the guest answered before (its last observation had a licence)', () => {
    expect(
      silenceProblem({
        now: NOW,
        agentExpected: true,
        statusPresent: false,
        last: last({ sinceMs: 0 }),
        silentAfterMs: AFTER,
      }),
    ).toBeNull();
    expect(
      silenceProblem({ now: NOW, agentExpected: true, statusPresent: false, last: null, silentAfterMs: 0 }),
    ).not.toBeNull();
  });

  it('records nothing where no agent is expected or a status is present', () => {
    const old = silentSince(0);
    expect(
      silenceProblem({
        now: NOW,
        agentExpected: false,
        statusPresent: false,
        last: old,
        silentAfterMs: AFTER,
      }),
    ).toBeNull();
    expect(
      silenceProblem({ now: NOW, agentExpected: true, statusPresent: true, last: old, silentAfterMs: AFTER }),
    ).toBeNull();
  });
});
