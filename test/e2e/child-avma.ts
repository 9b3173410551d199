/**
 * Runs `avma` from source in a child process (test/e2e/avma-from-source.ts through tsx), for the
 * end-to-end tests that need a real process: kills, signals, another process's lock.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ENTRY = fileURLToPath(new URL('./avma-from-source.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** tsx's loader by absolute URL, so the child can run in any directory (the default database is ./avma.sqlite). */
const TSX = import.meta.resolve('tsx');

export interface ChildRun {
  readonly child: ChildProcess;
  /** Everything written to stderr so far. */
  stderr(): string;
  stdout(): string;
  /** Resolves with the exit code (or the signal's name) when the process ends. */
  readonly exited: Promise<number | string>;
  /** Resolves when stderr has a line matching `pattern` (rejects after `timeoutMs`). */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<string>;
}

/** Another user to run as (only root may ask): tests of file permissions, which root bypasses. */
export interface RunAs {
  readonly uid: number;
  readonly gid: number;
}

/** Starts `avma ARGS` in `cwd` (default: the repository), as the current user unless `as` says. */
export function spawnAvma(args: readonly string[], cwd = ROOT, as?: RunAs): ChildRun {
  const child = spawn(process.execPath, ['--import', TSX, ENTRY, ...args], {
    cwd,
    env: { ...process.env, NODE_OPTIONS: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(as === undefined ? {} : { uid: as.uid, gid: as.gid }),
  });
  let err = '';
  let out = '';
  const listeners = new Set<() => void>();
  child.stderr?.on('data', (chunk: Buffer) => {
    err += chunk.toString('utf8');
    for (const listener of listeners) listener();
  });
  child.stdout?.on('data', (chunk: Buffer) => {
    out += chunk.toString('utf8');
  });
  const exited = new Promise<number | string>((resolve) => {
    child.on('exit', (code, signal) => resolve(code ?? signal ?? -1));
  });
  function waitFor(pattern: RegExp, timeoutMs = 30_000): Promise<string> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const line = err.split('\n').find((candidate) => pattern.test(candidate));
        if (line === undefined) return;
        cleanup();
        resolve(line);
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(
          new Error(
            `no stderr line matching ${pattern} within ${timeoutMs} ms; stderr so far:\n${err.slice(-2000)}`,
          ),
        );
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        listeners.delete(check);
      };
      listeners.add(check);
      check();
    });
  }
  return { child, stderr: () => err, stdout: () => out, exited, waitFor };
}
