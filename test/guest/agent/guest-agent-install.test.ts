import { describe, expect, it } from 'vitest';
import { GuestPlatformError } from '../../../guest/platform/guest-platform.js';
import { parseGuestEvent } from '../../../shared/protocol/index.js';
import {
  AVMA_2016_STANDARD,
  AVMA_2019_DATACENTER,
  AVMA_2019_STANDARD,
  GVLK_2019_STANDARD,
  kinds,
  push,
  RETAIL_KEY,
  setup,
  statusIn,
} from './agent-harness.js';

describe('guest/agent/guest-agent (install intents)', () => {
  describe('install', () => {
    it('installs the table key for its own version and edition, activates, and reports Licensed via AVMA', async () => {
      const { platform, agent } = setup();
      push(platform, 1, 'install', AVMA_2019_STANDARD);
      const report = await agent.tick();
      expect(platform.calls).toContain(`installProductKey ${AVMA_2019_STANDARD}`);
      expect(kinds(report)).toEqual([
        'key-installed',
        'activation-requested',
        'intent-acknowledged',
        'event-forwarded',
        'status-written',
      ]);
      expect(report.problems).toEqual([]);
      expect(statusIn(platform)).toEqual({
        v: 1,
        seq: 1,
        licenseStatus: 'licensed',
        channel: 'avma',
        partialKey: '4GF74',
        avmaHost: 'HV01',
        lastActivation: '2026-11-05T10:00:00.000Z',
        graceMinutes: 10080,
        lastHresult: '0x00000000',
        agentVersion: '0.1.0',
        refused: null,
      });
    });

    it('replaces a KMS client key (GVLK) with the AVMA key', async () => {
      const { platform, agent } = setup();
      platform.tenantInstalls(GVLK_2019_STANDARD, 'VOLUME_KMSCLIENT');
      push(platform, 1, 'install', AVMA_2019_STANDARD);
      await agent.tick();
      expect(platform.installedKey).toBe(AVMA_2019_STANDARD);
    });

    it('does not reinstall a key it already holds, but still asks for activation', async () => {
      const { platform, agent } = setup();
      push(platform, 1, 'install', AVMA_2019_STANDARD);
      await agent.tick();
      push(platform, 2, 'install', AVMA_2019_STANDARD);
      const report = await agent.tick();
      expect(kinds(report).slice(0, 3)).toEqual([
        'key-already-installed',
        'activation-requested',
        'intent-acknowledged',
      ]);
      expect(platform.calls.filter((call) => call.startsWith('installProductKey'))).toHaveLength(1);
    });

    it('reports the host refusal from slmgr /ato and the forwarded 12309 event', async () => {
      const { platform, agent } = setup();
      platform.hostAnswer = 'host-not-activated';
      push(platform, 1, 'install', AVMA_2019_STANDARD);
      const report = await agent.tick();
      expect(report.problems.map((problem) => problem.code)).toEqual(['ACTIVATION_FAILED']);
      const status = statusIn(platform);
      expect(status).toMatchObject({
        licenseStatus: 'oob-grace',
        channel: 'avma',
        lastHresult: '0xC004FD02',
      });
      const event = parseGuestEvent(platform.guest.get('AvmaAgent.Event.0'));
      expect(event).toMatchObject({
        ok: true,
        value: { notification: 'invalid-host', hresult: '0xC004FD02', host: 'HV01' },
      });
    });
  });

  describe('refusing keys not meant for this guest', () => {
    it.each([
      ['a GVLK sent as the AVMA key', GVLK_2019_STANDARD],
      ["another edition's AVMA key", AVMA_2019_DATACENTER],
      ['an AVMA key for another version', AVMA_2016_STANDARD],
      ['the right key in lower case', AVMA_2019_STANDARD.toLowerCase()],
      ['the right key with a trailing space', `${AVMA_2019_STANDARD} `],
    ])('refuses %s and installs nothing', async (_label, key) => {
      const { platform, agent } = setup();
      push(platform, 4, 'install', key);
      const report = await agent.tick();
      expect(report.actions).toContainEqual({ kind: 'key-refused', reason: 'KEY_NOT_FOR_THIS_GUEST' });
      expect(platform.calls.some((call) => call.startsWith('installProductKey') || call === 'activate')).toBe(
        false,
      );
      expect(statusIn(platform)).toMatchObject({
        seq: 4,
        refused: 'KEY_NOT_FOR_THIS_GUEST',
        channel: 'none',
      });
    });

    it("never replaces the tenant's retail key, even with the right AVMA key", async () => {
      const { platform, agent } = setup();
      platform.tenantInstalls(RETAIL_KEY, 'RETAIL');
      platform.licenseStatus = 1;
      push(platform, 1, 'install', AVMA_2019_STANDARD);
      await agent.tick();
      expect(platform.installedKey).toBe(RETAIL_KEY);
      expect(statusIn(platform)).toMatchObject({
        refused: 'TENANT_KEY',
        channel: 'retail',
        licenseStatus: 'licensed',
      });
    });

    it('refuses on an Evaluation edition before slmgr could fail with 0xC004F069', async () => {
      const { platform, agent } = setup();
      platform.os = { os: 'windows-server', version: '2019', edition: 'standard', evaluation: true };
      push(platform, 1, 'install', AVMA_2019_STANDARD);
      await agent.tick();
      expect(platform.calls.some((call) => call.startsWith('installProductKey'))).toBe(false);
      expect(statusIn(platform).refused).toBe('EVALUATION');
    });

    it('refuses an install intent that comes without a key', async () => {
      const { platform, agent } = setup();
      push(platform, 1, 'install');
      await agent.tick();
      expect(statusIn(platform).refused).toBe('NO_KEY');
    });

    it('records slmgr /ipk failures as INSTALL_FAILED with the HRESULT', async () => {
      const { platform, agent } = setup();
      platform.failNext(
        'installProductKey',
        new GuestPlatformError('KEY_REJECTED', 'Error: 0xC004F050', '0xC004F050'),
      );
      push(platform, 1, 'install', AVMA_2019_STANDARD);
      await agent.tick();
      expect(statusIn(platform)).toMatchObject({
        refused: 'INSTALL_FAILED',
        lastHresult: '0xC004F050',
        seq: 1,
      });
    });
  });
});
