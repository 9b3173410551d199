/**
 * The agent's state file, read and written by Node directly (no script needed). Writes go to a
 * temporary file first and are renamed over the old one, so a crash never leaves half a file.
 */
import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { GuestPlatformError } from '../guest-platform.js';

/** The agent's state is a few hundred bytes; anything much larger is not ours. */
const MAX_STATE_FILE_BYTES = 64 * 1024;

/**
 * The file's text, or `null` when it does not exist. A file over 64 KiB yields a marker text the agent
 * rejects as corrupt rather than reading it. Rejects with `GuestPlatformError` for other I/O errors.
 */
export async function readStateFile(path: string): Promise<string | null> {
  try {
    const info = await stat(path);
    if (info.size > MAX_STATE_FILE_BYTES) return `state file of ${info.size} bytes`;
    return await readFile(path, 'utf8');
  } catch (error) {
    if (isMissing(error)) return null;
    throw new GuestPlatformError(codeOf(error), `reading ${path}: ${describe(error)}`);
  }
}

/** Replaces the file's content; rejects with `GuestPlatformError` on I/O errors. */
export async function writeStateFile(path: string, text: string): Promise<void> {
  const temporary = `${path}.tmp`;
  try {
    await mkdir(dirname(path), { recursive: true });
    await writeFile(temporary, text, 'utf8');
    await rename(temporary, path);
  } catch (error) {
    throw new GuestPlatformError(codeOf(error), `writing ${path}: ${describe(error)}`);
  }
}

function isMissing(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | null)?.code === 'ENOENT';
}

function codeOf(error: unknown): 'ACCESS_DENIED' | 'COMMAND_FAILED' {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  return code === 'EACCES' || code === 'EPERM' ? 'ACCESS_DENIED' : 'COMMAND_FAILED';
}

function describe(error: unknown): string {
  return error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error);
}
