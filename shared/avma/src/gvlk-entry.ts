/** Builds frozen GVLK table rows; kept apart so both data files share one constructor. */
import type { GvlkEdition, GvlkEntry, GvlkVersion } from './gvlk.js';

/** A frozen table row; the first listed version is the primary one. */
export function gvlk(
  key: string,
  product: string,
  versions: readonly [GvlkVersion, ...GvlkVersion[]],
  edition: GvlkEdition,
  source: string,
): GvlkEntry {
  return Object.freeze({
    key,
    product,
    version: versions[0],
    versions: Object.freeze([...versions]),
    edition,
    source,
  });
}
