import { mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GuestAgentError } from '../../guest/agent/guest-agent-error.js';
import { AGENT_VERSION } from '../../guest/agent-version.js';
import { parseServiceArguments, runGuestAgent } from '../../guest/main.js';
import { fileLogSink, MAX_LOG_BYTES } from '../../guest/service-log.js';
import { FakeGuestPlatform } from './fake-platform.js';

function collector(): { lines: string[]; log: (line: string) => Promise<void> } {
  const lines: string[] = [];
  return { lines, log: async (line) => void lines.push(line) };
}

describe('guest/main', () => {
  it('runs one pass and logs it as a JSON line', async () => {
    const platform = new FakeGuestPlatform();
    const { lines, log } = collector();
    await runGuestAgent({ platform, once: true, log });
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0] ?? '')).toEqual({
      time: '2026-11-05T10:00:00.000Z',
      silent: false,
      actions: [{ kind: 'status-written' }],
      problems: [],
    });
  });

  it('runs a pass every interval until the signal aborts', async () => {
    const platform = new FakeGuestPlatform();
    const controller = new AbortController();
    const waits: number[] = [];
    const { lines, log } = collector();
    await runGuestAgent({
      platform,
      intervalMinutes: 5,
      signal: controller.signal,
      log,
      sleep: async (ms) => {
        waits.push(ms);
        if (waits.length === 3) controller.abort();
      },
    });
    expect(waits).toEqual([300_000, 300_000, 300_000]);
    expect(lines).toHaveLength(3);
  });

  it('logs a pass that throws and keeps going', async () => {
    const platform = new FakeGuestPlatform();
    const broken = new Map<string, string>();
    broken.get = () => {
      throw new Error('registry exploded');
    };
    platform.readExternalItems = async () => broken;
    const controller = new AbortController();
    const { lines, log } = collector();
    let passes = 0;
    await runGuestAgent({
      platform,
      signal: controller.signal,
      log,
      sleep: async () => {
        passes += 1;
        if (passes === 2) controller.abort();
      },
    });
    expect(lines.map((line) => JSON.parse(line).error)).toEqual(['registry exploded', 'registry exploded']);
  });

  it('refuses an interval outside 1..1440 minutes', async () => {
    await expect(runGuestAgent({ platform: new FakeGuestPlatform(), intervalMinutes: 0 })).rejects.toThrow(
      GuestAgentError,
    );
    await expect(runGuestAgent({ platform: new FakeGuestPlatform(), intervalMinutes: 2000 })).rejects.toThrow(
      'intervalMinutes is 2000, expected an integer 1..1440',
    );
  });

  it('parses the service arguments', () => {
    expect(parseServiceArguments(['--interval-minutes', '10', '--log', 'C:\\x.log', '--once'])).toEqual({
      intervalMinutes: 10,
      logFile: 'C:\\x.log',
      once: true,
    });
    expect(parseServiceArguments([])).toEqual({ intervalMinutes: 5, logFile: null, once: false });
    expect(() => parseServiceArguments(['--log'])).toThrow('--log needs a value');
    expect(() => parseServiceArguments(['--verbose'])).toThrow('unknown argument "--verbose"');
  });

  it('reports the version package.json declares', async () => {
    const pkg = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as {
      version: string;
    };
    expect(AGENT_VERSION).toBe(pkg.version);
  });

  it('rotates the log file past 1 MiB', async () => {
    const file = join(await mkdtemp(join(tmpdir(), 'avma-guest-log-')), 'guest-agent.log');
    await writeFile(file, 'x'.repeat(MAX_LOG_BYTES + 1));
    await fileLogSink(file)('{"pass":1}');
    expect(await readFile(file, 'utf8')).toBe('{"pass":1}\n');
    expect((await stat(`${file}.1`)).size).toBe(MAX_LOG_BYTES + 1);
  });
});
