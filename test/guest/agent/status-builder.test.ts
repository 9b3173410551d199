import { describe, expect, it } from 'vitest';
import { FRESH_STATE } from '../../../guest/agent/agent-state.js';
import { buildStatus } from '../../../guest/agent/status-builder.js';
import { TickLog } from '../../../guest/agent/tick-report.js';
import type { LicenseFacts } from '../../../guest/platform/guest-platform.js';

/** Values of a real Server 2019 `slmgr /dlv` in Notification state (PROVENANCE: transcript id 54747629856). */
const NOTIFICATION_GVLK: LicenseFacts = {
  licenseStatus: 5,
  licenseStatusReason: '0xc004f00f',
  description: 'Windows(R) Operating System, VOLUME_KMSCLIENT channel',
  partialProductKey: 'J464C',
  productKeyChannel: 'Volume:GVLK',
  gracePeriodRemainingMinutes: 0,
  avmaHostMachineName: null,
  avmaLastActivationTime: null,
};

function build(license: LicenseFacts) {
  const log = new TickLog();
  const status = buildStatus({ state: FRESH_STATE, license, channel: 'gvlk', agentVersion: '0.1.0' }, log);
  return { status, problems: log.report(false, null).problems };
}

describe('guest/agent/status-builder', () => {
  it('reports a KMS client in Notification with its LicenseStatusReason as the last HRESULT', () => {
    expect(build(NOTIFICATION_GVLK)).toEqual({
      status: {
        v: 1,
        seq: 0,
        licenseStatus: 'notification',
        channel: 'gvlk',
        partialKey: 'J464C',
        avmaHost: null,
        lastActivation: null,
        graceMinutes: 0,
        lastHresult: '0xC004F00F',
        agentVersion: '0.1.0',
        refused: null,
      },
      problems: [],
    });
  });

  it('writes no status when LicenseStatus is outside 0..6', () => {
    expect(build({ ...NOTIFICATION_GVLK, licenseStatus: 99 })).toEqual({
      status: null,
      problems: [{ code: 'LICENSE_FACTS_INVALID', message: 'LicenseStatus is 99, expected an integer 0..6' }],
    });
  });

  it('writes no status when the grace minutes are negative', () => {
    expect(build({ ...NOTIFICATION_GVLK, gracePeriodRemainingMinutes: -1 }).status).toBeNull();
  });

  it('drops a time past year 9999, which the status could not carry', () => {
    const { status, problems } = build({
      ...NOTIFICATION_GVLK,
      avmaLastActivationTime: '+010000-01-01T00:00:00Z',
    });
    expect(status?.lastActivation).toBeNull();
    expect(problems.map((problem) => problem.code)).toEqual(['STATUS_FIELD_DROPPED']);
  });

  it('drops a partial key outside the key alphabet and a time that is not a date', () => {
    const { status, problems } = build({
      ...NOTIFICATION_GVLK,
      partialProductKey: 'AAAAA',
      avmaLastActivationTime: 'soon',
    });
    expect(status).toMatchObject({ partialKey: null, lastActivation: null });
    expect(problems.map((problem) => problem.code)).toEqual(['STATUS_FIELD_DROPPED', 'STATUS_FIELD_DROPPED']);
  });
});
