import { describe, expect, it } from 'vitest';
import { GuestAgent } from '../../../guest/agent/guest-agent.js';
import { GuestAgentError } from '../../../guest/agent/guest-agent-error.js';
import {
  INTENT_ITEM,
  KEY_ITEM,
  PROTOCOL_MAX_VALUE_UNITS,
  parseGuestEvent,
  STATUS_ITEM,
  utf8ByteLength,
} from '../../../shared/protocol/index.js';
import { FakeGuestPlatform } from '../fake-platform.js';
import {
  AVMA_2019_STANDARD,
  GVLK_2019_STANDARD,
  kinds,
  push,
  RETAIL_KEY,
  setup,
  statusIn,
} from './agent-harness.js';

describe('guest/agent/guest-agent', () => {
  describe('status reporting', () => {
    it('reports a guest that received no intent yet, with seq 0', async () => {
      const { platform, agent } = setup();
      platform.tenantInstalls(GVLK_2019_STANDARD, 'VOLUME_KMSCLIENT');
      const report = await agent.tick();
      expect(report.status).toMatchObject({
        seq: 0,
        channel: 'gvlk',
        partialKey: 'J464C',
        licenseStatus: 'oob-grace',
      });
    });

    it('keeps every value it writes within 1022 UTF-16 units and 1022 UTF-8 bytes', async () => {
      const { platform, agent } = setup();
      platform.hostName = `H${'x'.repeat(254)}`;
      push(platform, 1, 'install', AVMA_2019_STANDARD);
      await agent.tick();
      for (const value of platform.guest.values()) {
        expect(value.length).toBeLessThanOrEqual(PROTOCOL_MAX_VALUE_UNITS);
        expect(utf8ByteLength(value)).toBeLessThanOrEqual(PROTOCOL_MAX_VALUE_UNITS);
      }
    });

    it('does not rewrite an unchanged status', async () => {
      const { platform, agent } = setup();
      await agent.tick();
      const report = await agent.tick();
      expect(kinds(report)).toEqual([]);
      expect(platform.writes().filter((call) => call === `writeGuestItem ${STATUS_ITEM}`)).toHaveLength(1);
    });

    it('drops a host name that breaks the protocol to null and says so', async () => {
      const { platform, agent } = setup();
      platform.hostName = 'HV 01';
      push(platform, 1, 'install', AVMA_2019_STANDARD);
      const report = await agent.tick();
      expect(report.status?.avmaHost).toBeNull();
      expect(report.problems.map((problem) => problem.code)).toContain('STATUS_FIELD_DROPPED');
    });
  });

  describe('event ring', () => {
    it('writes 12309 events oldest first into consecutive slots and wraps after eight', async () => {
      const { platform, agent } = setup();
      for (let i = 0; i < 10; i++) platform.logEvent(`AVMA Success. Result code: 0x00000000 (#${i})`);
      const first = await agent.tick();
      const forwarded = first.actions.filter((action) => action.kind === 'event-forwarded');
      expect(forwarded.map((action) => ('slot' in action ? action.slot : -1))).toEqual([
        0, 1, 2, 3, 4, 5, 6, 7,
      ]);
      expect(forwarded.map((action) => ('recordId' in action ? action.recordId : -1))).toEqual([
        1002, 1003, 1004, 1005, 1006, 1007, 1008, 1009,
      ]);
      platform.logEvent('Activation Denied. Result code: 0xC004FD03');
      const second = await agent.tick();
      expect(second.actions).toContainEqual({ kind: 'event-forwarded', slot: 0, recordId: 1010 });
      expect(parseGuestEvent(platform.guest.get('AvmaAgent.Event.0'))).toMatchObject({
        ok: true,
        value: { recordId: 1010, notification: 'activation-denied', hresult: '0xC004FD03' },
      });
    });

    it('does not forward the same event twice across restarts', async () => {
      const { platform } = setup();
      platform.logEvent('AVMA Success. Result code: 0x00000000');
      await new GuestAgent(platform, { agentVersion: '0.1.0' }).tick();
      const restarted = await new GuestAgent(platform, { agentVersion: '0.1.0' }).tick();
      expect(kinds(restarted)).not.toContain('event-forwarded');
    });
  });

  describe('wipe', () => {
    async function installed(): Promise<{ platform: FakeGuestPlatform; agent: GuestAgent }> {
      const context = setup();
      context.platform.guest.set('TenantApp.Version', '3.1');
      push(context.platform, 1, 'install', AVMA_2019_STANDARD);
      await context.agent.tick();
      return context;
    }

    it('deletes only its own AvmaAgent.* items on a wipe intent', async () => {
      const { platform, agent } = await installed();
      platform.guest.set('AvmaAgent.Leftover', 'x');
      push(platform, 2, 'wipe');
      const report = await agent.tick();
      expect([...platform.guest.keys()]).toEqual(['TenantApp.Version']);
      expect(report.silent).toBe(true);
      expect(report.actions).toContainEqual(
        expect.objectContaining({ kind: 'items-wiped', reason: 'intent' }),
      );
    });

    it('wipes when it sees its AVMA key replaced by a retail key', async () => {
      const { platform, agent } = await installed();
      platform.tenantInstalls(RETAIL_KEY, 'RETAIL');
      const report = await agent.tick();
      expect(report.actions).toContainEqual(
        expect.objectContaining({ kind: 'items-wiped', reason: 'key-replaced' }),
      );
      expect([...platform.guest.keys()]).toEqual(['TenantApp.Version']);
    });

    it('wipes when the AVMA key gave way to a KMS client key, even after a keyless pass', async () => {
      const { platform, agent } = await installed();
      platform.installedKey = null;
      platform.keyChannel = null;
      expect((await agent.tick()).silent).toBe(false);
      platform.tenantInstalls(GVLK_2019_STANDARD, 'VOLUME_KMSCLIENT');
      expect((await agent.tick()).silent).toBe(true);
    });

    it('stays silent after a wipe until a newer install intent arrives', async () => {
      const { platform, agent } = await installed();
      platform.tenantInstalls(RETAIL_KEY, 'RETAIL');
      await agent.tick();
      const before = platform.writes().length;
      platform.logEvent('Invalid Host. Result code: 0xC004FD01');
      for (let i = 0; i < 3; i++) expect((await agent.tick()).silent).toBe(true);
      push(platform, 1, 'install', AVMA_2019_STANDARD);
      await agent.tick();
      expect(platform.writes().length).toBe(before);
      push(platform, 2, 'install', AVMA_2019_STANDARD);
      const resumed = await agent.tick();
      expect(resumed.silent).toBe(false);
      expect(resumed.actions).toContainEqual({ kind: 'key-refused', reason: 'TENANT_KEY' });
      expect(statusIn(platform)).toMatchObject({ seq: 2, channel: 'retail', refused: 'TENANT_KEY' });
    });
  });

  describe('sequence numbers', () => {
    it('acts on an intent once, however many passes see it', async () => {
      const { platform, agent } = setup();
      push(platform, 9, 'install', AVMA_2019_STANDARD);
      await agent.tick();
      await agent.tick();
      await new GuestAgent(platform, { agentVersion: '0.1.0' }).tick();
      expect(platform.calls.filter((call) => call === 'activate')).toHaveLength(1);
      expect(statusIn(platform).seq).toBe(9);
    });

    it('ignores an intent with an older seq than the one acknowledged', async () => {
      const { platform, agent } = setup();
      push(platform, 9, 'install', AVMA_2019_STANDARD);
      await agent.tick();
      push(platform, 3, 'wipe');
      const report = await agent.tick();
      expect(kinds(report)).not.toContain('items-wiped');
    });

    it('does not acknowledge an intent when it could not read the licence, and retries it', async () => {
      const { platform, agent } = setup();
      push(platform, 1, 'install', AVMA_2019_STANDARD);
      platform.failNext('licenseFacts');
      const failedPass = await agent.tick();
      expect(kinds(failedPass)).not.toContain('intent-acknowledged');
      expect(failedPass.problems[0]?.message).toBe('reading the licence facts failed: licenseFacts broke');
      expect(kinds(await agent.tick())).toContain('intent-acknowledged');
    });

    it('joins a pass already running instead of starting a second one', async () => {
      const { platform, agent } = setup();
      push(platform, 1, 'install', AVMA_2019_STANDARD);
      const [a, b] = await Promise.all([agent.tick(), agent.tick()]);
      expect(a).toBe(b);
      expect(platform.calls.filter((call) => call === 'loadState')).toHaveLength(1);
    });
  });

  describe('state', () => {
    // The agent remembers the state text it last read or saved so that unchanged passes skip parsing;
    // a file someone else changed between two passes of the SAME agent must still be read in full.
    it('reads a state file changed by someone else between two passes of the same agent', async () => {
      const { platform, agent } = setup();
      await agent.tick();
      platform.state = '{"v":1,"lastSeq":"lots"';
      const report = await agent.tick();
      expect(report.problems.map((problem) => problem.code)).toEqual(['STATE_CORRUPT']);
      expect(JSON.parse(platform.state ?? '')).toMatchObject({ v: 1, lastSeq: 0 });
    });

    it('acts on the values of a state written by someone else between two passes', async () => {
      const { platform, agent } = setup();
      await agent.tick();
      platform.state = JSON.stringify({ ...JSON.parse(platform.state ?? '{}'), lastSeq: 9 });
      push(platform, 5, 'wipe');
      const report = await agent.tick();
      expect(kinds(report)).not.toContain('items-wiped');
      expect(statusIn(platform).seq).toBe(9);
    });

    it('starts fresh from a corrupt state file and records the problem', async () => {
      const { platform, agent } = setup();
      platform.state = '{"v":1,"lastSeq":"lots"';
      const report = await agent.tick();
      expect(report.problems).toContainEqual({
        code: 'STATE_CORRUPT',
        message: "state is not valid JSON, expected the agent's JSON state; starting fresh",
      });
      expect(JSON.parse(platform.state ?? '')).toMatchObject({ v: 1, lastSeq: 0 });
    });

    it('starts fresh from a state with a foreign field', async () => {
      const { platform, agent } = setup();
      await agent.tick();
      platform.state = JSON.stringify({ ...JSON.parse(platform.state ?? '{}'), admin: true });
      const report = await new GuestAgent(platform, { agentVersion: '0.1.0' }).tick();
      expect(report.problems).toEqual([
        {
          code: 'STATE_CORRUPT',
          message: 'state has an unknown field "admin", expected the agent\'s JSON state; starting fresh',
        },
      ]);
    });

    it('does nothing when the state cannot be loaded at all', async () => {
      const { platform, agent } = setup();
      platform.failNext('loadState');
      const report = await agent.tick();
      expect(report.problems.map((problem) => problem.code)).toEqual(['PLATFORM_FAILED']);
      expect(platform.calls).toEqual(['loadState']);
    });
  });

  describe('hostile External values', () => {
    it('records an oversized intent as a problem and does nothing for it', async () => {
      const { platform, agent } = setup();
      platform.external.set(KEY_ITEM, AVMA_2019_STANDARD);
      platform.external.set(INTENT_ITEM, `{"v":1,"seq":1,"action":"install","pad":"${'x'.repeat(5000)}"}`);
      const report = await agent.tick();
      expect(report.problems).toContainEqual({
        code: 'INTENT_INVALID',
        message: 'AvmaAgent.Intent: intent: value is 5043 UTF-16 units, expected at most 1022',
      });
      expect(platform.installedKey).toBeNull();
    });

    it('records an intent that is not JSON and still reports status', async () => {
      const { platform, agent } = setup();
      platform.external.set(INTENT_ITEM, '{"v":1,"seq":1,');
      const report = await agent.tick();
      expect(report.problems.map((problem) => problem.code)).toEqual(['INTENT_INVALID']);
      expect(report.status).not.toBeNull();
    });

    it('refuses an oversized key item without comparing it', async () => {
      const { platform, agent } = setup();
      push(platform, 1, 'install', AVMA_2019_STANDARD.repeat(200));
      const report = await agent.tick();
      expect(report.problems.map((problem) => problem.code)).toContain('KEY_ITEM_INVALID');
      expect(report.actions).toContainEqual({ kind: 'key-refused', reason: 'NO_KEY' });
    });
  });

  it('refuses an agent version the status could not carry', () => {
    expect(() => new GuestAgent(new FakeGuestPlatform(), { agentVersion: 'v 1' })).toThrow(GuestAgentError);
  });
});
