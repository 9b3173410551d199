/**
 * Joins a `.ps1` file into one line, the only shape the runner sends (PowerShell's `-Command -` reads
 * stdin statement by statement, and a multi-line statement can leave it waiting for more input).
 *
 * The join is purely textual, so the scripts follow three rules, all checked by the script tests with a
 * real PowerShell parser: comments only on lines of their own (`#` first), no here-strings or other
 * multi-line strings, no backtick line continuations, and statements ended with `;` where a newline
 * alone would have ended them. The tests also compare the parse trees of the file and its one-line form.
 */
export function joinScriptLines(source: string): string {
  const parts: string[] = [];
  for (const rawLine of source.split(/\r?\n/)) {
    const line = rawLine.trim();
    if (line === '' || line.startsWith('#')) continue;
    parts.push(line);
  }
  return parts.join(' ');
}

/**
 * Replaces every `placeholder` in `template` with `value` literally. `String.prototype.replace` would
 * interpret `$&`, `$'` and `` $` `` in the replacement, and PowerShell text is full of `$`.
 */
export function fillPlaceholder(template: string, placeholder: string, value: string): string {
  return template.split(placeholder).join(value);
}
