import { readFile, stat } from 'node:fs/promises';
import { firstInvalidUtf8Byte } from 'hyperv-kvp';
import { CliError } from './cli-error.js';
import type { CliIo } from './command.js';

/** Inputs larger than this are refused: every CLI input is a document a person pastes or pipes. */
export const MAX_INPUT_BYTES = 64 * 1024 * 1024;

/** How input bytes become text: `lenient` replaces invalid UTF-8 with U+FFFD, `strict` refuses it. */
export type InputDecoding = 'lenient' | 'strict';

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function decodeInput(
  input: string | Uint8Array,
  decoding: InputDecoding,
  where: string,
  expected: string,
): string {
  if (typeof input === 'string') return input;
  if (decoding === 'lenient')
    return Buffer.from(input.buffer, input.byteOffset, input.byteLength).toString('utf8');
  try {
    return strictUtf8.decode(input);
  } catch {
    const offset = firstInvalidUtf8Byte(input);
    throw new CliError('INPUT', `${where} is not valid UTF-8 (byte offset ${offset}); expected ${expected}`);
  }
}

/**
 * Reads a `[FILE|-]` argument: a path, or standard input for `-` / no argument. Strips a UTF-8 BOM
 * (PowerShell's `Out-File` writes one). Throws `CliError` for a missing, oversized or empty input, and
 * with `strict` decoding for bytes that are not UTF-8, naming `expected` so the user learns what the
 * command wanted.
 */
export async function readInputArgument(
  path: string | undefined,
  io: CliIo,
  expected: string,
  decoding: InputDecoding = 'lenient',
): Promise<string> {
  const fromStdin = path === undefined || path === '-';
  const where = fromStdin ? 'standard input' : `file ${path}`;
  const input = fromStdin ? await io.readStdin() : await readFileArgument(path);
  const size = typeof input === 'string' ? Buffer.byteLength(input, 'utf8') : input.byteLength;
  if (size > MAX_INPUT_BYTES) {
    throw new CliError('INPUT', `input is larger than ${MAX_INPUT_BYTES} bytes; expected ${expected}`);
  }
  const text = decodeInput(input, decoding, where, expected);
  const withoutBom = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (withoutBom.trim() === '') {
    throw new CliError('INPUT', `${where} is empty; expected ${expected}`);
  }
  return withoutBom;
}

async function readFileArgument(path: string): Promise<Buffer> {
  try {
    const info = await stat(path);
    if (!info.isFile()) throw new CliError('UNREADABLE_FILE', `${path} is not a file`);
    if (info.size > MAX_INPUT_BYTES) {
      throw new CliError('INPUT', `${path} is ${info.size} bytes, more than the ${MAX_INPUT_BYTES} accepted`);
    }
    return await readFile(path);
  } catch (error) {
    if (error instanceof CliError) throw error;
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : String(error);
    throw new CliError('UNREADABLE_FILE', `cannot read ${path}: ${reason}`);
  }
}

/** Reads standard input of the current process to the end, as bytes (commands choose how to decode). */
export async function readProcessStdin(): Promise<Uint8Array> {
  if (process.stdin.isTTY) return new Uint8Array(0);
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
  return Buffer.concat(chunks);
}
