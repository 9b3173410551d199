import {
  decodeKvpInstanceList,
  decodeKvpItems,
  encodeKvpItem,
  isKvpError,
  type KvpItem,
  type KvpSource,
} from 'hyperv-kvp';
import { CliError } from '../cli-error.js';

export const KVP_INPUT_EXPECTED =
  'a JSON array of CIM-XML strings (as `ConvertTo-Json` prints GuestIntrinsicExchangeItems) or raw XML with <INSTANCE> elements';

export const KVP_ITEMS_EXPECTED = `${KVP_INPUT_EXPECTED}, or the JSON output of "avma kvp decode"`;

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new CliError(
      'INPUT',
      `input is not valid JSON (${(error as Error).message}); expected ${KVP_INPUT_EXPECTED}`,
    );
  }
}

const SOURCES: readonly number[] = [0, 1, 2, 3, 4];

/** An element of `avma kvp decode` output, read back for `identify`; still checked, never trusted. */
function decodedItem(value: unknown, index: number): KvpItem {
  const record = value as { name?: unknown; data?: unknown; source?: unknown };
  const source = record.source ?? 2;
  if (
    typeof record.name !== 'string' ||
    typeof record.data !== 'string' ||
    !SOURCES.includes(source as number)
  ) {
    throw new CliError(
      'INPUT',
      `element ${index} is not a KVP item; expected a CIM-XML string or {"name": string, "data": string, "source": 0..4}`,
    );
  }
  const item = { name: record.name, data: record.data, source: source as KvpSource };
  // The checks CIM-XML input goes through (non-empty key, wire size limits, no NUL, lone surrogate or
  // U+FFFE/U+FFFF): an item is accepted here only if it could have arrived as CIM-XML.
  try {
    encodeKvpItem(item);
  } catch (error) {
    if (!isKvpError(error)) throw error;
    throw new CliError('INPUT', `element ${index}: ${error.reason}`);
  }
  return item;
}

/**
 * Turns CLI input into KVP items. PowerShell's `ConvertTo-Json` prints a one-element array as a bare
 * string, so a JSON string is accepted as a list of one. With `acceptDecoded`, objects shaped like
 * `avma kvp decode` output are accepted too, so the two commands can be piped together.
 */
export function kvpItemsFromInput(text: string, acceptDecoded: boolean): KvpItem[] {
  const trimmed = text.trim();
  if (trimmed.startsWith('<')) return decodeKvpInstanceList(trimmed);
  const parsed = parseJson(trimmed);
  const elements = typeof parsed === 'string' ? [parsed] : parsed;
  if (!Array.isArray(elements)) {
    throw new CliError(
      'INPUT',
      `input JSON is ${parsed === null ? 'null' : typeof parsed}; expected ${KVP_INPUT_EXPECTED}`,
    );
  }
  if (elements.every((element) => typeof element === 'string')) return decodeKvpItems(elements as string[]);
  if (acceptDecoded && elements.every((element) => typeof element === 'object' && element !== null)) {
    return elements.map(decodedItem);
  }
  const index = elements.findIndex((element) => typeof element !== 'string');
  throw new CliError(
    'INPUT',
    `element ${index} of the JSON array is not a string; expected ${KVP_INPUT_EXPECTED}`,
  );
}
