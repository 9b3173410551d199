/**
 * The seam between the Windows adapter and the machine: every PowerShell and cscript call goes through
 * a `ProcessRunner`, so tests replay recorded outputs and fail on any call they did not expect.
 */
import { execFile } from 'node:child_process';
import { GuestPlatformError } from '../guest-platform.js';

export interface ProcessResult {
  /** Exit code; Windows reports it as an unsigned 32-bit value (slmgr exits with its HRESULT). */
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `exe` with `args` (no shell: arguments are passed as they are). */
export type ProcessRunner = (exe: string, args: readonly string[]) => Promise<ProcessResult>;

export interface NodeRunnerOptions {
  /** Kill the process after this long (default 120 s: `slmgr /ato` waits for the host). */
  readonly timeoutMs?: number;
  /** Refuse more output than this per stream (default 1 MiB). */
  readonly maxOutputBytes?: number;
}

const DEFAULT_TIMEOUT_MS = 120_000;
const DEFAULT_MAX_OUTPUT_BYTES = 1024 * 1024;

/**
 * A runner over `child_process.execFile` without a shell. Resolves with the exit code and output for
 * any exit code; rejects with `GuestPlatformError` TIMEOUT when killed for time, COMMAND_FAILED when
 * the program cannot be started or its output is too large.
 */
export function nodeProcessRunner(options: NodeRunnerOptions = {}): ProcessRunner {
  const timeout = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const maxBuffer = options.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES;
  return (exe, args) =>
    new Promise((resolve, reject) => {
      execFile(
        exe,
        [...args],
        { timeout, maxBuffer, windowsHide: true, encoding: 'utf8' },
        (error, stdout, stderr) => {
          if (error === null) return resolve({ code: 0, stdout, stderr });
          if (error.killed === true) {
            return reject(new GuestPlatformError('TIMEOUT', `${exe} did not finish within ${timeout} ms`));
          }
          if (typeof error.code === 'number') return resolve({ code: error.code >>> 0, stdout, stderr });
          reject(
            new GuestPlatformError(
              'COMMAND_FAILED',
              `${exe} could not run: ${error.message.split('\n')[0] ?? ''}`,
            ),
          );
        },
      );
    });
}
