import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { joinScriptLines } from '../../../../agent/driver/powershell/one-line.js';
import { PS_OPERATION_SPECS, PS_OPERATIONS } from '../../../../agent/driver/powershell/operations.js';
import { buildRequestText } from '../../../../agent/driver/powershell/request-text.js';
import {
  findScriptDirectory,
  loadScriptCatalog,
} from '../../../../agent/driver/powershell/script-catalog.js';
import { codeOnly, namedShape, nodesOfType, ps7OnlySyntax, syntaxProblems } from './ps-parser.js';

const directory = findScriptDirectory();
const files = readdirSync(directory).filter((file) => file.endsWith('.ps1'));
const sources = files.map((file) => [file, readFileSync(`${directory}${file}`, 'utf8')] as const);
const marker = `avma:${'0'.repeat(32)}:`;

describe('agent/driver/powershell/scripts', () => {
  it('ships every script file an operation names, and no stray ones', () => {
    const named = new Set([
      'envelope.ps1',
      ...PS_OPERATIONS.flatMap((operation) => PS_OPERATION_SPECS[operation].files),
    ]);
    expect(new Set(files)).toEqual(named);
  });

  describe.each(sources)('%s', (file, source) => {
    it('parses with tree-sitter-powershell without ERROR or MISSING nodes', () => {
      expect(syntaxProblems(source)).toEqual([]);
    });

    it('uses no PowerShell 7-only syntax or parameters', () => {
      expect(ps7OnlySyntax(source)).toEqual([]);
    });

    it('is plain ASCII, so no typographic quote can end a string early', () => {
      expect(source).toMatch(/^[\t\n\r\x20-\x7e]*$/);
    });

    it('keeps comments on lines of their own and has no multi-line strings or continuations', () => {
      const lines = source.split('\n');
      for (const comment of nodesOfType(source, ['comment'])) {
        expect(comment.text.startsWith('<#'), `${file}: block comment`).toBe(false);
        expect(
          lines[comment.startRow]?.trim().startsWith('#'),
          `${file}:${comment.startRow + 1}: comment after code`,
        ).toBe(true);
      }
      for (const literal of nodesOfType(source, ['string_literal'])) {
        expect(literal.endRow, `${file}:${literal.startRow + 1}: string spans lines`).toBe(literal.startRow);
      }
      expect(source).not.toMatch(/`[ \t]*\r?$/m);
    });

    it('means the same statements once joined into one line (same parse tree shape, still no errors)', () => {
      const oneLine = joinScriptLines(source);
      expect(oneLine).not.toMatch(/[\r\n]/);
      expect(syntaxProblems(oneLine)).toEqual([]);
      expect(namedShape(oneLine)).toBe(namedShape(source));
    });
  });

  it.each(PS_OPERATIONS)('sends %s as one line that parses, envelope included', (operation) => {
    const text = buildRequestText(
      loadScriptCatalog(),
      operation,
      { ComputerName: null, Arguments: {} },
      marker,
    );
    expect(text).not.toMatch(/[\r\n]/);
    expect(text.startsWith('& {')).toBe(true);
    expect(syntaxProblems(text)).toEqual([]);
    expect(ps7OnlySyntax(text)).toEqual([]);
  });
});

describe('test/agent/driver/powershell/ps-parser (the 7-only check itself)', () => {
  it.each([
    ['$a = $b ?? 1', 'null-coalescing'],
    ['$a ??= 1', 'null-coalescing'],
    ['$x = $y?.Name', 'null-conditional'],
    ['$x = $flag ? 1 : 2', 'ternary'],
    ['Get-Item a && Get-Item b', '&&'],
    ['Get-Item a || Get-Item b', '||'],
    ['ConvertTo-Json -InputObject $x -AsArray', '-AsArray'],
    ['ConvertTo-Json -InputObject $x -EnumsAsStrings', '-EnumsAsStrings'],
    ['$x = $text | ConvertFrom-Json -AsHashtable', '-AsHashtable'],
    ['1..3 | ForEach-Object -Parallel { $_ }', '-Parallel'],
    ['"$($a ?? 1)"', 'null-coalescing'],
  ])('rejects %s', (code, what) => {
    expect(ps7OnlySyntax(code).join(' | ')).toContain(what);
  });

  it.each([
    "$text = 'a && b || c ?? d ?. e'",
    '# a ?? b && c',
    'if ($?) { $ok = 1 }',
    "$pattern = '^[0-9A-F]{8}-?$'",
  ])('accepts %s (strings, comments and $? are not 7-only syntax)', (code) => {
    expect(ps7OnlySyntax(code)).toEqual([]);
  });

  it('blanks strings and comments but keeps sub-expressions inside double quotes', () => {
    expect(codeOnly(`$a = "x $(Get-Date) y" # note`)).toBe(`$a =    $(Get-Date)          `);
  });
});
