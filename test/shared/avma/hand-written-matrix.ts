import type { HostVersion, ServerVersion } from 'hyperv-kvp';

/**
 * Written by hand from Microsoft's matrix (LTSC columns), extended by the architecture's rules: the 2025
 * row follows the pattern (UNCONFIRMED), semi-annual guests sit in build order (UNCONFIRMED), 2012 and
 * 2008 R2 guests never activate. Columns in SERVER_VERSIONS order.
 */
export const COLUMNS = '2008R2 2012 2012R2 2016 1709 1803 1809 2019 1903 1909 2022 2025';
export const BUILD_ORDER: Record<HostVersion, string> = {
  '2012R2': '-      -    X      -    -    -    -    -    -    -    -    -   ',
  '2016': '-      -    X      X    -    -    -    -    -    -    -    -   ',
  '2019': '-      -    X      X    X    X    X    X    -    -    -    -   ',
  '2022': '-      -    X      X    X    X    X    X    X    X    X    -   ',
  '2025': '-      -    X      X    X    X    X    X    X    X    X    X   ',
};
/** The other reading: a semi-annual release goes wherever the long-term release whose AVMA key it uses goes. */
export const KEY_FAMILY: Record<HostVersion, string> = {
  '2012R2': '-      -    X      -    -    -    -    -    -    -    -    -   ',
  '2016': '-      -    X      X    X    X    -    -    -    -    -    -   ',
  '2019': '-      -    X      X    X    X    X    X    X    X    -    -   ',
  '2022': '-      -    X      X    X    X    X    X    X    X    X    -   ',
  '2025': '-      -    X      X    X    X    X    X    X    X    X    X   ',
};

export function expectedGuests(row: string): ServerVersion[] {
  const marks = row.trim().split(/\s+/);
  const columns = COLUMNS.split(' ') as ServerVersion[];
  if (marks.length !== columns.length) throw new Error(`matrix row "${row}" has ${marks.length} marks`);
  return columns.filter((_, index) => marks[index] === 'X');
}
