import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { sevenOnlySyntax, syntaxErrors } from '../../powershell-checks.js';

const SCRIPTS = new URL('../../../../guest/platform/scripts/', import.meta.url);
const SCRIPT_FILES = readdirSync(SCRIPTS).filter((file) => file.endsWith('.ps1'));

describe('guest/platform/scripts (PowerShell syntax)', () => {
  it('has the scripts the Windows adapter calls', () => {
    expect(SCRIPT_FILES.sort()).toEqual([
      'activation-events.ps1',
      'avma-common.ps1',
      'kvp-delete.ps1',
      'kvp-read.ps1',
      'kvp-write.ps1',
      'license-facts.ps1',
      'os-facts.ps1',
    ]);
  });

  describe.each(SCRIPT_FILES)('%s', (file) => {
    const source = readFileSync(new URL(file, SCRIPTS), 'utf8');

    it('parses without ERROR or MISSING nodes', () => {
      expect(syntaxErrors(source)).toEqual([]);
    });

    it('uses no PowerShell 7-only syntax', () => {
      expect(sevenOnlySyntax(source)).toEqual([]);
    });

    it('never evaluates text as code', () => {
      expect(source).not.toMatch(/Invoke-Expression|\biex\b|\[scriptblock\]::Create|AddScript/i);
    });

    if (file !== 'avma-common.ps1') {
      it('takes its only argument as base64 JSON', () => {
        expect(source).toMatch(/^param\(\[Parameter\(Mandatory = \$true\)\]\[string\]\$RequestBase64\)$/m);
        expect(source).toContain(". (Join-Path -Path $PSScriptRoot -ChildPath 'avma-common.ps1')");
      });
    }
  });

  describe('the checks themselves', () => {
    it('flag a syntax error and an unclosed block', () => {
      expect(syntaxErrors('if ($x) { Get-Item')).not.toEqual([]);
      expect(syntaxErrors('$a = (1 + ')).not.toEqual([]);
    });

    it.each([
      ['a pipeline chain', 'Get-Item a && Get-Item b', 'pipeline chain (&& or ||)'],
      ['-AsArray', 'ConvertTo-Json -InputObject $x -AsArray', 'parameter -AsArray'],
      ['-EnumsAsStrings', '$x | ConvertTo-Json -EnumsAsStrings', 'parameter -EnumsAsStrings'],
      ['ForEach-Object -Parallel', '1..3 | ForEach-Object -Parallel { $_ }', 'parameter -Parallel'],
    ])('flag %s', (_label, source, what) => {
      expect(sevenOnlySyntax(source).map((finding) => finding.what)).toContain(what);
    });

    it.each([
      ['null-coalescing', '$a = $b ?? 1'],
      ['a ternary', '$a = $b ? 1 : 2'],
      // biome-ignore lint/suspicious/noTemplateCurlyInString: ${b} is PowerShell's braced variable syntax
      ['null-conditional access', '$a = ${b}?.Name'],
    ])('flag %s (as a 5.1 syntax error or a 7-only operator)', (_label, source) => {
      expect([...syntaxErrors(source), ...sevenOnlySyntax(source)]).not.toEqual([]);
    });

    it('do not flag operators inside strings and comments', () => {
      expect(sevenOnlySyntax("$a = 'x ?? y' # a ?. b")).toEqual([]);
    });
  });
});
