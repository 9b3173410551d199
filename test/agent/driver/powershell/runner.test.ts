import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DriverError } from '../../../../agent/driver/driver-error.js';
import type { PsOperation } from '../../../../agent/driver/powershell/operations.js';
import { type PsRunner, ShellRunner } from '../../../../agent/driver/powershell/runner.js';
import { loadScriptCatalog } from '../../../../agent/driver/powershell/script-catalog.js';
import { nodePowerShellFactory } from '../../../../agent/driver/powershell/shell.js';

/**
 * ShellRunner over the real node-powershell, with a fake `pwsh` (fake-pwsh.mjs) spawned for real: it
 * speaks node-powershell's delimiter protocol on stdin/stdout and hangs, crashes or writes noise when
 * the request's arguments ask it to.
 */
const FAKE_SHELL = fileURLToPath(new URL('./fake-pwsh.mjs', import.meta.url));
const TIMEOUT_MS = 2500;

interface Echo {
  readonly arguments: Record<string, unknown>;
  readonly computerName: string | null;
  readonly argv: string[];
  readonly linesSeen: number;
  readonly pid: number;
}

let workDir = '';
const runners: PsRunner[] = [];
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);

beforeAll(() => {
  chmodSync(FAKE_SHELL, 0o755);
  workDir = mkdtempSync(join(tmpdir(), 'avma-fake-pwsh-'));
  process.on('unhandledRejection', onUnhandled);
});

afterEach(async () => {
  await Promise.all(runners.splice(0).map((runner) => runner.close()));
});

afterAll(() => {
  process.off('unhandledRejection', onUnhandled);
  rmSync(workDir, { recursive: true, force: true });
});

interface Harness {
  readonly runner: ShellRunner;
  readonly sent: string[];
  readonly stderr: string[];
}

async function harness(executable = FAKE_SHELL, computerName: string | null = null): Promise<Harness> {
  const sent: string[] = [];
  const stderr: string[] = [];
  const runner = new ShellRunner({
    catalog: loadScriptCatalog(),
    startShell: await nodePowerShellFactory({ executable }),
    computerName,
    timeoutMs: TIMEOUT_MS,
    onSend: (_operation, text) => sent.push(text),
    onStderr: (_operation, text) => stderr.push(text),
  });
  runners.push(runner);
  return { runner, sent, stderr };
}

function call(runner: ShellRunner, operation: PsOperation, args: Record<string, unknown>): Promise<Echo> {
  return runner.run({ operation, arguments: args }) as Promise<Echo>;
}

async function failure(promise: Promise<unknown>): Promise<DriverError> {
  const error = await promise.then(
    () => null,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(DriverError);
  return error as DriverError;
}

function stateFile(name: string): string {
  return join(workDir, `${name}-${Math.random().toString(16).slice(2)}`);
}

describe('agent/driver/powershell/runner', () => {
  it('launches the shell with -NoProfile -NonInteractive -ExecutionPolicy Bypass, reading commands from stdin', async () => {
    const { runner } = await harness();
    const echo = await call(runner, 'host-info', {});
    expect(echo.argv).toEqual(expect.arrayContaining(['-NoProfile', '-NonInteractive', '-Command', '-']));
    expect(echo.argv.join(' ')).toContain('-ExecutionPolicy Bypass');
  });

  it('sends every request as exactly one line wrapped in & { … } with the arguments only in base64', async () => {
    const { runner, sent } = await harness();
    await call(runner, 'host-info', { Note: 'first' });
    const second = await call(runner, 'list-vms', { Note: 'second; $(Get-Date) `n "quoted"' });
    expect(second.linesSeen).toBe(2);
    expect(sent).toHaveLength(2);
    for (const text of sent) {
      expect(text).not.toMatch(/[\r\n]/);
      expect(text.startsWith('& {')).toBe(true);
      expect(text.endsWith('}')).toBe(true);
    }
    expect(sent[1]).not.toContain('$(Get-Date)');
    expect(second.arguments.Note).toBe('second; $(Get-Date) `n "quoted"');
  });

  it('passes the remote computer name to the shell inside the request, not in the text', async () => {
    const { runner, sent } = await harness(FAKE_SHELL, 'hv02.contoso.com');
    expect((await call(runner, 'host-info', {})).computerName).toBe('hv02.contoso.com');
    expect(sent[0]).not.toContain('hv02');
  });

  it('round-trips non-ASCII text, also when UTF-8 sequences arrive split across chunks', async () => {
    const { runner } = await harness();
    const text = 'Grüße, 中文, עברית, 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 🎉 — ‘quoted’ „low“';
    expect((await call(runner, 'host-info', { fake: 'pieces', text })).arguments.text).toBe(text);
    expect((await call(runner, 'host-info', { text })).arguments.text).toBe(text);
  });

  it('ignores stderr noise, host output and a stale marker of another call, and reports the noise', async () => {
    const { runner, stderr } = await harness();
    const echo = await call(runner, 'host-info', { fake: 'noise' });
    expect(echo.arguments.fake).toBe('noise');
    expect(stderr.join('')).toContain('WARNING: The names of some imported commands');
  });

  it('times out a hung read, replaces the shell and retries once on the new one', async () => {
    const { runner } = await harness();
    const first = await call(runner, 'host-info', {});
    const echo = await call(runner, 'list-vms', { fake: 'hang-once', stateFile: stateFile('hang') });
    expect(echo.pid).not.toBe(first.pid);
  });

  it('fails a read that hangs twice with TIMEOUT, after one retry', async () => {
    const { runner } = await harness();
    const error = await failure(call(runner, 'read-events', { fake: 'hang' }));
    expect(error.code).toBe('TIMEOUT');
    expect(error.message).toBe(
      `read-events on the local host: no answer within ${TIMEOUT_MS} ms (also after one retry on a fresh shell)`,
    );
  });

  it('does not retry a write that hung: TIMEOUT saying the outcome is unknown, and the next call gets a fresh shell', async () => {
    const { runner } = await harness();
    const attempts = stateFile('attempts');
    const error = await failure(
      call(runner, 'add-kvp', { fake: 'hang-once', stateFile: stateFile('hang'), attemptsFile: attempts }),
    );
    expect(error.code).toBe('TIMEOUT');
    expect(error.message).toContain('the write may or may not have been applied');
    expect(readFileSync(attempts, 'utf8').trim().split('\n')).toHaveLength(1);
    expect((await call(runner, 'host-info', {})).arguments).toEqual({});
  });

  it('retries a read whose shell crashed mid-call (partial output) on a fresh shell', async () => {
    const { runner } = await harness();
    const echo = await call(runner, 'list-vms', { fake: 'crash-once', stateFile: stateFile('crash') });
    expect(echo.arguments.fake).toBe('crash-once');
  });

  it('does not retry a write whose shell crashed mid-call: HOST_UNAVAILABLE, sent once', async () => {
    const { runner } = await harness();
    const attempts = stateFile('attempts');
    const error = await failure(
      call(runner, 'remove-kvp', {
        fake: 'crash-once',
        stateFile: stateFile('crash'),
        attemptsFile: attempts,
      }),
    );
    expect(error.code).toBe('HOST_UNAVAILABLE');
    expect(error.message).toContain('the write may or may not have been applied');
    expect(readFileSync(attempts, 'utf8').trim().split('\n')).toHaveLength(1);
  });

  it('treats a shell that exits cleanly mid-call as dead: HOST_UNAVAILABLE after one retry for a read', async () => {
    const { runner } = await harness();
    const error = await failure(call(runner, 'host-info', { fake: 'exit-clean' }));
    expect(error.code).toBe('HOST_UNAVAILABLE');
    expect(error.message).toContain('also after one retry on a fresh shell');
  });

  it('replaces a shell that died while idle before the next call, without an unhandled rejection', async () => {
    const { runner } = await harness();
    const first = await call(runner, 'host-info', { fake: 'exit-after-answer' });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const second = await call(runner, 'add-kvp', { note: 'a write on a dead shell is safe to send again' });
    expect(second.pid).not.toBe(first.pid);
    expect(unhandled).toEqual([]);
  });

  it('fails with HOST_UNAVAILABLE when the shell cannot start, without crashing the agent', async () => {
    const { runner } = await harness(join(workDir, 'no-such-pwsh'));
    const error = await failure(call(runner, 'add-kvp', {}));
    expect(error.code).toBe('HOST_UNAVAILABLE');
    expect(error.message).toMatch(/cannot start the shell: .*ENOENT.*also after one retry/);
    expect(error.message).not.toContain('may or may not');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(unhandled).toEqual([]);
  });

  it('turns an error the script returned as data into FAILED with the host message on one line', async () => {
    const { runner } = await harness();
    const args = {
      fake: 'error',
      message: 'Access denied.\r\nCheck the account.',
      type: 'System.UnauthorizedAccessException',
      id: 'x',
    };
    const error = await failure(call(runner, 'host-info', args));
    expect(error.code).toBe('FAILED');
    expect(error.message).toBe(
      'host-info: PowerShell reported: Access denied. Check the account. (System.UnauthorizedAccessException)',
    );
  });

  it('maps a remoting transport failure returned as data to HOST_UNAVAILABLE', async () => {
    const { runner } = await harness(FAKE_SHELL, 'hv02');
    const type = 'System.Management.Automation.Remoting.PSRemotingTransportException';
    const error = await failure(
      call(runner, 'list-vms', {
        fake: 'error',
        message: 'WinRM cannot complete the operation.',
        type,
        id: 'y',
      }),
    );
    expect(error.code).toBe('HOST_UNAVAILABLE');
  });

  it.each([
    ['garbage', 'no result line in the output'],
    ['partial', 'result line is not JSON'],
    ['two-results', 'two result lines for one call'],
  ])('answers %s output with BAD_RESPONSE and keeps the shell usable', async (mode, reason) => {
    const { runner } = await harness();
    const first = await call(runner, 'host-info', {});
    const error = await failure(call(runner, 'list-vms', { fake: mode }));
    expect(error.code).toBe('BAD_RESPONSE');
    expect(error.message).toContain(reason);
    expect((await call(runner, 'host-info', {})).pid).toBe(first.pid);
  });

  it('refuses a result of another shape than {"ok"} or {"error"} with BAD_RESPONSE', async () => {
    const { runner } = await harness();
    const error = await failure(call(runner, 'host-info', { fake: 'raw', raw: '{"result":[]}' }));
    expect(error.code).toBe('BAD_RESPONSE');
    expect(error.message).toContain('expected exactly "ok" or "error"');
  });

  it('serialises concurrent calls on one shell and gives each its own answer', async () => {
    const { runner } = await harness();
    const echoes = await Promise.all([1, 2, 3, 4, 5].map((n) => call(runner, 'host-info', { n })));
    expect(echoes.map((echo) => echo.arguments.n)).toEqual([1, 2, 3, 4, 5]);
    expect(new Set(echoes.map((echo) => echo.pid)).size).toBe(1);
  });

  it('stops the shell on close and refuses later calls', async () => {
    const { runner } = await harness();
    await call(runner, 'host-info', {});
    await runner.close();
    await runner.close();
    expect((await failure(call(runner, 'host-info', {}))).code).toBe('HOST_UNAVAILABLE');
    expect(existsSync(workDir)).toBe(true);
  });
});
