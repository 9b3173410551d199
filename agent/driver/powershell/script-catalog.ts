import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DriverError } from '../driver-error.js';
import { fillPlaceholder, joinScriptLines } from './one-line.js';
import { ENVELOPE_FILE, PS_OPERATION_SPECS, PS_OPERATIONS, type PsOperation } from './operations.js';

/**
 * The `.ps1` files are read from the source tree at run time: `tsc` does not copy them into `dist/`,
 * and keeping them as real files lets operators read and diff exactly what runs. From the sources the
 * directory is next to this module; from the build (`dist/agent/driver/powershell/`) it is four levels
 * up, in the repository the package was installed from (`npm ci` keeps both).
 */
const SCRIPT_DIRECTORY_CANDIDATES = ['./scripts/', '../../../../agent/driver/powershell/scripts/'] as const;

/**
 * Returns the directory holding the scripts, looked up relative to `moduleUrl` (this module's URL by
 * default). Throws DriverError 'UNSUPPORTED' naming every place it looked when none holds envelope.ps1.
 */
export function findScriptDirectory(moduleUrl: string = import.meta.url): string {
  const tried: string[] = [];
  for (const candidate of SCRIPT_DIRECTORY_CANDIDATES) {
    const directory = fileURLToPath(new URL(candidate, moduleUrl));
    if (existsSync(`${directory}${ENVELOPE_FILE}`)) return directory;
    tried.push(directory);
  }
  throw new DriverError(
    'UNSUPPORTED',
    `the PowerShell scripts are missing: no ${ENVELOPE_FILE} in ${tried.join(' or ')}; expected the source tree next to dist/`,
  );
}

export const ENVELOPE_PLACEHOLDERS = Object.freeze({
  marker: '__AVMA_MARKER__',
  request: '__AVMA_REQUEST__',
  operation: '__AVMA_OPERATION__',
});

/** The one-line envelope and one-line operation bodies, read once per directory. */
export interface ScriptCatalog {
  readonly directory: string;
  readonly envelope: string;
  readonly operations: Readonly<Record<PsOperation, string>>;
}

const catalogs = new Map<string, ScriptCatalog>();

function readScript(directory: string, file: string): string {
  return joinScriptLines(readFileSync(`${directory}${file}`, 'utf8'));
}

/**
 * Loads every script (envelope and operations) from `directory` (default: `findScriptDirectory()`),
 * joined into one line each, and caches the result. Throws DriverError 'UNSUPPORTED' when a file is
 * missing or the envelope lacks a placeholder.
 */
export function loadScriptCatalog(directory: string = findScriptDirectory()): ScriptCatalog {
  const cached = catalogs.get(directory);
  if (cached !== undefined) return cached;
  try {
    const envelope = readScript(directory, ENVELOPE_FILE);
    for (const placeholder of Object.values(ENVELOPE_PLACEHOLDERS)) {
      if (!envelope.includes(placeholder)) {
        throw new DriverError(
          'UNSUPPORTED',
          `${ENVELOPE_FILE} has no ${placeholder}; expected all three placeholders`,
        );
      }
    }
    const operations = {} as Record<PsOperation, string>;
    for (const operation of PS_OPERATIONS) {
      operations[operation] = PS_OPERATION_SPECS[operation].files
        .map((file) => readScript(directory, file))
        .join(' ');
    }
    const catalog = Object.freeze({ directory, envelope, operations: Object.freeze(operations) });
    catalogs.set(directory, catalog);
    return catalog;
  } catch (error) {
    if (error instanceof DriverError) throw error;
    throw new DriverError(
      'UNSUPPORTED',
      `cannot read the PowerShell scripts in ${directory}: ${String(error)}`,
      {
        cause: error,
      },
    );
  }
}

/** The envelope with the operation body in place; marker and request placeholders are still open. */
export function operationTemplate(catalog: ScriptCatalog, operation: PsOperation): string {
  return fillPlaceholder(catalog.envelope, ENVELOPE_PLACEHOLDERS.operation, catalog.operations[operation]);
}
