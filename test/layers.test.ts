/**
 * The layering rules, checked on the source: `guest/` depends only on `shared/` (it ships alone into
 * tenants' VMs); `agent/model/` depends on nothing of the agent; the store and usage never import the
 * driver boundary; no SQL outside agent/store (architecture §2).
 */
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..');

async function sources(folder: string): Promise<string[]> {
  const entries = await readdir(join(ROOT, folder), { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile() && /\.tsx?$/.test(entry.name))
    .map((entry) => relative(ROOT, join(entry.parentPath, entry.name)));
}

/** Every relative import of a file, as a path from the repository root. */
async function relativeImports(file: string): Promise<string[]> {
  const text = await readFile(join(ROOT, file), 'utf8');
  const specifiers = [...text.matchAll(/^(?:import|export)[^;]*? from '(\.[^']+)';/gms)].map(
    (m) => m[1] ?? '',
  );
  return specifiers.map((spec) => relative(ROOT, resolve(ROOT, dirname(file), spec)));
}

async function importsOutside(folder: string, allowed: readonly string[]): Promise<string[]> {
  const found: string[] = [];
  for (const file of await sources(folder)) {
    for (const target of await relativeImports(file)) {
      if (!allowed.some((prefix) => target.startsWith(prefix))) found.push(`${file} -> ${target}`);
    }
  }
  return found;
}

describe('layers', () => {
  it('guest/ imports only guest/ and shared/', async () => {
    expect(await importsOutside('guest', ['guest/', 'shared/'])).toEqual([]);
  });

  it('agent/model imports nothing of the agent', async () => {
    expect(await importsOutside('agent/model', ['agent/model/', 'shared/'])).toEqual([]);
  });

  it('the store and usage never import the driver boundary', async () => {
    for (const folder of ['agent/store', 'agent/usage']) {
      const imports = await importsOutside(folder, [
        'agent/store/',
        'agent/usage/',
        'agent/model/',
        'shared/',
      ]);
      expect(imports.filter((line) => line.includes('agent/driver'))).toEqual([]);
    }
  });

  it('keeps SQL inside agent/store', async () => {
    const outside = (await sources('agent')).filter((file) => !file.startsWith('agent/store/'));
    const withSql: string[] = [];
    for (const file of outside) {
      const text = await readFile(join(ROOT, file), 'utf8');
      if (/\b(?:SELECT|INSERT INTO|CREATE TABLE|DELETE FROM)\s/.test(text)) withSql.push(file);
    }
    expect(outside.length).toBeGreaterThan(100);
    expect(withSql).toEqual([]);
  });

  it('finds the imports it checks (the rules cannot pass by reading nothing)', async () => {
    expect((await sources('guest')).length).toBeGreaterThan(10);
    expect(await importsOutside('agent/lab', ['agent/lab/'])).toContain(
      'agent/lab/lab-guest-platform.ts -> guest/platform/guest-platform.js',
    );
  });
});
