/**
 * Running one of the adapter's `.ps1` scripts. The request travels as base64 of UTF-8 JSON in a
 * single argument (base64 has no character PowerShell or the command line treats specially), so no
 * untrusted text ever becomes script text; the answer is the one line starting with the marker.
 */
import { win32 } from 'node:path';
import type { z } from 'zod';
import { GuestPlatformError } from '../guest-platform.js';
import type { ProcessRunner } from './process-runner.js';
import type { WindowsPaths } from './windows-paths.js';

export const RESULT_MARKER = 'AVMA-AGENT-RESULT ';

export const SCRIPT_NAMES = [
  'kvp-read',
  'kvp-write',
  'kvp-delete',
  'license-facts',
  'os-facts',
  'activation-events',
] as const;
export type ScriptName = (typeof SCRIPT_NAMES)[number];

/** Base64 of the UTF-8 JSON of `request`. Never throws for JSON-serialisable input. */
export function encodeRequest(request: unknown): string {
  return Buffer.from(JSON.stringify(request), 'utf8').toString('base64');
}

/** The powershell.exe arguments that run `script` with `request`. Never throws. */
export function scriptArguments(paths: WindowsPaths, script: ScriptName, request: unknown): string[] {
  return [
    '-NoLogo',
    '-NoProfile',
    '-NonInteractive',
    '-ExecutionPolicy',
    'Bypass',
    '-File',
    win32.join(paths.scripts, `${script}.ps1`),
    '-RequestBase64',
    encodeRequest(request),
  ];
}

/**
 * Runs a script and returns its validated value. Rejects with `GuestPlatformError`: COMMAND_FAILED
 * (or ACCESS_DENIED) when the script reported an error, BAD_OUTPUT when there is no single marked
 * line of JSON or it does not match `schema`; runner errors pass through.
 */
export async function callScript<T>(
  runner: ProcessRunner,
  paths: WindowsPaths,
  script: ScriptName,
  request: unknown,
  schema: z.ZodType<T>,
): Promise<T> {
  const result = await runner(paths.powershell, scriptArguments(paths, script, request));
  const answer = parseScriptOutput(script, result.stdout);
  if (!answer.ok) {
    const code = /Unauthorized|Security/.test(answer.kind) ? 'ACCESS_DENIED' : 'COMMAND_FAILED';
    throw new GuestPlatformError(code, `${script}.ps1 failed: ${answer.error}`);
  }
  const checked = schema.safeParse(answer.value);
  if (!checked.success) {
    const path = checked.error.issues[0]?.path.join('.') ?? '';
    throw new GuestPlatformError(
      'BAD_OUTPUT',
      `${script}.ps1 answered with an unexpected value at "${path}"`,
    );
  }
  return checked.data;
}

type ScriptAnswer =
  | { readonly ok: true; readonly value: unknown }
  | { readonly ok: false; readonly error: string; readonly kind: string };

function parseScriptOutput(script: ScriptName, stdout: string): ScriptAnswer {
  const lines = stdout.split(/\r?\n/).filter((line) => line.startsWith(RESULT_MARKER));
  if (lines.length !== 1) {
    throw new GuestPlatformError(
      'BAD_OUTPUT',
      `${script}.ps1 printed ${lines.length} result lines, expected 1`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse((lines[0] as string).slice(RESULT_MARKER.length));
  } catch {
    throw new GuestPlatformError('BAD_OUTPUT', `${script}.ps1 printed a result line that is not JSON`);
  }
  if (typeof json !== 'object' || json === null) {
    throw new GuestPlatformError('BAD_OUTPUT', `${script}.ps1 printed a result that is not an object`);
  }
  const answer = json as Record<string, unknown>;
  if (answer.ok === true) return { ok: true, value: answer.value };
  return {
    ok: false,
    error: String(answer.error ?? 'unknown error').slice(0, 300),
    kind: String(answer.kind ?? ''),
  };
}
