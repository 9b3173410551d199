/** Reads a fixture from test/fixtures/avma (see PROVENANCE.md there). */
import { readFileSync } from 'node:fs';

export function fixtureText(name: string): string {
  return readFileSync(new URL(`../../fixtures/avma/${name}`, import.meta.url), 'utf8');
}

/** Rows of the Markdown tables in a fixture: trimmed cells, `<br>` written as " / ", separator rows dropped. */
export function markdownRows(text: string): string[][] {
  return text
    .split('\n')
    .filter((line) => line.startsWith('|') && !/^\|[-:| ]+\|\s*$/.test(line))
    .map((line) =>
      line
        .slice(1, line.lastIndexOf('|'))
        .split('|')
        .map((cell) => cell.replace(/\s*<br\s*\/?>\s*/g, ' / ').trim()),
    );
}
