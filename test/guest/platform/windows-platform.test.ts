import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GuestAgent } from '../../../guest/agent/guest-agent.js';
import { GuestPlatformError } from '../../../guest/platform/guest-platform.js';
import { windowsPaths } from '../../../guest/platform/windows/windows-paths.js';
import { WindowsGuestPlatform } from '../../../guest/platform/windows-platform.js';
import { INTENT_ITEM, parseIntent } from '../../../shared/protocol/index.js';
import { loadRecordings, RecordedRunner } from '../recorded-runner.js';

const ENV = { SystemRoot: 'C:\\Windows', ProgramData: 'C:\\ProgramData' };
const SCRIPTS = 'C:\\Program Files\\avma-agent\\guest\\platform\\scripts';
const PATHS = windowsPaths(ENV, SCRIPTS);

function replaying(file: string, stateFile = join(tmpdir(), 'never-used-state.json')) {
  const runner = new RecordedRunner(PATHS, loadRecordings(file));
  const platform = new WindowsGuestPlatform({
    runner: runner.run,
    env: ENV,
    scriptsDirectory: SCRIPTS,
    stateFile,
  });
  return { platform, runner };
}

async function rejection(promise: Promise<unknown>): Promise<GuestPlatformError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof GuestPlatformError) return error;
    throw error;
  }
  throw new Error('expected a GuestPlatformError');
}

describe('guest/platform/windows-platform', () => {
  it('runs Windows PowerShell 5.1 and slmgr.vbs from absolute System32 paths', () => {
    expect(PATHS).toEqual({
      powershell: 'C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe',
      cscript: 'C:\\Windows\\System32\\cscript.exe',
      slmgr: 'C:\\Windows\\System32\\slmgr.vbs',
      scripts: SCRIPTS,
      stateFile: 'C:\\ProgramData\\avma-agent\\guest-state.json',
    });
  });

  describe('KVP pools', () => {
    it('reads the External pool, non-ASCII text included', async () => {
      const { platform, runner } = replaying('kvp-read-external.json');
      const items = await platform.readExternalItems();
      expect([...items.entries()]).toEqual([
        ['AvmaAgent.Key', 'TNK62-RXVTB-4P47B-2D623-4GF74'],
        ['AvmaAgent.Intent', '{"v":1,"seq":3,"action":"install"}'],
        ['Contoso.Größe', 'Würfel — 3'],
      ]);
      runner.assertAllUsed();
    });

    it('hands an oversized value over cut, still too large for the protocol', async () => {
      const { platform } = replaying('kvp-read-oversized.json');
      const intent = (await platform.readExternalItems()).get(INTENT_ITEM);
      expect(intent).toHaveLength(2049);
      expect(parseIntent(intent)).toMatchObject({ ok: false, problem: { code: 'TOO_LARGE' } });
    });

    it('writes a status as the request of kvp-write', async () => {
      const { platform, runner } = replaying('kvp-write-status.json');
      const [recording] = loadRecordings('kvp-write-status.json');
      const data = (recording as { request: { data: string } }).request.data;
      await platform.writeGuestItem('AvmaAgent.Status', data);
      runner.assertAllUsed();
    });

    it('deletes existing and missing items alike', async () => {
      const { platform, runner } = replaying('kvp-delete.json');
      await platform.deleteGuestItem('AvmaAgent.Status');
      await platform.deleteGuestItem('AvmaAgent.Event.7');
      runner.assertAllUsed();
    });

    it.each(['TenantApp.Version', 'AvmaAgent.*', 'AvmaAgent.Status;whoami', 'AvmaAgent.[a-z]'])(
      'refuses to touch %j without starting PowerShell',
      async (name) => {
        const { platform, runner } = replaying('license-facts-no-key.json');
        expect((await rejection(platform.deleteGuestItem(name))).code).toBe('COMMAND_FAILED');
        expect((await rejection(platform.writeGuestItem(name, 'x'))).code).toBe('COMMAND_FAILED');
        expect(runner.calls).toEqual([]);
      },
    );

    it('refuses to write a value over 1022 UTF-16 units or 1022 UTF-8 bytes', async () => {
      const { platform, runner } = replaying('license-facts-no-key.json');
      const long = await rejection(platform.writeGuestItem('AvmaAgent.Status', 'x'.repeat(1023)));
      expect(long.message).toBe(
        'refusing to write AvmaAgent.Status: value is 1023 UTF-16 units, expected at most 1022',
      );
      const wide = await rejection(platform.writeGuestItem('AvmaAgent.Status', 'é'.repeat(600)));
      expect(wide.message).toBe(
        'refusing to write AvmaAgent.Status: value is 1200 UTF-8 bytes, expected at most 1022',
      );
      expect(runner.calls).toEqual([]);
    });

    it('reports a registry SecurityException as ACCESS_DENIED', async () => {
      const { platform } = replaying('kvp-read-access-denied.json');
      const error = await rejection(platform.readGuestItems());
      expect(error.code).toBe('ACCESS_DENIED');
      expect(error.message).toBe('kvp-read.ps1 failed: Requested registry access is not allowed.');
    });

    it('reports a script blocked by an execution policy as BAD_OUTPUT', async () => {
      const { platform } = replaying('script-blocked-by-policy.json');
      const error = await rejection(platform.osFacts());
      expect(error.code).toBe('BAD_OUTPUT');
      expect(error.message).toBe('os-facts.ps1 printed 0 result lines, expected 1');
    });
  });

  describe('licence facts', () => {
    it('reads an AVMA-activated licence', async () => {
      const { platform } = replaying('license-facts-avma-licensed.json');
      expect(await platform.licenseFacts()).toEqual({
        licenseStatus: 1,
        licenseStatusReason: null,
        description: 'Windows(R) Operating System, VIRTUAL_MACHINE_ACTIVATION channel',
        partialProductKey: '4GF74',
        productKeyChannel: null,
        gracePeriodRemainingMinutes: 9825,
        avmaHostMachineName: 'HV01',
        avmaLastActivationTime: '2026-11-05T10:00:00.000Z',
      });
    });

    it('skips an add-on licence and formats LicenseStatusReason as an HRESULT', async () => {
      const { platform } = replaying('license-facts-kms-notification-with-addon.json');
      expect(await platform.licenseFacts()).toMatchObject({
        licenseStatus: 5,
        licenseStatusReason: '0xC004F00F',
        partialProductKey: 'J464C',
        productKeyChannel: 'Volume:GVLK',
        avmaLastActivationTime: null,
      });
    });

    it('converts WMI DMTF times, treats 1601-01-01 as never, and reads a signed reason', async () => {
      const { platform } = replaying('license-facts-dmtf-times.json');
      expect(await platform.licenseFacts()).toMatchObject({
        avmaLastActivationTime: '2026-11-05T10:30:00.000Z',
        licenseStatusReason: '0xC004FD02',
      });
      expect((await platform.licenseFacts()).avmaLastActivationTime).toBeNull();
    });

    it('reports an unlicensed, keyless Windows when no product has a key', async () => {
      const { platform } = replaying('license-facts-no-key.json');
      expect(await platform.licenseFacts()).toMatchObject({
        licenseStatus: 0,
        partialProductKey: null,
        description: '',
      });
    });
  });

  it('maps Win32_OperatingSystem to version, edition and evaluation', async () => {
    const { platform, runner } = replaying('os-facts.json');
    expect(await platform.osFacts()).toEqual({
      os: 'windows-server',
      version: '2019',
      edition: 'standard',
      evaluation: false,
    });
    expect(await platform.osFacts()).toEqual({
      os: 'windows-server',
      version: '1809',
      edition: 'datacenter',
      evaluation: false,
    });
    expect(await platform.osFacts()).toEqual({
      os: 'windows-server',
      version: '2022',
      edition: 'datacenter',
      evaluation: true,
    });
    expect(await platform.osFacts()).toEqual({
      os: 'windows-client',
      version: null,
      edition: 'pro',
      evaluation: false,
    });
    runner.assertAllUsed();
  });

  it('reads 12309 records after the bookmark with their EventData', async () => {
    const { platform } = replaying('activation-events.json');
    expect(await platform.readActivationEvents(4700)).toEqual([
      { recordId: 4711, time: '2026-11-05T10:00:03.123Z', message: 'Invalid Host\n0xC004FD02\nHV01' },
      { recordId: 4712, time: '2026-11-05T10:05:00.000Z', message: 'AVMA Success\n0x00000000\nHV01' },
    ]);
  });

  it('refuses a negative bookmark without starting PowerShell', async () => {
    const { platform, runner } = replaying('activation-events-none.json');
    expect((await rejection(platform.readActivationEvents(-1))).message).toBe(
      'afterRecordId is -1, expected an integer >= 0',
    );
    expect(await platform.readActivationEvents(4712)).toEqual([]);
    expect(runner.calls).toHaveLength(1);
  });

  describe('state file', () => {
    it('returns null before the first save and the saved text after it', async () => {
      const stateFile = join(await mkdtemp(join(tmpdir(), 'avma-guest-')), 'avma-agent', 'guest-state.json');
      const { platform } = replaying('license-facts-no-key.json', stateFile);
      expect(await platform.loadState()).toBeNull();
      await platform.saveState('{"v":1}');
      expect(await platform.loadState()).toBe('{"v":1}');
      expect(await readFile(stateFile, 'utf8')).toBe('{"v":1}');
    });

    it('does not read a state file over 64 KiB', async () => {
      const stateFile = join(await mkdtemp(join(tmpdir(), 'avma-guest-')), 'guest-state.json');
      await writeFile(stateFile, 'x'.repeat(70_000));
      const { platform } = replaying('license-facts-no-key.json', stateFile);
      expect(await platform.loadState()).toBe('state file of 70000 bytes');
    });
  });

  it('runs one agent pass on a fresh guest with exactly the recorded calls', async () => {
    const stateFile = join(await mkdtemp(join(tmpdir(), 'avma-guest-')), 'guest-state.json');
    const { platform, runner } = replaying('agent-pass-install.json', stateFile);
    const report = await new GuestAgent(platform, { agentVersion: '0.1.0' }).tick();
    expect(report.problems).toEqual([]);
    expect(report.status).toMatchObject({
      seq: 3,
      licenseStatus: 'licensed',
      channel: 'avma',
      avmaHost: 'HV01',
    });
    runner.assertAllUsed();
    expect(JSON.parse(await readFile(stateFile, 'utf8'))).toMatchObject({
      lastSeq: 3,
      heldAvma: true,
      ringNext: 1,
    });
  });
});
