/**
 * Product key normalisation and classification: is a key an AVMA key, a KMS client key (GVLK), or
 * neither, and for which Windows version and edition.
 */
import type { Edition, ServerVersion } from 'hyperv-kvp';
import { avmaKeyEntry, avmaKeyFor } from './avma-keys.js';
import { AvmaError, quoteInput } from './errors.js';
import { type GvlkEdition, type GvlkVersion, gvlkEntry } from './gvlk.js';
import { serverProductName } from './vocabulary.js';

/**
 * Characters of a product key. The 24 base-24 digits `BCDFGHJKMPQRTVWXY2346789` are the alphabet every
 * public key decoder uses (e.g. `DecodeProductKey` scripts reading `DigitalProductId`); keys from Windows 8
 * on also carry one `N`, which encoders place by removing it before base-24 decoding (the key-encoding
 * PowerShell helpers reject a second `N`). Every key in the AVMA and GVLK tables passes this check (tested).
 */
export const PRODUCT_KEY_ALPHABET = 'BCDFGHJKMNPQRTVWXY2346789';
export const PRODUCT_KEY_LENGTH = 25;
const GROUP_LENGTH = 5;
/** Input longer than this is rejected before any work: a key with generous spacing stays well below it. */
export const MAX_PRODUCT_KEY_INPUT_CHARS = 64;
/** Hyphen look-alikes that copy-paste substitutes (Microsoft warns about em-dashes under 0xC004F050). */
const DASHES = /[-\u2010\u2011\u2012\u2013\u2014\u2212]/g;

export type KeyKind = 'avma' | 'gvlk' | 'unknown';

export interface KeyClassification {
  readonly input: string;
  /** Canonical `XXXXX-XXXXX-XXXXX-XXXXX-XXXXX`. */
  readonly normalized: string;
  readonly kind: KeyKind;
  /** The primary version the key is published for; `null` for unknown keys. */
  readonly version: GvlkVersion | null;
  readonly edition: GvlkEdition | null;
  /** Every version the key is published for, in table order; empty for unknown keys. */
  readonly versions: readonly GvlkVersion[];
}

function checkCharacters(compact: string, input: string): void {
  for (let index = 0; index < compact.length; index += 1) {
    const char = compact.charAt(index);
    if (!PRODUCT_KEY_ALPHABET.includes(char)) {
      throw new AvmaError(
        'INVALID_PRODUCT_KEY',
        `product key ${quoteInput(input)} has ${JSON.stringify(char)} at position ${index + 1}, expected only ${PRODUCT_KEY_ALPHABET}`,
      );
    }
  }
  const letterN = compact.split('N').length - 1;
  if (letterN > 1) {
    throw new AvmaError(
      'INVALID_PRODUCT_KEY',
      `product key ${quoteInput(input)} has ${letterN} letters N, expected at most one`,
    );
  }
}

/**
 * Uppercases, drops blanks and every dash, checks for 25 characters of `PRODUCT_KEY_ALPHABET` (at most one
 * `N`) and returns the key as five dash-separated groups of five. Throws `AvmaError` INVALID_PRODUCT_KEY
 * naming what was wrong (empty, length, stray character) and what was expected.
 */
export function normalizeProductKey(input: string): string {
  if (typeof input !== 'string') {
    throw new AvmaError('INVALID_PRODUCT_KEY', `product key is ${quoteInput(input)}, expected a string`);
  }
  if (input.length > MAX_PRODUCT_KEY_INPUT_CHARS) {
    throw new AvmaError(
      'INVALID_PRODUCT_KEY',
      `product key input has ${input.length} characters, expected at most ${MAX_PRODUCT_KEY_INPUT_CHARS}`,
    );
  }
  const compact = input.replace(/\s+/g, '').replace(DASHES, '').toUpperCase();
  if (compact.length === 0) {
    throw new AvmaError(
      'INVALID_PRODUCT_KEY',
      'product key is empty, expected 25 characters (5 groups of 5)',
    );
  }
  if (compact.length !== PRODUCT_KEY_LENGTH) {
    throw new AvmaError(
      'INVALID_PRODUCT_KEY',
      `product key ${quoteInput(input)} has ${compact.length} characters, expected 25 (5 groups of 5)`,
    );
  }
  checkCharacters(compact, input);
  const groups: string[] = [];
  for (let start = 0; start < PRODUCT_KEY_LENGTH; start += GROUP_LENGTH) {
    groups.push(compact.slice(start, start + GROUP_LENGTH));
  }
  return groups.join('-');
}

/**
 * Classifies a product key as an AVMA key, a GVLK or unknown, with the version(s) and edition it is
 * published for. Throws `AvmaError` INVALID_PRODUCT_KEY for malformed input (see `normalizeProductKey`).
 */
export function classifyProductKey(input: string): KeyClassification {
  const normalized = normalizeProductKey(input);
  const avma = avmaKeyEntry(normalized);
  if (avma !== null) {
    return Object.freeze({
      input,
      normalized,
      kind: 'avma',
      version: avma.primaryVersion,
      edition: avma.edition,
      versions: avma.versions,
    });
  }
  const kms = gvlkEntry(normalized);
  if (kms !== null) {
    return Object.freeze({
      input,
      normalized,
      kind: 'gvlk',
      version: kms.version,
      edition: kms.edition,
      versions: kms.versions,
    });
  }
  return Object.freeze({ input, normalized, kind: 'unknown', version: null, edition: null, versions: [] });
}

/**
 * Checks that `input` is the AVMA key for `version` and `edition` and returns it in canonical form.
 * Throws `AvmaError`: NO_AVMA_KEY when Microsoft publishes no AVMA key for that pair; WRONG_AVMA_KEY when
 * the key is a GVLK (the classic KMS-for-AVMA mix-up), another version's or edition's AVMA key, or not a
 * published key, the message naming what the key is and which key was expected; INVALID_PRODUCT_KEY when
 * the input is not a product key at all.
 */
export function expectAvmaKey(input: string, version: ServerVersion, edition: Edition): string {
  const expected = avmaKeyFor(version, edition);
  const target = serverProductName(version, edition);
  if (expected === null) {
    throw new AvmaError('NO_AVMA_KEY', `Microsoft publishes no AVMA key for ${target}`);
  }
  const normalized = normalizeProductKey(input);
  if (normalized === expected) return expected;
  const suffix = `the AVMA key for ${target} is ${expected}`;
  const kms = gvlkEntry(normalized);
  if (kms !== null) {
    throw new AvmaError(
      'WRONG_AVMA_KEY',
      `${normalized} is the KMS client key (GVLK) for ${describeGvlk(kms.product, kms.versions)}, not an AVMA key; ${suffix}`,
    );
  }
  const other = avmaKeyEntry(normalized);
  if (other !== null) {
    const owner = serverProductName(other.primaryVersion, other.edition);
    throw new AvmaError(
      'WRONG_AVMA_KEY',
      `${normalized} is the AVMA key for ${owner}, not for ${target}; ${suffix}`,
    );
  }
  throw new AvmaError('WRONG_AVMA_KEY', `${normalized} is not a published AVMA or KMS client key; ${suffix}`);
}

/** Semi-annual rows are named "Windows Server Standard"; the versions make them unambiguous. */
function describeGvlk(product: string, versions: readonly GvlkVersion[]): string {
  if (/\d/.test(product)) return product;
  const plural = versions.length > 1 ? 's' : '';
  return `${product} (version${plural} ${versions.join(', ')})`;
}
