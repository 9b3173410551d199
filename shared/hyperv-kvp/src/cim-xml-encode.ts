import { asciiItemText, XML_REFERENCES } from './ascii-item-text.js';
import { MINIMAL_LAYOUT } from './cim-xml-compact.js';
import { KvpError } from './errors.js';
import { isKvpSource, type KvpItemInput, type KvpSource } from './item.js';
import { checkWireLimits } from './limits.js';

/**
 * Encoding of one item as the embedded-instance text AddKvpItems/ModifyKvpItems/RemoveKvpItems take,
 * in the shape of Microsoft's samples (`GetText(CimDtd20)`): properties Data, Name, Source in that
 * order, TYPE attributes, no whitespace.
 */

export interface KvpEncodeOptions {
  /**
   * C0 control characters other than TAB/LF/CR cannot appear in XML 1.0 at all, not even as
   * references; XML 1.1 allows them as references. `'reference'` (default) writes `&#N;`, which this
   * library's decoder and XML 1.1 parsers accept; `'refuse'` throws FORBIDDEN_CHARACTER instead.
   * UNCONFIRMED which of the two Windows' WMI parser accepts, hence the option.
   */
  readonly controlCharacters?: 'reference' | 'refuse';
}

function describeUnit(unit: number): string {
  return `U+${unit.toString(16).toUpperCase().padStart(4, '0')}`;
}

const ESCAPED_UNITS: ReadonlySet<number> = new Set(
  XML_REFERENCES.map(([character]) => character.charCodeAt(0)),
);

/** `&#N;` for the C0 controls other than TAB, LF and CR (rare: a run at a time is fine here). */
function controlReferences(text: string): string {
  let out = '';
  let runStart = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit >= 0x20 || unit === 0x09 || unit === 0x0a || unit === 0x0d) continue;
    out += `${text.slice(runStart, i)}&#${unit};`;
    runStart = i + 1;
  }
  return out + text.slice(runStart);
}

/** Characters written as references: most values have none, or only quotes. */
const NEEDS_REFERENCE = /[&<>"'\t\n\r]/;

/**
 * What only the unit-by-unit scan handles: NUL and the other C0 controls (TAB, LF and CR are in
 * XML_REFERENCES), the non-characters U+FFFE/U+FFFF, and lone surrogates (`\p{Cs}` in a `u` pattern
 * matches only a surrogate that is not half of a pair).
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding the characters XML cannot carry is the point
const UNUSUAL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|\p{Cs}/u;

/**
 * Escapes `text` for element content so that any XML parser reads back exactly `text`. Refuses NUL,
 * lone surrogates and U+FFFE/U+FFFF (no XML version can carry them) and, with `'refuse'`, C0 controls.
 * Two native searches decide what is needed, then one native `replaceAll` runs per character present.
 * A JavaScript loop over every unit, building the result a run at a time, was most of a fleet's
 * encoding time and garbage (JSON data has a quote every few characters); the loop now runs only for
 * the rare value with a control or a surrogate, to refuse it or find its controls.
 */
function escapeText(text: string, field: string, options: KvpEncodeOptions): string {
  const controls = UNUSUAL.test(text) && scanUnusual(text, field, options);
  let out = text;
  if (NEEDS_REFERENCE.test(text)) {
    for (const [character, reference] of XML_REFERENCES) {
      if (out.includes(character)) out = out.replaceAll(character, reference);
    }
  }
  return controls ? controlReferences(out) : out;
}

/**
 * Checks every unit: throws for a lone surrogate, NUL, a non-character or (with `'refuse'`) a C0
 * control, naming its index; true when C0 controls are there to be written as references.
 */
function scanUnusual(text: string, field: string, options: KvpEncodeOptions): boolean {
  let controls = false;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit > 0x3e && unit < 0xd800) continue;
    if (unit >= 0xd800 && unit <= 0xdfff) {
      const next = text.charCodeAt(i + 1);
      if (unit > 0xdbff || !(next >= 0xdc00 && next <= 0xdfff)) {
        throw new KvpError(
          'UNPAIRED_SURROGATE',
          `${field} contains lone surrogate ${describeUnit(unit)} at index ${i}`,
        );
      }
      i++;
      continue;
    }
    if (!ESCAPED_UNITS.has(unit) && isReferencedControl(unit, field, i, options)) controls = true;
  }
  return controls;
}

/**
 * True when `unit` (not one of XML_REFERENCES) is a C0 control to write as a reference; throws for NUL, the
 * non-characters and, with `'refuse'`, C0 controls; false for everything else.
 */
function isReferencedControl(unit: number, field: string, index: number, options: KvpEncodeOptions): boolean {
  if (unit === 0)
    throw new KvpError('NUL_CHARACTER', `${field} contains U+0000 at index ${index}; expected no NUL`);
  if (unit === 0xfffe || unit === 0xffff) {
    throw new KvpError(
      'FORBIDDEN_CHARACTER',
      `${field} contains non-character ${describeUnit(unit)} at index ${index}`,
    );
  }
  if (unit >= 0x20) return false;
  if (options.controlCharacters === 'refuse') {
    throw new KvpError(
      'FORBIDDEN_CHARACTER',
      `${field} contains control character ${describeUnit(unit)} at index ${index}, which XML 1.0 cannot carry`,
    );
  }
  return true;
}

/**
 * Encodes one item for AddKvpItems/ModifyKvpItems (Source defaults to 0, as those methods require).
 * Returns the CIM-XML text; decodeKvpItem gives back exactly the same name, data and source. Throws
 * KvpError for an empty key (EMPTY_KEY), NUL, lone surrogates, non-characters, a Source outside 0..4
 * (INVALID_SOURCE) or a key/value over the wire limits.
 */
export function encodeKvpItem(item: KvpItemInput, options: KvpEncodeOptions = {}): string {
  const source: KvpSource | undefined = item.source ?? 0;
  if (!isKvpSource(source)) {
    throw new KvpError('INVALID_SOURCE', `Source is ${String(source)}, expected an integer 0..4`);
  }
  if (item.name.length === 0) {
    throw new KvpError('EMPTY_KEY', 'Name is empty; expected a non-empty key');
  }
  checkWireLimits({ name: item.name, data: item.data, source });
  const ascii = asciiItemText(item.data, item.name, source);
  if (ascii !== null) return ascii;
  // One flat string, as a host's answer is. `+` would build a tree of string pieces that every reader
  // (a decoder, a write to a pipe) first copies into one: that copy, on reading the 8,000-VM lab's
  // items, cost more than building the text this way (BENCHMARKS.md, issue 14, seventh session).
  return [
    MINIMAL_LAYOUT.beforeData,
    escapeText(item.data, 'Data', options),
    MINIMAL_LAYOUT.beforeName,
    escapeText(item.name, 'Name', options),
    MINIMAL_LAYOUT.beforeSource,
    String(source),
    MINIMAL_LAYOUT.afterSource,
  ].join('');
}

/**
 * Encodes the item RemoveKvpItems takes for key `name`: "only the keys need to match", so Data is
 * empty and Source 0, as in Microsoft's sample. Same refusals as encodeKvpItem for the key.
 */
export function encodeKvpRemoveItem(name: string, options: KvpEncodeOptions = {}): string {
  return encodeKvpItem({ name, data: '', source: 0 }, options);
}
