/**
 * `slmgr.vbs /ipk` and `/ato` through `cscript //nologo`, without a shell. slmgr.vbs reports a failure
 * as `Error: 0x<HRESULT> <text>` (its `ShowError`, with "Error: " from L_MsgErrorText_8, localised on
 * non-English systems) and exits with the HRESULT (`ExitScript objErr.Number`), so the code is read from
 * the output and, failing that, from the exit code. One failure prints no HRESULT and exits 0:
 * "Error: Product activation failed." (L_MsgActivated_Failed) when Activate() returned but the licence
 * is not Licensed; it is recognised in English only, elsewhere the licence facts tell.
 */
import { GuestPlatformError, type GuestPlatformErrorCode } from '../guest-platform.js';
import type { ProcessRunner } from './process-runner.js';
import type { WindowsPaths } from './windows-paths.js';

/** A 5x5 product key of letters and digits: the only text that may follow /ipk. */
const PRODUCT_KEY_SHAPE = /^[A-Z0-9]{5}(?:-[A-Z0-9]{5}){4}$/;
const HRESULT_IN_OUTPUT = /\b0x([0-9A-Fa-f]{8})\b/;
const ACTIVATION_FAILED_WITHOUT_CODE = /^Error: Product activation failed\.\s*$/m;
/** SL_E_... "requires elevated privileges" (slmgr.vbs L_MsgError_C004F025) and E_ACCESSDENIED. */
const ACCESS_DENIED_HRESULTS: readonly string[] = ['0xC004F025', '0x80070005'];

/**
 * The HRESULT an slmgr run printed (`0x` and 8 hex digits) or exited with (any code with the high bit
 * set), upper-cased; `null` when there is neither. Never throws.
 */
export function slmgrHresult(output: string, exitCode: number): string | null {
  const printed = HRESULT_IN_OUTPUT.exec(output)?.[1];
  if (printed !== undefined) return `0x${printed.toUpperCase()}`;
  const unsigned = exitCode >>> 0;
  return unsigned >= 0x8000_0000 ? `0x${unsigned.toString(16).toUpperCase().padStart(8, '0')}` : null;
}

/**
 * `slmgr /ipk KEY`. Resolves when slmgr exits 0; rejects with `GuestPlatformError` KEY_REJECTED (or
 * ACCESS_DENIED) carrying the HRESULT, e.g. 0xC004F069 on an Evaluation edition. A key not shaped
 * like a product key is rejected without running anything.
 */
export async function installProductKey(
  runner: ProcessRunner,
  paths: WindowsPaths,
  key: string,
): Promise<void> {
  if (!PRODUCT_KEY_SHAPE.test(key)) {
    throw new GuestPlatformError(
      'KEY_REJECTED',
      'slmgr /ipk: the key is not 5 groups of 5 letters or digits',
    );
  }
  await runSlmgr(runner, paths, ['/ipk', key], 'KEY_REJECTED');
}

/**
 * `slmgr /ato`. Resolves when slmgr exits 0 without reporting a failure; rejects with
 * `GuestPlatformError` COMMAND_FAILED (or ACCESS_DENIED) carrying the HRESULT when there is one
 * (e.g. 0xC004FD02: the host is not activated).
 */
export async function activate(runner: ProcessRunner, paths: WindowsPaths): Promise<void> {
  await runSlmgr(runner, paths, ['/ato'], 'COMMAND_FAILED');
}

async function runSlmgr(
  runner: ProcessRunner,
  paths: WindowsPaths,
  args: readonly string[],
  failure: GuestPlatformErrorCode,
): Promise<void> {
  const operation = `slmgr ${args[0] ?? ''}`;
  const result = await runner(paths.cscript, ['//nologo', paths.slmgr, ...args]);
  const output = `${result.stdout}\n${result.stderr}`;
  const hresult = slmgrHresult(output, result.code);
  if (result.code === 0 && hresult === null && !ACTIVATION_FAILED_WITHOUT_CODE.test(output)) return;
  const code = hresult !== null && ACCESS_DENIED_HRESULTS.includes(hresult) ? 'ACCESS_DENIED' : failure;
  const firstLine =
    output.split(/\r?\n/).find((line) => /\S/.test(line) && !line.startsWith('Activating ')) ?? '';
  throw new GuestPlatformError(code, `${operation} failed: ${firstLine.trim().slice(0, 200)}`, hresult);
}
