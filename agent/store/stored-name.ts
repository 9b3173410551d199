/**
 * VM names exactly as Hyper-V reports them, through a store that can only hold UTF-8. A name that is
 * not well-formed UTF-16 (a lone surrogate: Windows allows any 16-bit units) would be turned into
 * U+FFFD by SQLite's driver and the original lost, so it is stored escaped instead: a marker, then the
 * name with `\` doubled and each lone surrogate written `\uXXXX`. The marker is U+FFFF, a Unicode
 * non-character meant never to appear in interchanged text; a name that happens to start with it is
 * escaped too, so every stored form decodes to exactly one name. Well-formed names are stored as
 * they are, so lookups and sorting by name are unchanged for them.
 */

const MARKER = '\uFFFF';
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const LONE_SURROGATES = new RegExp(LONE_SURROGATE.source, 'g');
const ESCAPE = /\\(\\|u[0-9A-F]{4})/g;

function hex(unit: number): string {
  return `\\u${unit.toString(16).toUpperCase().padStart(4, '0')}`;
}

/** String.prototype.isWellFormed (Node 20), which this project's TypeScript lib does not declare yet. */
const nativeWellFormed = (String.prototype as { isWellFormed?: (this: string) => boolean }).isWellFormed;
const isWellFormed = (text: string): boolean =>
  nativeWellFormed === undefined ? !LONE_SURROGATE.test(text) : nativeWellFormed.call(text);

const LONE_SURROGATES_OR_NULS = new RegExp(`${LONE_SURROGATE.source}|\\u0000`, 'g');

/** The escaped form: the marker, then `text` with `\` doubled and each unit `units` matches as `\uXXXX`. */
function escaped(text: string, units: RegExp): string {
  return MARKER + text.replace(/\\/g, '\\\\').replace(units, (unit) => hex(unit.charCodeAt(0)));
}

/** The name as stored: itself when well-formed (and not starting with the marker), else escaped. Never throws. */
export function storedName(name: string): string {
  if (isWellFormed(name) && !name.startsWith(MARKER)) return name;
  return escaped(name, LONE_SURROGATES);
}

/**
 * KVP item text (kvp-repo.ts) as stored: as `storedName`, and U+0000 escaped as well. A guest may
 * write any bytes, and PostgreSQL's text cannot hold NUL. Decoded by `nameFromStored`. Never throws.
 */
export function storedKvpText(text: string): string {
  if (isWellFormed(text) && !text.includes('\0') && !text.startsWith(MARKER)) return text;
  return escaped(text, LONE_SURROGATES_OR_NULS);
}

/** The original name of a stored one (the inverse of `storedName`). Never throws. */
export function nameFromStored(stored: string): string {
  if (!stored.startsWith(MARKER)) return stored;
  return stored
    .slice(MARKER.length)
    .replace(ESCAPE, (_match, escaped: string) =>
      escaped === '\\' ? '\\' : String.fromCharCode(Number.parseInt(escaped.slice(1), 16)),
    );
}

/** `nameFromStored` keeping null (a VM that never reported a name). Never throws. */
export function nameFromStoredOrNull(stored: string | null): string | null {
  return stored === null ? null : nameFromStored(stored);
}
