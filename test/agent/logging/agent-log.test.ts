import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eventLogWriter } from '../../../agent/driver/powershell/event-log-writer.js';
import { createAgentLog } from '../../../agent/logging/agent-log.js';
import { EventLogQueue } from '../../../agent/logging/event-log-queue.js';
import { loadRecording, ReplayingRunner } from '../driver/powershell/replaying-runner.js';
import { type TempDir, tempDir } from '../store/store-test-kit.js';

describe('agent/logging/agent-log', () => {
  let dir: TempDir;
  beforeEach(async () => {
    dir = await tempDir();
  });
  afterEach(async () => {
    await dir.remove();
  });

  it('writes JSON lines to the file, pretty lines to the console, and only warnings and errors to the Event Log through the PowerShell runner', async () => {
    const runner = new ReplayingRunner(loadRecording('write-event-log.recording.json').steps);
    const failures: unknown[] = [];
    const queue = new EventLogQueue(eventLogWriter(runner, 'avma-agent'), 10, (error) =>
      failures.push(error),
    );
    let consoleText = '';
    const log = createAgentLog({
      level: 'info',
      format: 'pretty',
      console: { write: (text) => (consoleText += text) },
      file: { path: dir.file('agent.log'), maxBytes: 1_000_000, keepFiles: 2 },
      eventLog: queue,
    });
    log.logger.debug('not at this level');
    log.logger.info({ host: 'HV01', vms: 19 }, 'swept');
    log.logger.warn(
      { host: 'HV02', reason: 'HOST_UNAVAILABLE: WinRM cannot complete the operation' },
      'host failed',
    );
    log.logger.error({ error: 'database is locked', vm: "x'; Stop-Computer; '" }, 'sweep failed');
    log.logger.warn('a source nobody registered');
    await log.close();
    await runner.close();

    const lines = readFileSync(dir.file('agent.log'), 'utf8')
      .trim()
      .split('\n')
      .map((text) => JSON.parse(text));
    expect(lines.map((line) => [line.level, line.msg])).toEqual([
      [30, 'swept'],
      [40, 'host failed'],
      [50, 'sweep failed'],
      [40, 'a source nobody registered'],
    ]);
    expect(lines[0]).toMatchObject({ host: 'HV01', vms: 19 });
    expect(typeof lines[0].time).toBe('string');
    expect(consoleText).toMatch(/INFO: swept\n {4}host: "HV01"/);
    expect(consoleText).not.toContain('not at this level');
    // The hostile VM name went only into the base64 request, never into the script text.
    expect(runner.sent.join('\n')).not.toContain('Stop-Computer');
    expect(queue.counts()).toEqual({ written: 2, dropped: 0, failed: 1, queued: 0 });
    expect(String(failures[0])).toContain('is not registered');
  });

  it('writes nothing anywhere at level silent, and no console copy when there is no console', async () => {
    const log = createAgentLog({
      level: 'silent',
      format: 'json',
      console: null,
      file: { path: dir.file('agent.log'), maxBytes: 1_000_000, keepFiles: 2 },
    });
    log.logger.error('hidden');
    await log.close();
    expect(readFileSync(dir.file('agent.log'), 'utf8')).toBe('');
  });
});
