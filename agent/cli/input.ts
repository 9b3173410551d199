import { readFile, stat } from 'node:fs/promises';
import { CliError } from './cli-error.js';
import type { CliIo } from './command.js';

/** Inputs larger than this are refused: every CLI input is a document a person pastes or pipes. */
export const MAX_INPUT_BYTES = 64 * 1024 * 1024;

/**
 * Reads a `[FILE|-]` argument: a path, or standard input for `-` / no argument. Strips a UTF-8 BOM
 * (PowerShell's `Out-File` writes one). Throws `CliError` for a missing, oversized or empty input,
 * naming `expected` so the user learns what the command wanted.
 */
export async function readInputArgument(
  path: string | undefined,
  io: CliIo,
  expected: string,
): Promise<string> {
  const fromStdin = path === undefined || path === '-';
  const text = fromStdin ? await io.readStdin() : await readFileArgument(path);
  if (Buffer.byteLength(text, 'utf8') > MAX_INPUT_BYTES) {
    throw new CliError('INPUT', `input is larger than ${MAX_INPUT_BYTES} bytes; expected ${expected}`);
  }
  const withoutBom = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (withoutBom.trim() === '') {
    const where = fromStdin ? 'standard input' : `file ${path}`;
    throw new CliError('INPUT', `${where} is empty; expected ${expected}`);
  }
  return withoutBom;
}

async function readFileArgument(path: string): Promise<string> {
  try {
    const info = await stat(path);
    if (!info.isFile()) throw new CliError('UNREADABLE_FILE', `${path} is not a file`);
    if (info.size > MAX_INPUT_BYTES) {
      throw new CliError('INPUT', `${path} is ${info.size} bytes, more than the ${MAX_INPUT_BYTES} accepted`);
    }
    return await readFile(path, 'utf8');
  } catch (error) {
    if (error instanceof CliError) throw error;
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : String(error);
    throw new CliError('UNREADABLE_FILE', `cannot read ${path}: ${reason}`);
  }
}

/** Reads standard input of the current process to the end. */
export async function readProcessStdin(): Promise<string> {
  if (process.stdin.isTTY) return '';
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of process.stdin) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > MAX_INPUT_BYTES) {
      throw new CliError('INPUT', `standard input is larger than ${MAX_INPUT_BYTES} bytes`);
    }
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}
