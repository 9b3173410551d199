import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { GuestPlatformError } from '../../../../guest/platform/guest-platform.js';
import {
  callScript,
  encodeRequest,
  scriptArguments,
} from '../../../../guest/platform/windows/powershell-call.js';
import { windowsPaths } from '../../../../guest/platform/windows/windows-paths.js';

const PATHS = windowsPaths({ SystemRoot: 'C:\\Windows' }, 'C:\\Program Files\\avma-agent\\scripts');

function answering(stdout: string) {
  return async () => ({ code: 0, stdout, stderr: '' });
}

async function failure(promise: Promise<unknown>): Promise<GuestPlatformError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof GuestPlatformError) return error;
    throw error;
  }
  throw new Error('expected a GuestPlatformError');
}

describe('guest/platform/windows/powershell-call', () => {
  it('passes the request as base64 of UTF-8 JSON in one argument', () => {
    const hostile = { name: 'AvmaAgent.Status', data: `'; Remove-Item C:\\ -Recurse; "$(calc)" \`n Größe` };
    const args = scriptArguments(PATHS, 'kvp-write', hostile);
    expect(args.slice(0, 8)).toEqual([
      '-NoLogo',
      '-NoProfile',
      '-NonInteractive',
      '-ExecutionPolicy',
      'Bypass',
      '-File',
      'C:\\Program Files\\avma-agent\\scripts\\kvp-write.ps1',
      '-RequestBase64',
    ]);
    expect(args[8]).toMatch(/^[A-Za-z0-9+/]+=*$/);
    expect(JSON.parse(Buffer.from(args[8] ?? '', 'base64').toString('utf8'))).toEqual(hostile);
  });

  it('encodes {"pool":"Guest"} exactly', () => {
    expect(encodeRequest({ pool: 'Guest' })).toBe('eyJwb29sIjoiR3Vlc3QifQ==');
  });

  it('finds the one marked line among other output', async () => {
    const stdout = 'WARNING: something\r\nAVMA-AGENT-RESULT {"ok":true,"value":{"n":"\\u00e9"}}\r\n';
    expect(await callScript(answering(stdout), PATHS, 'os-facts', {}, z.object({ n: z.string() }))).toEqual({
      n: 'é',
    });
  });

  it.each([
    [
      'two result lines',
      'AVMA-AGENT-RESULT {"ok":true,"value":1}\nAVMA-AGENT-RESULT {"ok":true,"value":2}\n',
      'os-facts.ps1 printed 2 result lines, expected 1',
    ],
    [
      'a line that is not JSON',
      'AVMA-AGENT-RESULT {"ok":tru\n',
      'os-facts.ps1 printed a result line that is not JSON',
    ],
    [
      'a value of the wrong shape',
      'AVMA-AGENT-RESULT {"ok":true,"value":{"n":5}}\n',
      'os-facts.ps1 answered with an unexpected value at "n"',
    ],
  ])('refuses %s as BAD_OUTPUT', async (_label, stdout, message) => {
    const error = await failure(
      callScript(answering(stdout), PATHS, 'os-facts', {}, z.object({ n: z.string() })),
    );
    expect(error).toMatchObject({ code: 'BAD_OUTPUT', message });
  });
});
