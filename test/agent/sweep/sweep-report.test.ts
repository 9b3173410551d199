import { describe, expect, it } from 'vitest';
import { type HostReport, hostLine, sweepTotals } from '../../../agent/sweep/sweep-report.js';

const OK: HostReport = {
  host: 'HV01',
  outcome: 'ok',
  vms: 19,
  eligible: 9,
  pushed: 3,
  wiped: 0,
  newEvents: 4,
  problems: 2,
  deleted: 0,
  durationMs: 12.4,
  collectors: [],
  error: null,
};

describe('agent/sweep/sweep-report', () => {
  it('prints one line per host with its counts and duration', () => {
    expect(hostLine(OK)).toBe(
      'HV01: 19 VMs, 9 eligible, 3 pushed, 0 wiped, 4 new events, 2 with problems, 12 ms',
    );
  });

  it('says why a host is stale, which collectors failed, and when nothing was recorded', () => {
    expect(hostLine({ ...OK, outcome: 'stale', error: 'HOST_UNAVAILABLE: down', durationMs: 0.5 })).toBe(
      'HV01: stale, history kept (HOST_UNAVAILABLE: down), 0.5 ms',
    );
    const failed = { name: 'host-events', enabled: true, durationMs: 1, success: false, error: 'x' } as const;
    expect(hostLine({ ...OK, outcome: 'partial', collectors: [failed], deleted: 1 })).toContain(
      ', 1 deleted (failed: host-events), 12 ms',
    );
    expect(
      hostLine({ ...OK, outcome: 'not-recorded', error: 'LOCKED: database a.sqlite is locked' }),
    ).toMatch(/ — NOT RECORDED: LOCKED: database a\.sqlite is locked$/);
  });

  it('says who holds a host another agent sweeps, without calling it stale or failed', () => {
    const held: HostReport = {
      ...OK,
      outcome: 'held',
      vms: 0,
      error: 'held by agent-b until 2026-11-01T00:01:00.000Z',
    };
    expect(hostLine(held)).toBe('HV01: held by agent-b until 2026-11-01T00:01:00.000Z');
    expect(sweepTotals([OK, held])).toMatchObject({ hosts: 2, held: 1, stale: 0, notRecorded: 0 });
  });

  it('sums a round', () => {
    expect(sweepTotals([OK, { ...OK, host: 'HV02', outcome: 'stale', vms: 0 }])).toEqual({
      hosts: 2,
      stale: 1,
      notRecorded: 0,
      held: 0,
      vms: 19,
      eligible: 18,
      pushed: 6,
      wiped: 0,
      newEvents: 8,
      problems: 4,
    });
  });
});
