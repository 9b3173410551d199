/**
 * Lenient parsing of operator-typed Windows Server versions and editions into the scenario vocabulary
 * (architecture §5), and the human product names used in messages.
 */
import { EDITIONS, type Edition, SERVER_VERSIONS, type ServerVersion } from 'hyperv-kvp';
import { AvmaError, quoteInput } from './errors.js';

/** Nothing legitimate ("Windows Server 2022 Datacenter: Azure Edition") is longer than this. */
const MAX_VOCABULARY_INPUT_CHARS = 64;

/**
 * Edition spellings seen in Microsoft's tables and in `EditionID` values, mapped onto the vocabulary.
 * `ServerSolution` is the EditionID of Windows Server Essentials (py-kms GVLK tables list the 2012 R2
 * Essentials key under that name).
 */
const EDITION_ALIASES: Readonly<Record<string, Edition>> = Object.freeze({
  'datacenter-azure-edition': 'datacenter-azure',
  'azure-edition': 'datacenter-azure',
  serverdatacenter: 'datacenter',
  serverstandard: 'standard',
  serversolution: 'essentials',
  serverazureedition: 'datacenter-azure',
  professional: 'pro',
});

function compactVersion(text: string): string {
  return text
    .toLowerCase()
    .replace(/^\s*(microsoft\s+)?windows\s+server\s*,?\s*/, '')
    .replace(/^version\s+/, '')
    .replace(/[\s_-]+/g, '');
}

function compactEdition(text: string): string {
  return text
    .trim()
    .toLowerCase()
    .replace(/:/g, ' ')
    .replace(/[\s_]+/g, '-')
    .replace(/-+/g, '-');
}

function checkLength(text: unknown, what: string, code: 'UNKNOWN_VERSION' | 'UNKNOWN_EDITION'): string {
  if (typeof text !== 'string')
    throw new AvmaError(code, `${what} is ${quoteInput(text)}, expected a string`);
  if (text.length > MAX_VOCABULARY_INPUT_CHARS) {
    throw new AvmaError(
      code,
      `${what} ${quoteInput(text)} has ${text.length} characters, expected at most ${MAX_VOCABULARY_INPUT_CHARS}`,
    );
  }
  return text;
}

/**
 * Parses "2012r2", "2012 R2", "Windows Server 2019", "version 1809" (any case) into a `ServerVersion`.
 * Throws `AvmaError` UNKNOWN_VERSION naming the accepted values when the text is not a known release.
 */
export function parseServerVersion(text: string): ServerVersion {
  const compact = compactVersion(checkLength(text, 'Windows Server version', 'UNKNOWN_VERSION'));
  const match = SERVER_VERSIONS.find((version) => version.toLowerCase() === compact);
  if (match === undefined) {
    throw new AvmaError(
      'UNKNOWN_VERSION',
      `unknown Windows Server version ${quoteInput(text)}, expected one of ${SERVER_VERSIONS.join(', ')}`,
    );
  }
  return match;
}

/**
 * Parses "Datacenter", "standard", "Datacenter: Azure Edition", "ServerStandard" (any case) into an
 * `Edition`. Throws `AvmaError` UNKNOWN_EDITION naming the accepted values.
 */
export function parseEdition(text: string): Edition {
  const compact = compactEdition(checkLength(text, 'edition', 'UNKNOWN_EDITION'));
  const direct = EDITIONS.find((edition) => edition === compact);
  const match = direct ?? EDITION_ALIASES[compact];
  if (match === undefined) {
    throw new AvmaError(
      'UNKNOWN_EDITION',
      `unknown edition ${quoteInput(text)}, expected one of ${EDITIONS.join(', ')}`,
    );
  }
  return match;
}

const EDITION_NAMES: Readonly<Record<Edition, string>> = Object.freeze({
  datacenter: 'Datacenter',
  standard: 'Standard',
  essentials: 'Essentials',
  'datacenter-azure': 'Datacenter: Azure Edition',
  pro: 'Pro',
  enterprise: 'Enterprise',
});

/** "Windows Server 2012 R2 Datacenter", "Windows Server, version 1809 Standard". Never throws. */
export function serverProductName(version: ServerVersion, edition: Edition): string {
  const release = /^\d{4}$/.test(version) && Number(version) < 2000 ? `, version ${version}` : ` ${version}`;
  const spaced = release.replace(/R2$/, ' R2');
  return `Windows Server${spaced} ${EDITION_NAMES[edition]}`;
}
