import { describe, expect, it } from 'vitest';
import { concludeLicence, type LicenceFacts } from '../../../agent/decide/licence-evidence.js';
import type { HostAvmaSighting } from '../../../agent/store/index.js';
import { status as kitStatus, last, NOW } from './decide-kit.js';

/** A guest agent status claiming AVMA activation unless overridden. */
const status: typeof kitStatus = (overrides = {}) =>
  kitStatus({ licenseStatus: 'licensed', channel: 'avma', ...overrides });

const HOUR = 3_600_000;
const WINDOW = 168 * HOUR;

function sighting(hoursAgo: number, notification: HostAvmaSighting['notification']): HostAvmaSighting {
  return { timeMs: NOW - hoursAgo * HOUR, notification, host: 'HV01' };
}

function facts(overrides: Partial<LicenceFacts> = {}): LicenceFacts {
  return {
    now: NOW,
    windowMs: WINDOW,
    claim: null,
    host: { lastEvent: null, lastSuccess: null },
    blocked: false,
    remembered: null,
    ...overrides,
  };
}

const success = (hoursAgo: number) => ({
  lastEvent: sighting(hoursAgo, 'avma-success'),
  lastSuccess: sighting(hoursAgo, 'avma-success'),
});

describe('agent/decide/licence-evidence', () => {
  it('concludes AVMA activation from a recent host 12310 success, with or without the guest agreeing', () => {
    expect(concludeLicence(facts({ host: success(2) }))).toMatchObject({
      licenseStatus: 'licensed',
      channel: 'avma',
      evidence: 'host',
      claimedChannel: null,
      problem: null,
    });
    const agreeing = concludeLicence(facts({ host: success(2), claim: status() }));
    expect(agreeing).toMatchObject({ licenseStatus: 'licensed', channel: 'avma', evidence: 'host+guest' });
  });

  it('does not conclude anything from a guest claiming AVMA activation the host never logged', () => {
    const claimed = concludeLicence(facts({ claim: status({ avmaHost: 'HV01' }) }));
    expect(claimed).toMatchObject({
      licenseStatus: 'unknown',
      channel: 'unknown',
      evidence: 'none',
      claimedLicenseStatus: 'licensed',
      claimedChannel: 'avma',
    });
    expect(claimed.problem?.code).toBe('GUEST_CLAIM_UNCORROBORATED');
    expect(claimed.problem?.message).toContain('"HV01"');
  });

  it('lets a host 12310 success corroborate only within the window', () => {
    const stale = concludeLicence(facts({ host: success(169), claim: status() }));
    expect(stale.problem?.code).toBe('GUEST_CLAIM_UNCORROBORATED');
    expect(concludeLicence(facts({ host: success(167), claim: status() })).evidence).toBe('host+guest');
  });

  it('does not take a host 12310 failure as activation, but as a request the host saw', () => {
    const failed = { lastEvent: sighting(1, 'invalid-host'), lastSuccess: null };
    expect(concludeLicence(facts({ host: failed }))).toMatchObject({
      licenseStatus: 'unknown',
      channel: 'avma',
      evidence: 'host',
    });
    const graceClaim = status({ licenseStatus: 'oot-grace' });
    expect(concludeLicence(facts({ host: failed, claim: graceClaim }))).toMatchObject({
      licenseStatus: 'oot-grace',
      channel: 'avma',
      evidence: 'host+guest',
    });
  });

  it('shows a claim of the tenant’s own key as the guest’s word, over an older host success', () => {
    const retail = concludeLicence(facts({ host: success(1), claim: status({ channel: 'retail' }) }));
    expect(retail).toMatchObject({ licenseStatus: 'licensed', channel: 'retail', evidence: 'guest' });
  });

  it('keeps a blocked VM’s last known channel after its agent wiped its items, licence unknown', () => {
    const before = last({ licenseStatus: 'licensed', channel: 'avma', evidence: 'host+guest' });
    const wiped = concludeLicence(facts({ blocked: true, remembered: before, host: success(1) }));
    expect(wiped).toMatchObject({ licenseStatus: 'unknown', channel: 'avma', evidence: 'guest' });
    const never = concludeLicence(facts({ blocked: true, remembered: null }));
    expect(never).toMatchObject({ licenseStatus: 'unknown', channel: 'unknown', evidence: 'none' });
  });
});
