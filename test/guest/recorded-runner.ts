/**
 * A ProcessRunner that replays recordings from test/fixtures/guest/windows, in order, and fails the
 * test on any call it did not expect (wrong program, script, flags or request) or any recording left
 * unused. Requests are compared after decoding the base64 argument, so the test checks what the
 * adapter actually sent.
 */
import { readFileSync } from 'node:fs';
import { win32 } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import type { ProcessResult, ProcessRunner } from '../../guest/platform/windows/process-runner.js';
import type { WindowsPaths } from '../../guest/platform/windows/windows-paths.js';

export interface PowerShellRecording {
  readonly program: 'powershell';
  readonly script: string;
  readonly request: unknown;
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface CscriptRecording {
  readonly program: 'cscript';
  /** The slmgr.vbs arguments after `//nologo <slmgr.vbs>`. */
  readonly args: readonly string[];
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export type Recording = PowerShellRecording | CscriptRecording;

const FIXTURES = new URL('../fixtures/guest/windows/', import.meta.url);

/** The recorded calls of one fixture file. */
export function loadRecordings(file: string): Recording[] {
  const fixture = JSON.parse(readFileSync(new URL(file, FIXTURES), 'utf8')) as { calls: Recording[] };
  return fixture.calls;
}

const POWERSHELL_FLAGS = ['-NoLogo', '-NoProfile', '-NonInteractive', '-ExecutionPolicy', 'Bypass', '-File'];

export class RecordedRunner {
  readonly #pending: Recording[];
  readonly #paths: WindowsPaths;
  readonly calls: { exe: string; args: readonly string[] }[] = [];

  constructor(paths: WindowsPaths, recordings: readonly Recording[]) {
    this.#paths = paths;
    this.#pending = [...recordings];
  }

  readonly run: ProcessRunner = async (exe, args) => {
    this.calls.push({ exe, args });
    const next = this.#pending.shift();
    if (next === undefined) throw new Error(`unexpected call: ${exe} ${args.join(' ')}`);
    const mismatch =
      next.program === 'powershell'
        ? this.#powershellMismatch(next, exe, args)
        : this.#cscriptMismatch(next, exe, args);
    if (mismatch !== null) throw new Error(`unexpected call (${mismatch}): ${exe} ${args.join(' ')}`);
    const result: ProcessResult = { code: next.code, stdout: next.stdout, stderr: next.stderr };
    return result;
  };

  /** Throws when a recording was not used. */
  assertAllUsed(): void {
    if (this.#pending.length > 0) throw new Error(`${this.#pending.length} recorded call(s) never made`);
  }

  #powershellMismatch(recording: PowerShellRecording, exe: string, args: readonly string[]): string | null {
    if (exe !== this.#paths.powershell) return `expected ${this.#paths.powershell}`;
    if (!isDeepStrictEqual(args.slice(0, 6), POWERSHELL_FLAGS)) return 'flags differ';
    if (args[6] !== win32.join(this.#paths.scripts, `${recording.script}.ps1`))
      return `expected ${recording.script}.ps1`;
    if (args[7] !== '-RequestBase64' || args.length !== 9) return 'expected -RequestBase64 and one value';
    const encoded = args[8] ?? '';
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(encoded)) return 'request is not plain base64';
    const request: unknown = JSON.parse(Buffer.from(encoded, 'base64').toString('utf8'));
    return isDeepStrictEqual(request, recording.request)
      ? null
      : `request ${JSON.stringify(request)} differs`;
  }

  #cscriptMismatch(recording: CscriptRecording, exe: string, args: readonly string[]): string | null {
    if (exe !== this.#paths.cscript) return `expected ${this.#paths.cscript}`;
    const expected = ['//nologo', this.#paths.slmgr, ...recording.args];
    return isDeepStrictEqual([...args], expected) ? null : `expected ${expected.join(' ')}`;
  }
}
