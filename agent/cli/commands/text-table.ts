/**
 * Aligned plain-text tables for the read-only commands. Cells may hold tenant-chosen text (VM names,
 * tenants, guest messages), so each is sanitised before it reaches a terminal: control characters
 * (which could move the cursor or recolour the screen) and bidirectional overrides (which could make
 * one name look like another) are removed, and long values are cut.
 */

/** C0 and C1 controls, DEL, and the Unicode bidi embedding/override/isolate marks. */
const UNSAFE = /[\p{Cc}\u200e\u200f\u202a-\u202e\u2066-\u2069]/gu;

/** Widest a cell may be before it is cut with an ellipsis. */
export const MAX_CELL_WIDTH = 40;

/** A UTF-16 surrogate without its partner: no terminal can show it (VM names may hold one). */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * A cell as it is safe to print: controls removed, lone surrogates written `\uD800`, at most `max`
 * characters. Never throws.
 */
export function sanitizeCell(value: string | number | boolean | null, max = MAX_CELL_WIDTH): string {
  if (value === null) return '-';
  const text = String(value)
    .replace(UNSAFE, '')
    .replace(LONE_SURROGATE, (unit) => `\\u${unit.charCodeAt(0).toString(16).toUpperCase()}`);
  const chars = [...text];
  return chars.length > max ? `${chars.slice(0, max - 1).join('')}…` : text;
}

/** Each column's width: its widest cell or title, and at least `floor` (the widths of earlier pages). */
export function columnWidths(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  floor: readonly number[] = [],
): number[] {
  return header.map((title, i) =>
    Math.max(title.length, floor[i] ?? 0, ...rows.map((row) => [...(row[i] ?? '')].length)),
  );
}

/**
 * Renders rows under a header, columns padded to their widest cell, two spaces apart. `floor` keeps
 * the columns of a later page at least as wide as earlier ones, for output streamed a page at a time.
 */
export function textTable(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  floor: readonly number[] = [],
): string {
  const widths = columnWidths(header, rows, floor);
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, i) => cell + ' '.repeat(Math.max(0, (widths[i] ?? 0) - [...cell].length)))
      .join('  ')
      .trimEnd();
  return `${[line(header), ...rows.map(line)].join('\n')}\n`;
}
