import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { DriverError } from '../../../../agent/driver/driver-error.js';
import { PS_OPERATIONS } from '../../../../agent/driver/powershell/operations.js';
import {
  findScriptDirectory,
  loadScriptCatalog,
} from '../../../../agent/driver/powershell/script-catalog.js';

const root = mkdtempSync(join(tmpdir(), 'avma-catalog-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('agent/driver/powershell/script-catalog', () => {
  it('finds the scripts from the compiled module in dist/, as `npx avma` runs after npm ci', () => {
    const scripts = join(root, 'agent', 'driver', 'powershell', 'scripts');
    mkdirSync(join(root, 'dist', 'agent', 'driver', 'powershell'), { recursive: true });
    cpSync(findScriptDirectory(), scripts, { recursive: true });
    const compiled = pathToFileURL(
      join(root, 'dist', 'agent', 'driver', 'powershell', 'script-catalog.js'),
    ).href;
    expect(findScriptDirectory(compiled)).toBe(`${scripts}/`);
    expect(Object.keys(loadScriptCatalog(`${scripts}/`).operations)).toEqual([...PS_OPERATIONS]);
  });

  it('names every place it looked when the scripts are missing', () => {
    const lonely = pathToFileURL(join(root, 'elsewhere', 'script-catalog.js')).href;
    expect(() => findScriptDirectory(lonely)).toThrow(DriverError);
    expect(() => findScriptDirectory(lonely)).toThrow(
      /the PowerShell scripts are missing: no envelope.ps1 in .*elsewhere\/scripts\/ or /,
    );
  });

  it('refuses a script directory with an operation file missing', () => {
    const partial = join(root, 'partial');
    mkdirSync(partial);
    cpSync(join(findScriptDirectory(), 'envelope.ps1'), join(partial, 'envelope.ps1'));
    expect(() => loadScriptCatalog(`${partial}/`)).toThrow(/cannot read the PowerShell scripts/);
  });
});
