/**
 * The agent's log file, rotated by size: `agent.log` is always the current file, `agent.log.1` the one
 * before, up to `agent.log.<keepFiles>`; the oldest is deleted. Every line is written synchronously
 * before `write` returns, so a service stopped or killed right after logging still has the line.
 *
 * Why not pino-roll (installed): it runs as pino's worker-thread transport (or a SonicBoom stream that
 * flushes asynchronously), names the CURRENT file with the highest number (`agent.3.log`), which sends
 * an operator to the wrong file, and rotates on a timer or the next write in another thread, so a test
 * cannot say which lines a rotation put where. The agent logs a few lines per sweep; a synchronous
 * append costs nothing at that rate.
 */
import { closeSync, fstatSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';

export interface RotatingFileOptions {
  readonly path: string;
  /** A file is rotated before a line would take it past this size (a longer line gets a file of its own). */
  readonly maxBytes: number;
  /** Rotated files kept beside the current one. */
  readonly keepFiles: number;
}

export const DEFAULT_LOG_MAX_BYTES = 10 * 1024 * 1024;
export const DEFAULT_LOG_KEEP_FILES = 5;

export class RotatingFile {
  readonly path: string;
  readonly #maxBytes: number;
  readonly #keep: number;
  #fd: number | null;
  #size: number;
  /** How many times the file was rotated (status, tests). */
  rotations = 0;

  /** Opens (appends to) the file; throws the fs error when it cannot (a missing folder, no access). */
  constructor(options: RotatingFileOptions) {
    this.path = options.path;
    this.#maxBytes = Math.max(1024, Math.trunc(options.maxBytes));
    this.#keep = Math.max(0, Math.trunc(options.keepFiles));
    this.#fd = openSync(this.path, 'a');
    this.#size = fstatSync(this.#fd).size;
  }

  /** Appends `text` (whole lines), rotating first when it would not fit. Ignored after close. */
  write(text: string): boolean {
    if (this.#fd === null) return false;
    const bytes = Buffer.from(text, 'utf8');
    if (this.#size > 0 && this.#size + bytes.length > this.#maxBytes) this.#rotate();
    if (this.#fd === null) return false;
    writeSync(this.#fd, bytes);
    this.#size += bytes.length;
    return true;
  }

  #rotate(): void {
    if (this.#fd !== null) closeSync(this.#fd);
    this.#fd = null;
    const numbered = (n: number) => `${this.path}.${n}`;
    rmSync(numbered(this.#keep), { force: true });
    for (let n = this.#keep - 1; n >= 1; n--) renameQuietly(numbered(n), numbered(n + 1));
    if (this.#keep > 0) renameQuietly(this.path, numbered(1));
    else rmSync(this.path, { force: true });
    this.#fd = openSync(this.path, 'a');
    this.#size = 0;
    this.rotations += 1;
  }

  close(): void {
    if (this.#fd !== null) closeSync(this.#fd);
    this.#fd = null;
  }
}

/** A numbered file that does not exist yet is simply not there to move. */
function renameQuietly(from: string, to: string): void {
  try {
    renameSync(from, to);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}
