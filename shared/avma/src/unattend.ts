/**
 * The `<ProductKey>` element for templates. Microsoft: "You can also add the AVMA keys in any Unattend
 * setup file" (automatic-vm-activation.md); the element belongs to the Microsoft-Windows-Shell-Setup
 * component of the specialize pass, where public deployment scripts (e.g. 2Pint DeployR's AVMA unattend
 * updater) put it, so a generalized image activates against its host on first boot.
 */
import { EDITIONS, type Edition, SERVER_VERSIONS, type ServerVersion } from 'hyperv-kvp';
import { AVMA_KEYS, avmaKeyFor } from './avma-keys.js';
import { AvmaError } from './errors.js';
import { serverProductName } from './vocabulary.js';

/** Where the fragment goes, for the comment and for callers assembling a full unattend file. */
export const UNATTEND_PASS = 'specialize';
export const UNATTEND_COMPONENT = 'Microsoft-Windows-Shell-Setup';

function availablePairs(): string {
  return AVMA_KEYS.flatMap((entry) => entry.versions.map((version) => `${version}/${entry.edition}`)).join(
    ', ',
  );
}

/**
 * The XML fragment `<!-- ... --><ProductKey>KEY</ProductKey>` carrying the AVMA key for a version and
 * edition, with a comment naming both. Throws `AvmaError` NO_AVMA_KEY naming the version/edition pairs
 * that have keys, or INVALID_ARGUMENT when version or edition is outside the vocabulary.
 */
export function unattendProductKeyFragment(version: ServerVersion, edition: Edition): string {
  if (!SERVER_VERSIONS.includes(version) || !EDITIONS.includes(edition)) {
    throw new AvmaError(
      'INVALID_ARGUMENT',
      `version/edition ${JSON.stringify(`${String(version)}/${String(edition)}`).slice(0, 60)} is outside the vocabulary, expected a version from ${SERVER_VERSIONS.join(', ')} and an edition from ${EDITIONS.join(', ')}`,
    );
  }
  const key = avmaKeyFor(version, edition);
  if (key === null) {
    throw new AvmaError(
      'NO_AVMA_KEY',
      `no AVMA key for ${version}/${edition}, expected one of ${availablePairs()}`,
    );
  }
  const comment = `AVMA key for ${serverProductName(version, edition)} (${UNATTEND_PASS} pass, ${UNATTEND_COMPONENT})`;
  return `<!-- ${comment} -->\n<ProductKey>${key}</ProductKey>\n`;
}
