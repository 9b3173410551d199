/**
 * Parser for `slmgr.vbs /dli` and `/dlv` output of one product. Tolerates CRLF, a BOM, blank lines, the
 * Windows Script Host banner, indentation, and labels with or without a space after the colon (the seed's
 * samples have none: `Name:Windows(R) 7, Enterprise edition`; slmgr.vbs prints `Name: `).
 */
import { AvmaError } from './errors.js';
import { BARE_LINES, LABELLED_LINES, type SlmgrDraft } from './slmgr-labels.js';
import { emptyProduct, type SlmgrKeyKind, type SlmgrReport } from './slmgr-report.js';

/** /dlv of one product is ~2 KB; anything past these caps is not slmgr output worth reading. */
export const MAX_SLMGR_OUTPUT_CHARS = 64 * 1024;
export const MAX_SLMGR_LINES = 1000;
const MAX_LABEL_CHARS = 80;
const MAX_KEPT_LINES = 100;

const BANNER = [/^Microsoft \(R\) Windows Script Host Version /i, /^Copyright \(C\) Microsoft Corporation/i];

function invalid(message: string): AvmaError {
  return new AvmaError('INVALID_SLMGR_OUTPUT', message);
}

/** Channel token of "Windows(R) Operating System, VOLUME_KMSCLIENT channel". */
function channelOf(description: string | null): string | null {
  const match = description === null ? null : /,\s*([A-Za-z0-9_]+)\s+channel\s*$/i.exec(description);
  return match?.[1]?.toUpperCase() ?? null;
}

/**
 * slmgr.vbs `IsAVMA` tests for VIRTUAL_MACHINE_ACTIVATION, `IsKmsClient` for VOLUME_KMSCLIENT and
 * `IsKmsServer` for any other VOLUME_KMS token (VOLUME_KMS_C, VOLUME_KMS_R2_B, ...).
 */
function keyKindOfChannel(channel: string): SlmgrKeyKind | null {
  if (channel.includes('VIRTUAL_MACHINE_ACTIVATION')) return 'avma';
  if (channel.includes('VOLUME_KMSCLIENT')) return 'gvlk';
  if (channel.startsWith('VOLUME_KMS')) return 'kms-host';
  if (channel.startsWith('VOLUME_MAK')) return 'mak';
  if (channel.startsWith('RETAIL')) return 'retail';
  if (channel.startsWith('OEM')) return 'oem';
  return null;
}

/** `/dlv` "Product Key Channel" values: Volume:GVLK, Volume:MAK, Volume:CSVLK, Retail, OEM:DM, ... */
function keyKindOfProductKeyChannel(value: string): SlmgrKeyKind | null {
  const lower = value.toLowerCase();
  if (lower === 'volume:gvlk') return 'gvlk';
  if (lower === 'volume:mak') return 'mak';
  if (lower === 'volume:csvlk') return 'kms-host';
  if (lower.startsWith('retail')) return 'retail';
  if (lower.startsWith('oem')) return 'oem';
  return null;
}

function splitLines(text: string): string[] {
  if (typeof text !== 'string')
    throw invalid('slmgr output is not text, expected the output of slmgr /dli or /dlv');
  if (text.length > MAX_SLMGR_OUTPUT_CHARS) {
    throw invalid(`slmgr output has ${text.length} characters, expected at most ${MAX_SLMGR_OUTPUT_CHARS}`);
  }
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/);
  if (lines.length > MAX_SLMGR_LINES) {
    throw invalid(`slmgr output has ${lines.length} lines, expected at most ${MAX_SLMGR_LINES}`);
  }
  return lines;
}

/** Applies one trimmed, non-blank line; true when it was a line slmgr defines. */
function applyLine(draft: SlmgrDraft, line: string, lineNumber: number, seen: Map<string, number>): boolean {
  const bare = BARE_LINES.get(line.toLowerCase());
  if (bare !== undefined) {
    bare(draft);
    return true;
  }
  const colon = line.indexOf(':');
  const label = colon > 0 ? line.slice(0, colon).trim() : '';
  if (label === '' || label.length > MAX_LABEL_CHARS) {
    if (draft.notes.length < MAX_KEPT_LINES) draft.notes.push(line);
    return false;
  }
  const value = line.slice(colon + 1).trim();
  const key = label.toLowerCase();
  const setter = LABELLED_LINES.get(key);
  if (setter === undefined) {
    if (Object.keys(draft.other).length < MAX_KEPT_LINES && !Object.hasOwn(draft.other, label)) {
      draft.other[label] = value;
    }
    return false;
  }
  const first = seen.get(key);
  if (first !== undefined) {
    throw invalid(
      `line ${lineNumber}: "${label}" repeats line ${first}, expected the slmgr /dli or /dlv output of one product`,
    );
  }
  seen.set(key, lineNumber);
  setter(draft, value, { line: lineNumber, label });
  return true;
}

function finish(draft: SlmgrDraft): SlmgrReport {
  const channel = channelOf(draft.product.description);
  const fromChannel = channel === null ? null : keyKindOfChannel(channel);
  const fromProductKey =
    draft.product.productKeyChannel === null
      ? null
      : keyKindOfProductKeyChannel(draft.product.productKeyChannel);
  const freeze = <T extends object>(section: T | null): Readonly<T> | null =>
    section === null ? null : Object.freeze(section);
  return Object.freeze({
    ...draft.product,
    channel,
    keyKind: fromChannel ?? fromProductKey,
    kmsClient: freeze(draft.kmsClient),
    kmsHost: freeze(draft.kmsHost),
    kmsRequests: freeze(draft.kmsRequests),
    avma: freeze(draft.avma),
    other: Object.freeze({ ...draft.other }),
    notes: Object.freeze([...draft.notes]),
  });
}

/**
 * Parses the text of `slmgr /dli` or `slmgr /dlv` for one product into a `SlmgrReport`: every labelled
 * field (numbers as numbers, "Not Available" as null), the licence status in the scenario vocabulary plus
 * the raw text, the Description channel and the key kind, and the KMS client, KMS host, request-count and
 * AVMA client blocks. Unknown labelled lines land in `other`. Throws `AvmaError` INVALID_SLMGR_OUTPUT when
 * the text is too large, holds no slmgr field at all, repeats a field (several products), or a numeric
 * field is malformed; the message names the line.
 */
export function parseSlmgrOutput(text: string): SlmgrReport {
  const draft: SlmgrDraft = {
    product: emptyProduct(),
    kmsClient: null,
    kmsHost: null,
    kmsRequests: null,
    avma: null,
    other: Object.create(null) as Record<string, string>,
    notes: [],
  };
  const seen = new Map<string, number>();
  let known = 0;
  splitLines(text).forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || BANNER.some((banner) => banner.test(line))) return;
    if (applyLine(draft, line, index + 1, seen)) known += 1;
  });
  if (known === 0) {
    throw invalid('text holds no slmgr field, expected the output of slmgr /dli or /dlv (e.g. "Name: ...")');
  }
  return finish(draft);
}
