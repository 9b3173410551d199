/**
 * Where the Windows adapter finds its programs and keeps its state. Built with `path.win32` so the
 * same strings come out on the Linux machines that run the tests.
 */
import { existsSync } from 'node:fs';
import { win32 } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface WindowsPaths {
  readonly powershell: string;
  readonly cscript: string;
  readonly slmgr: string;
  /** Folder holding the `.ps1` scripts (guest/platform/scripts). */
  readonly scripts: string;
  /** `%ProgramData%\avma-agent\guest-state.json`. */
  readonly stateFile: string;
}

export interface WindowsEnvironment {
  readonly SystemRoot?: string;
  readonly ProgramData?: string;
}

/**
 * Absolute paths from `%SystemRoot%` (default `C:\Windows`) and `%ProgramData%` (default
 * `C:\ProgramData`): Windows PowerShell 5.1 is used because every supported guest has it (the scripts
 * also run on PowerShell 7). Absolute paths keep a tampered PATH from choosing the programs. Never throws.
 */
export function windowsPaths(env: WindowsEnvironment, scriptsDirectory: string): WindowsPaths {
  const systemRoot = env.SystemRoot ?? 'C:\\Windows';
  const system32 = win32.join(systemRoot, 'System32');
  return Object.freeze({
    powershell: win32.join(system32, 'WindowsPowerShell', 'v1.0', 'powershell.exe'),
    cscript: win32.join(system32, 'cscript.exe'),
    slmgr: win32.join(system32, 'slmgr.vbs'),
    scripts: scriptsDirectory,
    stateFile: win32.join(env.ProgramData ?? 'C:\\ProgramData', 'avma-agent', 'guest-state.json'),
  });
}

/**
 * The scripts folder next to this module (running from source) or in the source tree beside the build
 * output (`dist/guest/platform/windows` -> `guest/platform/scripts`). Never throws; the first candidate
 * is returned when neither exists, so the error names a path.
 */
export function defaultScriptsDirectory(): string {
  const candidates = [
    fileURLToPath(new URL('../scripts/', import.meta.url)),
    fileURLToPath(new URL('../../../../guest/platform/scripts/', import.meta.url)),
  ];
  return candidates.find((candidate) => existsSync(candidate)) ?? (candidates[0] as string);
}
